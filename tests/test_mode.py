"""The instructor mode is chosen to suit the server, from what the server says about itself."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import SCRIPTS
from stub_server import serve

from summarizer.engines.llm import LLMConfig, LLMEngine


@contextmanager
def models_server(owned_by: str | None) -> Iterator[str]:
    """A loopback server whose GET /v1/models names `owned_by` (404 when None)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if owned_by is None:
                self.send_response(404)
                self.end_headers()
                return
            body = json.dumps(
                {"object": "list", "data": [{"id": "m", "object": "model", "owned_by": owned_by}]}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("owned_by", "mode"),
    [
        ("llamacpp", "json_schema"),
        ("me", "tools"),
        ("vllm", "json_schema"),
        ("library", "json_schema"),
        (None, "json_schema"),
    ],
    ids=["llama.cpp", "llama-cpp-python", "vllm", "ollama", "no-models-endpoint"],
)
def test_auto_mode_follows_the_server(owned_by, mode):
    with models_server(owned_by) as url:
        engine = LLMEngine(LLMConfig(model="m", base_url=url, api_key="k"))
        assert engine.mode == mode


def test_openai_itself_gets_json_schema_without_a_request():
    engine = LLMEngine(LLMConfig(model="gpt-4o-mini", base_url=None, api_key="k", http_retries=0))
    assert engine.mode == "json_schema"


def test_explicit_mode_is_kept():
    engine = LLMEngine(LLMConfig(model="m", base_url="http://127.0.0.1:9/v1", mode="md_json"))
    assert engine.mode == "md_json"


def test_scripted_server_is_detected_and_answers_in_the_chosen_mode(seed_text):
    from summarizer import Summarizer

    with serve(SCRIPTS) as url:
        summarizer = Summarizer(model="stub/seed", base_url=url, api_key="k", http_retries=0)
        summary = summarizer.summarize(seed_text, published="2022-02-07")
    assert summary.meta.mode == "json_schema"
    assert len(summary.statements) == 8


def test_settings_come_from_the_environment_and_arguments_win():
    env = {"OPENAI_BASE_URL": "http://h/v1", "SUMMARIZER_MODEL": "env-model", "SUMMARIZER_MODE": "tools"}
    config = LLMConfig.resolve(env=env)
    assert (config.model, config.base_url, config.mode, config.api_key) == (
        "env-model",
        "http://h/v1",
        "tools",
        None,
    )
    assert LLMConfig.resolve(model="arg", mode="json", env=env).model == "arg"
    assert LLMConfig.resolve(env={"OPENAI_API_KEY": "sk-x"}).model == "gpt-4o-mini"
    assert "sk-x" not in repr(LLMConfig.resolve(env={"OPENAI_API_KEY": "sk-x"}))


def test_credentials_in_a_base_url_never_reach_a_message():
    from summarizer.engines.llm import public_url

    assert public_url("http://user:s3cret@llm.example:8080/v1") == "http://llm.example:8080/v1"
    assert public_url(None) == "api.openai.com"
    assert public_url("http://127.0.0.1:9/v1") == "http://127.0.0.1:9/v1"


def test_limits_come_from_the_environment_and_bad_ones_are_one_line_errors():
    from summarizer.errors import ConfigError

    env = {"OPENAI_BASE_URL": "http://h/v1", "SUMMARIZER_MODEL": "m"}
    config = LLMConfig.resolve(
        env=env | {"SUMMARIZER_TIMEOUT": "45", "SUMMARIZER_MAX_OUTPUT_TOKENS": "900", "SUMMARIZER_STRICT": "0"}
    )
    assert (config.timeout, config.max_output_tokens, config.strict) == (45.0, 900, False)
    defaults = LLMConfig.resolve(env=env)
    assert (defaults.timeout, defaults.max_output_tokens, defaults.strict) == (300.0, None, True)
    assert LLMConfig.resolve(timeout=5, strict=True, env=env | {"SUMMARIZER_TIMEOUT": "45"}).timeout == 5
    for bad in ({"SUMMARIZER_TIMEOUT": "soon"}, {"SUMMARIZER_TIMEOUT": "-1"}, {"SUMMARIZER_STRICT": "maybe"},
                {"SUMMARIZER_MAX_OUTPUT_TOKENS": "1.5"}):  # fmt: skip
        with pytest.raises(ConfigError) as info:
            LLMConfig.resolve(env=env | bad)
        assert "\n" not in str(info.value) and next(iter(bad)) in str(info.value)


def test_output_limit_is_sized_from_the_article_within_its_bounds():
    from summarizer.engines.calls import OUTPUT_CEILING, OUTPUT_FLOOR, output_budget

    assert output_budget("short") == OUTPUT_FLOOR
    assert output_budget("x" * 4000) == 1024 + 4 * 1000
    assert output_budget("x" * 1_000_000) == OUTPUT_CEILING
    assert output_budget("x" * 1_000_000, override=700) == 700
