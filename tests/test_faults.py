"""The LLM path against a server that fails on purpose (tests/fault_server.py, real HTTP on
127.0.0.1): every failure class ends in its own one-line message, exit 1, the true count of
requests, and nothing left running on the server.

The CLI runs as a real subprocess; the library is called directly where the exception's
fields (requests, usage) are the point. Durations are asserted only where a bound is the
behaviour (the deadline), and then as generous upper limits.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SEED, TEST_KEY
from fault_server import CONTEXT_MESSAGE, USAGE, fault_server

from summarizer import Summarizer
from summarizer.article import read_path
from summarizer.errors import (
    AuthenticationError,
    ContextLimitError,
    DeadlineError,
    LLMError,
    OutputLimitError,
    ServerError,
)


@pytest.fixture(scope="module")
def server():
    with fault_server() as (url, seen):
        yield url, seen


def cli(*args: str, base_url: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))} | {
        "OPENAI_BASE_URL": base_url,
        "OPENAI_API_KEY": TEST_KEY,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "summarizer", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.splitlines()
    assert result.returncode == 1, result.stderr
    assert len(lines) == 1 and lines[0].startswith("summarizer: error: "), result.stderr
    assert result.stdout == ""
    assert TEST_KEY not in result.stderr
    return lines[0].removeprefix("summarizer: error: ")


def summarize(mode: str, url: str, **settings):
    options = {"mode": "json_schema", "max_retries": 1, "http_retries": 2, "timeout": 30} | settings
    return Summarizer(model=f"fault/{mode}", base_url=url, api_key=TEST_KEY, **options).summarize(
        read_path(SEED)
    )


def wait_for(condition, seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


# --------------------------------------------------------------------------- the CLI, one line each


def test_cut_answer_names_the_limit_and_the_option_to_change(server, tmp_path):
    url, seen = server
    result = cli(
        "summarize",
        str(SEED),
        "--model",
        "fault/cut",
        "--max-output-tokens",
        "777",
        base_url=url,
        tmp_path=tmp_path,
    )
    message = one_error_line(result)
    assert "cut at the output limit of 777 tokens (finish_reason: length, 1 request)" in message
    assert "--max-output-tokens" in message
    (request,) = seen.of("cut")
    assert request[2]["max_tokens"] == 777  # the limit was really sent


def test_context_exceeded_is_its_own_message_and_is_not_retried(server, tmp_path):
    url, seen = server
    result = cli("summarize", str(SEED), "--model", "fault/context", base_url=url, tmp_path=tmp_path)
    message = one_error_line(result)
    assert message.startswith("the article does not fit the model's context")
    assert CONTEXT_MESSAGE in message and "llama-server -c" in message
    assert "retr" not in message
    assert len(seen.of("context")) == 1


def test_server_error_counts_the_requests_really_made(server, tmp_path):
    url, seen = server
    before = len(seen.of("500"))
    result = cli("summarize", str(SEED), "--model", "fault/500", base_url=url, tmp_path=tmp_path)
    message = one_error_line(result)
    assert "answered HTTP 500 (3 requests; no retry left)" in message  # summarize: 2 HTTP retries
    assert len(seen.of("500")) - before == 3


def test_trickling_body_is_cut_at_the_deadline_and_the_connection_closed(server, tmp_path):
    url, seen = server
    started = time.monotonic()
    result = cli(
        "summarize", str(SEED), "--model", "fault/trickle", "--timeout", "2", base_url=url, tmp_path=tmp_path
    )
    elapsed = time.monotonic() - started
    message = one_error_line(result)
    assert (
        "within the 2 s deadline (--timeout, SUMMARIZER_TIMEOUT); 1 request, the last one cancelled"
        in message
    )
    assert elapsed < 20  # the body would take 2 minutes; 2 s plus interpreter start-up
    assert wait_for(lambda: len(seen.hung_up("trickle")) == 1)  # the server saw the disconnect


def test_hanging_server_is_cut_at_the_deadline_from_the_environment(server, tmp_path):
    url, seen = server
    started = time.monotonic()
    result = cli(
        "summarize",
        str(SEED),
        "--model",
        "fault/hang",
        base_url=url,
        tmp_path=tmp_path,
        SUMMARIZER_TIMEOUT="1.5",
    )
    message = one_error_line(result)
    assert "within the 1.5 s deadline" in message
    assert time.monotonic() - started < 20
    assert wait_for(lambda: len(seen.hung_up("hang")) >= 1)


def test_connection_reset_mid_answer_is_not_called_unreachable(server, tmp_path):
    url, _ = server
    result = cli("summarize", str(SEED), "--model", "fault/reset", base_url=url, tmp_path=tmp_path)
    message = one_error_line(result)
    assert "closed the connection in the middle of its answer (3 requests)" in message
    assert "reach" not in message


def test_unreachable_server_says_so(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cli(
        "summarize", str(SEED), "--model", "m", base_url=f"http://127.0.0.1:{port}/v1", tmp_path=tmp_path
    )
    message = one_error_line(result)
    assert message == f"cannot reach the server at http://127.0.0.1:{port}/v1 (3 requests): is it running?"


def test_batch_writes_an_error_row_per_article_and_logs_the_tokens_of_failed_calls(server, tmp_path):
    url, _ = server
    articles = tmp_path / "in.jsonl"
    text = read_path(SEED).text
    rows = [{"id": f"a{i}", "text": f"Article {i} opens here. {text}"} for i in range(3)]
    articles.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    cache = tmp_path / "calls.sqlite3"
    result = cli(
        "batch",
        str(articles),
        "-o",
        str(out),
        "--model",
        "fault/garbage",
        "--cache",
        str(cache),
        base_url=url,
        tmp_path=tmp_path,
    )
    assert result.returncode == 1
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["id"] for r in written) == ["a0", "a1", "a2"]
    # batch default: one validation retry, so two answers per article, each one billed
    assert all(
        r["error"].startswith("the model gave no valid summary in 2 answers (2 requests)") for r in written
    )
    assert "the answer is not JSON" in written[0]["error"]
    usage = json.loads(cli("usage", "--cache", str(cache), "--json", base_url=url, tmp_path=tmp_path).stdout)
    (row,) = usage
    assert row["prompt_tokens"] == 3 * 2 * USAGE["prompt_tokens"]
    assert row["completion_tokens"] == 3 * 2 * USAGE["completion_tokens"]


# --------------------------------------------------------------------------- the library


def test_rate_limit_is_retried_after_the_time_the_server_asks(server):
    url, seen = server
    summary = summarize("429", url)
    assert len(summary.statements) == 1
    times = [t for _, t, _ in seen.of("429")]
    assert len(times) == 3
    assert all(b - a >= 0.9 for a, b in itertools.pairwise(times))  # Retry-After: 1


def test_rate_limit_past_the_deadline_gives_up_at_once(server):
    url, seen = server
    with pytest.raises(ServerError) as info:
        summarize("429-long", url, timeout=10)
    assert "HTTP 429 (1 request; a retry in 120 s would pass the deadline)" in str(info.value)
    assert info.value.requests == 1 and len(seen.of("429-long")) == 1


def test_a_body_that_is_not_json_or_is_cut_is_not_a_chat_completion(server):
    url, _ = server
    for mode in ("non-json", "truncated"):
        with pytest.raises(ServerError, match=r"sent a body that is not a chat completion \(1 request\)"):
            summarize(mode, url)


def test_huge_answer_stops_reading_and_is_not_retried(server):
    url, seen = server
    with pytest.raises(ServerError, match=r"grew past 32 MB; reading stopped \(1 request\)"):
        summarize("huge", url)
    assert len(seen.of("huge")) == 1


def test_failed_answers_carry_their_usage_and_the_real_reason(server):
    url, _ = server
    with pytest.raises(LLMError) as info:
        summarize("garbage", url, max_retries=2)
    assert info.value.requests == 3
    assert info.value.usage.total_tokens == 3 * USAGE["total_tokens"]
    assert "<failed_attempts>" not in str(info.value) and "the answer is not JSON" in str(info.value)


def test_each_failure_class_has_its_own_type(server):
    url, _ = server
    with pytest.raises(OutputLimitError) as cut:
        summarize("cut", url)
    assert cut.value.usage.completion_tokens == USAGE["completion_tokens"]
    with pytest.raises(ContextLimitError):
        summarize("context", url)
    with pytest.raises(DeadlineError):
        summarize("hang", url, timeout=0.5)
    with pytest.raises(AuthenticationError, match=r"refused the API key \(HTTP 401\)") as refused:
        summarize("auth", url)
    assert refused.value.requests == 1 and TEST_KEY not in str(refused.value)  # a 401 is not retried


def test_asyncio_deadline_closes_the_connection_too(server):
    import asyncio

    url, seen = server
    engine = Summarizer(model="fault/trickle", base_url=url, api_key=TEST_KEY, mode="json_schema", timeout=1)
    before = len(seen.hung_up("trickle"))
    with pytest.raises(DeadlineError, match="within the 1 s deadline"):
        asyncio.run(engine.asummarize(read_path(SEED)))
    assert wait_for(lambda: len(seen.hung_up("trickle")) == before + 1)


def test_batch_article_costs_one_deadline_however_slow_the_server(server, tmp_path):
    from summarizer.batch import run_batch

    url, seen = server
    articles = tmp_path / "in.jsonl"
    text = read_path(SEED).text
    articles.write_text(
        "\n".join(json.dumps({"id": f"t{i}", "text": text}) for i in range(3)), encoding="utf-8"
    )
    before = (len(seen.of("trickle")), len(seen.hung_up("trickle")))
    settings = {
        "model": "fault/trickle",
        "base_url": url,
        "api_key": TEST_KEY,
        "mode": "json_schema",
        "timeout": 1.5,
    }
    started = time.monotonic()
    stats = run_batch([str(articles)], tmp_path / "out.jsonl", engine="llm", settings=settings, concurrency=3)
    assert (stats.done, stats.failed) == (0, 3)
    assert time.monotonic() - started < 15  # three articles at once, 1.5 s each; the bodies take minutes
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all("within the 1.5 s deadline" in r["error"] and "1 request," in r["error"] for r in rows)
    assert len(seen.of("trickle")) - before[0] == 3  # one request per article, no retry of a timeout
    assert wait_for(lambda: len(seen.hung_up("trickle")) - before[1] == 3)


def test_no_strict_sends_the_schema_without_the_flag_and_the_limit_still_goes(server):
    url, seen = server
    summarize("ok", url, strict=False, max_output_tokens=1234)
    summarize("ok", url)
    loose, strict = (body for _, _, body in seen.of("ok")[-2:])
    assert "strict" not in loose["response_format"]["json_schema"] and loose["max_tokens"] == 1234
    assert strict["response_format"]["json_schema"]["strict"] is True


def test_an_answer_of_the_wrong_shape_names_the_failing_field(server):
    url, seen = server
    with pytest.raises(LLMError) as info:
        summarize("wrong-shape", url, max_retries=1)
    assert str(info.value).startswith("the model gave no valid summary in 2 answers (2 requests): ")
    assert "summary: Field required" in str(info.value)
    assert "is not in the article" in str(info.value)  # the evidence that is not in the article
    retry = seen.of("wrong-shape")[-1][2]
    assert "is not in the article" in json.dumps(retry["messages"][2:])  # the model was told why


def test_the_deadline_also_bounds_validation_retries(server):
    url, seen = server
    before = len(seen.of("slow-garbage"))
    with pytest.raises(DeadlineError) as info:
        summarize("slow-garbage", url, max_retries=10, timeout=2)
    sent = len(seen.of("slow-garbage")) - before
    assert 2 <= sent <= 4 and info.value.requests == sent  # not the 11 that ten retries allow
    message = str(info.value)
    assert message.startswith("no valid answer from") and "within the 2 s deadline" in message
    assert f"; {sent} requests" in message and "; the last answer: the answer is not JSON" in message


def test_names_the_article_never_mentions_are_dropped_with_warnings_not_published(server, tmp_path):
    url, _ = server
    out = tmp_path / "out.json"
    result = cli(
        "summarize", str(SEED), "--model", "fault/invented", "-o", str(out), base_url=url, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(out.read_text(encoding="utf-8"))
    people = {s["speaker"] for s in summary["statements"]} | {
        x for a in summary["allegations"] for x in a["accused"]
    }
    assert "Vladimir Putin" not in people and "Angela Merkel" not in people
    assert len(summary["statements"]) == 1  # the grounded statement of a name the article uses stays
    codes = [(w["code"], w["item"]) for w in summary["warnings"]]
    assert ("name_not_in_article", "statements[1]") in codes and (
        "name_not_in_article",
        "allegations[0]",
    ) in codes
    assert ("summary_name_not_in_article", "summary") in codes
