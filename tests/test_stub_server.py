"""Tests for the scripted OpenAI-compatible stub server, driven through the real openai SDK."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:  # also importable under --import-mode=importlib
    sys.path.insert(0, str(TESTS_DIR))

from stub_server import StubServer, serve  # noqa: E402

USER = [{"role": "user", "content": "Summarize: the cat sat on the mat."}]
TOOL = {
    "type": "function",
    "function": {
        "name": "Summary",
        "description": "Structured summary",
        "parameters": {"type": "object", "properties": {"title": {"type": "string"}}},
    },
}
ANSWER = {"title": "Cat sits", "bullets": ["mat", "ünïcode ✓"]}


def write_script(scripts: Path, name: str, *entries: dict[str, Any]) -> None:
    (scripts / f"{name}.json").write_text(json.dumps({"responses": list(entries)}), "utf-8")


@pytest.fixture
def scripts(tmp_path: Path) -> Path:
    d = tmp_path / "scripts"
    d.mkdir()
    return d


@pytest.fixture
def server(scripts: Path) -> Iterator[StubServer]:
    with StubServer(scripts) as srv:
        yield srv


@pytest.fixture
def client(server: StubServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0)


def post_raw(url: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(
        url + "/chat/completions",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_serve_yields_loopback_v1_base_url(scripts: Path) -> None:
    with serve(scripts) as url:
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/v1")
        assert int(url.rsplit(":", 1)[1].removesuffix("/v1")) > 0


def test_tools_request_gets_tool_call_with_scripted_arguments(scripts: Path, client: openai.OpenAI) -> None:
    write_script(scripts, "ok", {"status": 200, "json": ANSWER})
    resp = client.chat.completions.create(model="stub/ok", messages=USER, tools=[TOOL])
    choice = resp.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    (call,) = choice.message.tool_calls
    assert call.id == "call_stub_0"
    assert call.function.name == "Summary"
    assert json.loads(call.function.arguments) == ANSWER
    assert resp.model == "stub/ok"
    assert resp.created == 0
    assert resp.object == "chat.completion"


def test_plain_request_gets_json_content(scripts: Path, client: openai.OpenAI) -> None:
    write_script(scripts, "ok", {"status": 200, "json": ANSWER})
    resp = client.chat.completions.create(model="stub/ok", messages=USER)
    assert resp.choices[0].finish_reason == "stop"
    assert resp.choices[0].message.tool_calls is None
    assert json.loads(resp.choices[0].message.content) == ANSWER
    assert "ünïcode ✓" in resp.choices[0].message.content  # ensure_ascii=False


def test_chat_completions_without_v1_prefix_is_accepted(scripts: Path, server: StubServer) -> None:
    write_script(scripts, "ok", {"status": 200, "json": ANSWER})
    base = server.base_url.removesuffix("/v1")
    plain = openai.OpenAI(base_url=base, api_key="test-key", max_retries=0)
    resp = plain.chat.completions.create(model="stub/ok", messages=USER)
    assert json.loads(resp.choices[0].message.content) == ANSWER


def test_entry_selected_by_number_of_assistant_messages(scripts: Path, client: openai.OpenAI) -> None:
    write_script(scripts, "retry", *({"status": 200, "json": {"n": i}} for i in range(3)))
    history: list[dict[str, str]] = list(USER)
    seen = []
    for _ in range(5):  # attempts 0..4; beyond the end the last entry is reused
        resp = client.chat.completions.create(model="stub/retry", messages=history)
        seen.append(json.loads(resp.choices[0].message.content)["n"])
        history += [{"role": "assistant", "content": "bad"}, {"role": "user", "content": "fix"}]
    assert seen == [0, 1, 2, 2, 2]


def test_instructor_validation_retry_gets_next_entry(scripts: Path, client: openai.OpenAI) -> None:
    instructor = pytest.importorskip("instructor")
    pydantic = pytest.importorskip("pydantic")

    class Summary(pydantic.BaseModel):
        title: str

    write_script(
        scripts,
        "fix",
        {"status": 200, "json": {"title": 5}},
        {"status": 200, "json": {"title": "Fixed"}},
    )
    result = instructor.from_openai(client).chat.completions.create(
        model="stub/fix", response_model=Summary, max_retries=2, messages=USER
    )
    assert result.title == "Fixed"


def test_json_file_entry_loads_shared_answer(scripts: Path, client: openai.OpenAI) -> None:
    (scripts / "answers").mkdir()
    (scripts / "answers" / "shared.json").write_text(json.dumps(ANSWER), "utf-8")
    write_script(scripts, "a", {"status": 200, "json_file": "answers/shared.json"})
    write_script(scripts, "b", {"status": 200, "json_file": "answers/shared.json"})
    for model in ("stub/a", "stub/b"):
        resp = client.chat.completions.create(model=model, messages=USER, tools=[TOOL])
        assert json.loads(resp.choices[0].message.tool_calls[0].function.arguments) == ANSWER


def test_raw_content_entry_is_returned_verbatim(scripts: Path, client: openai.OpenAI) -> None:
    write_script(scripts, "raw", {"status": 200, "content": "not json {"})
    plain = client.chat.completions.create(model="stub/raw", messages=USER)
    assert plain.choices[0].message.content == "not json {"
    tool = client.chat.completions.create(model="stub/raw", messages=USER, tools=[TOOL])
    assert tool.choices[0].message.tool_calls[0].function.arguments == "not json {"


def test_usage_estimates_tokens_from_messages_and_answer(scripts: Path, client: openai.OpenAI) -> None:
    write_script(scripts, "ok", {"status": 200, "json": ANSWER})
    resp = client.chat.completions.create(model="stub/ok", messages=USER)
    prompt = math.ceil(len(json.dumps(USER, ensure_ascii=False)) / 4)
    completion = math.ceil(len(json.dumps(ANSWER, ensure_ascii=False)) / 4)
    assert resp.usage is not None
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens) == (prompt, completion)
    assert resp.usage.total_tokens == prompt + completion


def test_500_entry_raises_internal_server_error(scripts: Path, client: openai.OpenAI) -> None:
    write_script(scripts, "boom", {"status": 500, "message": "kaboom"})
    with pytest.raises(openai.InternalServerError) as exc_info:
        client.chat.completions.create(model="stub/boom", messages=USER)
    assert exc_info.value.status_code == 500
    assert exc_info.value.body == {
        "message": "kaboom",
        "type": "server_error",
        "param": None,
        "code": None,
    }


def test_401_entry_raises_authentication_error(scripts: Path, client: openai.OpenAI) -> None:
    write_script(scripts, "noauth", {"status": 401, "message": "Incorrect API key provided"})
    with pytest.raises(openai.AuthenticationError) as exc_info:
        client.chat.completions.create(model="stub/noauth", messages=USER)
    assert exc_info.value.code == "invalid_api_key"
    assert exc_info.value.type == "invalid_request_error"


def test_429_entry_raises_rate_limit_error(scripts: Path, client: openai.OpenAI) -> None:
    write_script(scripts, "slow", {"status": 429, "message": "Slow down", "retry_after": 7})
    with pytest.raises(openai.RateLimitError) as exc_info:
        client.chat.completions.create(model="stub/slow", messages=USER)
    assert exc_info.value.code == "rate_limit_exceeded"
    assert exc_info.value.response.headers["retry-after"] == "7"


def test_429_retry_after_sets_header(scripts: Path, server: StubServer) -> None:
    write_script(scripts, "slow", {"status": 429, "message": "Slow down", "retry_after": 7})
    body = json.dumps({"model": "stub/slow", "messages": USER}).encode()
    status, headers, raw = post_raw(server.base_url, body)
    assert status == 429
    assert headers["Retry-After"] == "7"
    assert json.loads(raw) == {
        "error": {
            "message": "Slow down",
            "type": "rate_limit_exceeded",
            "param": None,
            "code": "rate_limit_exceeded",
        }
    }


def test_unknown_scenario_returns_404_model_not_found(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as exc_info:
        client.chat.completions.create(model="stub/missing", messages=USER)
    assert exc_info.value.body == {
        "message": "The model `stub/missing` does not exist",
        "type": "invalid_request_error",
        "param": None,
        "code": "model_not_found",
    }


@pytest.mark.parametrize("model", ["gpt-4o", "stub/", "stub/../outside", "stub/answers/x"])
def test_model_outside_scripts_dir_is_unknown(scripts: Path, client: openai.OpenAI, model: str) -> None:
    (scripts.parent / "outside.json").write_text(json.dumps({"responses": [{"json": {}}]}))
    (scripts / "answers").mkdir()
    write_script(scripts / "answers", "x", {"status": 200, "json": {}})
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model=model, messages=USER)


def test_json_file_escaping_scripts_dir_is_a_script_error(scripts: Path, client: openai.OpenAI) -> None:
    (scripts.parent / "secret.json").write_text("{}")
    write_script(scripts, "evil", {"status": 200, "json_file": "../secret.json"})
    with pytest.raises(openai.InternalServerError) as exc_info:
        client.chat.completions.create(model="stub/evil", messages=USER)
    assert exc_info.value.code == "stub_script_error"


def test_broken_script_answers_500_script_error(scripts: Path, client: openai.OpenAI) -> None:
    (scripts / "broken.json").write_text("{not json")
    with pytest.raises(openai.InternalServerError) as exc_info:
        client.chat.completions.create(model="stub/broken", messages=USER)
    assert exc_info.value.code == "stub_script_error"


def test_stream_request_is_rejected(scripts: Path, client: openai.OpenAI) -> None:
    write_script(scripts, "ok", {"status": 200, "json": ANSWER})
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="stub/ok", messages=USER, stream=True)


def test_models_endpoint_lists_scenarios(scripts: Path, client: openai.OpenAI) -> None:
    write_script(scripts, "beta", {"status": 200, "json": {}})
    write_script(scripts, "alpha", {"status": 500})
    models = client.models.list()
    assert [m.id for m in models.data] == ["stub/alpha", "stub/beta"]
    assert {(m.object, m.created, m.owned_by) for m in models.data} == {("model", 0, "summarizer-stub")}


def test_identical_requests_give_identical_responses(scripts: Path, server: StubServer) -> None:
    write_script(scripts, "ok", {"status": 200, "json": ANSWER})
    body = json.dumps({"model": "stub/ok", "messages": USER, "tools": [TOOL]}).encode()
    first, second = post_raw(server.base_url, body), post_raw(server.base_url, body)
    assert first == second  # status, headers (no Date) and body bytes
    assert first[0] == 200
    assert "Date" not in first[1]
    assert json.loads(first[2])["id"].startswith("chatcmpl-stub-")
    other = post_raw(server.base_url, body.replace(b"mat.", b"rug."))
    assert json.loads(other[2])["id"] != json.loads(first[2])["id"]


def test_identical_sdk_calls_give_identical_completions(scripts: Path, client: openai.OpenAI) -> None:
    write_script(scripts, "ok", {"status": 200, "json": ANSWER})
    a = client.chat.completions.create(model="stub/ok", messages=USER, tools=[TOOL])
    b = client.chat.completions.create(model="stub/ok", messages=USER, tools=[TOOL])
    assert a.model_dump() == b.model_dump()
    assert len(a.id) == len("chatcmpl-stub-") + 12


def test_requests_counter_counts_chat_calls(scripts: Path, server: StubServer, client: openai.OpenAI) -> None:
    write_script(scripts, "ok", {"status": 200, "json": ANSWER})
    for _ in range(3):
        client.chat.completions.create(model="stub/ok", messages=USER)
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="stub/missing", messages=USER)
    client.models.list()  # not an LLM call
    assert server.requests == 4


def test_latency_delays_and_concurrent_requests_overlap(scripts: Path) -> None:
    write_script(scripts, "ok", {"status": 200, "json": ANSWER})
    with StubServer(scripts, latency=0.3) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0)
        errors: list[BaseException] = []

        def call() -> None:
            try:
                client.chat.completions.create(model="stub/ok", messages=USER)
            except BaseException as exc:  # surfaced by the assert below
                errors.append(exc)

        threads = [threading.Thread(target=call) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=10)
        assert errors == []
        assert server.requests == 4
        assert server.max_in_flight >= 2
        assert server.in_flight == 0


def test_api_key_is_never_logged_even_when_verbose(scripts: Path, capfd: pytest.CaptureFixture[str]) -> None:
    write_script(scripts, "ok", {"status": 200, "json": ANSWER})
    secret = "sk-super-secret-key-123"
    with StubServer(scripts, verbose=True) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key=secret, max_retries=0)
        resp = client.chat.completions.with_raw_response.create(model="stub/ok", messages=USER)
    out, err = capfd.readouterr()
    assert "POST /v1/chat/completions" in err
    assert secret not in out + err
    assert secret not in resp.http_response.text
    assert all(secret not in v for v in resp.headers.values())


def test_quiet_by_default(scripts: Path, client: openai.OpenAI, capfd: pytest.CaptureFixture[str]) -> None:
    write_script(scripts, "ok", {"status": 200, "json": ANSWER})
    client.chat.completions.create(model="stub/ok", messages=USER)
    client.models.list()
    assert capfd.readouterr() == ("", "")


def test_unknown_url_returns_404(server: StubServer) -> None:
    status, _, raw = post_raw(server.base_url + "/embeddings-nope", b"{}")
    assert status == 404
    assert json.loads(raw)["error"]["code"] == "unknown_url"


def test_cli_prints_base_url_and_serves(scripts: Path) -> None:
    write_script(scripts, "ok", {"status": 200, "json": ANSWER})
    proc = subprocess.Popen(
        [
            sys.executable,
            str(TESTS_DIR / "stub_server.py"),
            "--scripts",
            str(scripts),
            "--port",
            "0",
            "--latency",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        with urllib.request.urlopen(url + "/models", timeout=10) as resp:
            assert json.load(resp)["data"][0]["id"] == "stub/ok"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
