"""Shared test fixtures: cassettes for the LLM engine, and the scripted server that records them.

Cassettes replay by default (pytest-recording's record mode `none`): a test whose request is not
in its cassette fails loudly. `scripts/record_cassettes.sh` re-records them with
`--record-mode=rewrite`, which makes `llm_base_url` start the scripted OpenAI-compatible server
(tests/stub_server.py) on loopback.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
SCRIPTS = TESTS / "scripts"
SEED = ROOT / "seeds" / "000_2c3e132f8f386317.txt"
TEST_KEY = "sk-test-0123456789abcdefghijklmnop"
"""A fake key sent in every recorded request: the scrubbing test checks it never reaches a cassette."""

sys.path.insert(0, str(TESTS))


def _scrub_response(response: dict) -> dict:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in {"set-cookie", "openai-organization", "date", "server"}:
            headers.pop(name)
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict:
    return {
        "filter_headers": [
            "authorization",
            "api-key",
            "openai-organization",
            "openai-project",
            "cookie",
            "x-stainless-os",
            "x-stainless-arch",
            "x-stainless-runtime-version",
            "user-agent",
        ],
        "match_on": ["method", "path", "body"],
        "before_record_response": _scrub_response,
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    return str(ROOT / "cassettes" / request.module.__name__.split(".")[-1])


@pytest.fixture(scope="session")
def recording(pytestconfig: pytest.Config) -> bool:
    return pytestconfig.getoption("--record-mode", default="none") not in (None, "none")


@pytest.fixture(scope="session")
def llm_base_url(recording: bool) -> Iterator[str]:
    """The scripted server's URL while recording; an unreachable address while replaying."""
    if not recording:
        yield "http://127.0.0.1:9/v1"  # never contacted: cassettes answer
        return
    from stub_server import serve

    with serve(SCRIPTS) as url:
        yield url


@pytest.fixture
def llm_env(monkeypatch: pytest.MonkeyPatch, llm_base_url: str) -> str:
    """An environment configured for the scripted server, as a user would configure a real one."""
    monkeypatch.setenv("OPENAI_BASE_URL", llm_base_url)
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    monkeypatch.delenv("SUMMARIZER_MODEL", raising=False)
    monkeypatch.delenv("SUMMARIZER_MODE", raising=False)
    return llm_base_url


@pytest.fixture
def no_llm_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "SUMMARIZER_MODEL", "SUMMARIZER_MODE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def seed_text() -> str:
    from summarizer.article import read_path

    return read_path(SEED).text
