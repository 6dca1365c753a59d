"""Credentials never reach stderr, an error row, the call log or a host the user did not name."""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import SCRIPTS, TEST_KEY
from stub_server import StubServer
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.credentials import check_base_url, public_url, redact
from summarizer.errors import ConfigError

runner = CliRunner()
PASSWORD = "hunter2-very-secret"


def test_redact_covers_every_credential_form():
    basic = base64.b64encode(f"user:{PASSWORD}".encode()).decode()
    message = (
        f"key {TEST_KEY}; Authorization: Bearer abc.def-123; authorization: Basic {basic}; "
        f"url http://user:{PASSWORD}@llm.example/v1; {{'api_key': 'plainkey123'}} token=tok-777 "
        f"echo {base64.b64encode(TEST_KEY.encode()).decode()}"
    )
    cleaned = redact(message, TEST_KEY)
    for secret in (TEST_KEY, "abc.def-123", basic, PASSWORD, "plainkey123", "tok-777",
                   base64.b64encode(TEST_KEY.encode()).decode().rstrip("=")):  # fmt: skip
        assert secret not in cleaned
    assert "http://[redacted]@llm.example/v1" in cleaned
    assert redact("the server said no: model not found") == "the server said no: model not found"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (f"http://user:{PASSWORD}@127.0.0.1:8080/v1", "carries credentials (user:password@)"),
        ("http://127.0.0.1:99999/v1", "has a bad port"),
        ("http://127.0.0.1:port/v1", "has a bad port"),
        ("ftp://127.0.0.1/v1", "must start with http:// or https://"),
        ("http:///v1", "names no host"),
    ],
)
def test_a_bad_base_url_is_one_line_exit_1_for_every_command(tmp_path, url, says, no_llm_env):
    article = tmp_path / "a.txt"
    article.write_text("date 2024-01-02\nThe mayor said the bridge would reopen.", encoding="utf-8")
    (tmp_path / "requests.jsonl").write_text("", encoding="utf-8")
    commands = [
        ["summarize", str(article), "--engine", "llm", "--model", "m"],
        ["batch", str(article), "-o", str(tmp_path / "o.jsonl"), "--engine", "llm", "--model", "m"],
        ["batch", "status", "batch_1"],
        ["batch", "collect", "batch_1", str(tmp_path / "requests.jsonl"), "-o", str(tmp_path / "c.jsonl")],
    ]
    for command in commands:
        result = runner.invoke(app, [*command, "--base-url", url])
        assert result.exit_code == 1, (command, result.output)
        lines = result.stderr.strip().splitlines()
        assert says in lines[-1] and lines[-1].startswith("summarizer: error: base URL"), command
        assert PASSWORD not in result.stderr and "internal error" not in result.stderr


def test_public_url_cuts_userinfo_and_check_keeps_a_good_url():
    assert public_url(f"http://u:{PASSWORD}@h.example:81/v1") == "http://h.example:81/v1"
    assert check_base_url("http://127.0.0.1:8080/v1") == "http://127.0.0.1:8080/v1"
    with pytest.raises(ConfigError):
        check_base_url(f"https://{PASSWORD}@h.example/v1")  # a user name alone is a credential too


def test_batch_collect_by_id_asks_the_base_url_the_user_named(tmp_path, monkeypatch, no_llm_env):
    """Without SUMMARIZER_MODEL or OPENAI_BASE_URL, `--base-url` alone decides where the key goes."""
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    articles = tmp_path / "in"
    articles.mkdir()
    (articles / "a.txt").write_text("date 2024-01-02\nThe mayor said the bridge would reopen.\n")
    requests = tmp_path / "requests.jsonl"
    assert runner.invoke(app, ["batch", "prepare", str(articles), "-o", str(requests), "--model", "stub/echo"]).exit_code == 0
    with StubServer(SCRIPTS) as stub:
        submitted = runner.invoke(app, ["batch", "submit", str(requests), "--base-url", stub.base_url])
        assert submitted.exit_code == 0, submitted.stderr
        out = tmp_path / "out.jsonl"
        collected = runner.invoke(
            app, ["batch", "collect", submitted.stdout.strip(), str(requests), "-o", str(out), "--base-url", stub.base_url]
        )  # fmt: skip
    assert collected.exit_code == 0, collected.stderr  # only the named stub knows this batch id
    assert [json.loads(line)["article"]["id"] for line in out.read_text().splitlines()] == ["a"]


class _EchoHeaders(BaseHTTPRequestHandler):
    """A server that echoes the request's credentials back in its error, as some proxies do."""

    def do_GET(self) -> None:
        self._echo()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._echo()

    def _echo(self) -> None:
        auth = self.headers.get("Authorization", "")
        body = json.dumps({"error": {"message": f"bad request; you sent Authorization: {auth} "
                                                f"and api_key={auth.split()[-1]}"}}).encode()  # fmt: skip
        self.send_response(400)
        for name, value in {"Content-Type": "application/json", "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # quiet
        return


@pytest.fixture
def echo_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoHeaders)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_a_key_echoed_by_the_server_reaches_no_message_row_or_log(tmp_path, monkeypatch, echo_server, no_llm_env):
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    article = tmp_path / "in" / "a.txt"
    article.parent.mkdir()
    article.write_text("date 2024-01-02\nThe mayor said the bridge would reopen.\n", encoding="utf-8")
    common = ["--engine", "llm", "--base-url", echo_server, "--model", "m", "--mode", "json_schema"]
    single = runner.invoke(app, ["summarize", str(article), *common, "--retries", "0"])
    assert single.exit_code == 1
    assert "you sent Authorization: [redacted]" in single.stderr
    out, cache = tmp_path / "out.jsonl", tmp_path / "cache.sqlite3"
    batch = runner.invoke(app, ["batch", str(article.parent), "-o", str(out), "--cache", str(cache),
                                "--http-retries", "0", *common])  # fmt: skip
    assert batch.exit_code == 1
    logged = sqlite3.connect(cache).execute("SELECT error FROM calls").fetchall()
    texts = [single.stderr, batch.stderr, out.read_text(encoding="utf-8"), json.dumps(logged)]
    assert logged and "redacted" in logged[0][0]
    for text in texts:
        assert TEST_KEY not in text
        assert TEST_KEY[10:] not in text
