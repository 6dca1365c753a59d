"""Long articles against a loopback llama.cpp-like server with a small context (tests/context_server.py).

The 30,000-word article is the project's own articles repeated (tests/long_article.py), so the
same quotation stands at many offsets: every one must be found once, at its own offsets.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import pytest
from conftest import SEED
from context_server import context_server
from long_article import long_article

from summarizer.api import Summarizer
from summarizer.article import read_path
from summarizer.batch import run_batch
from summarizer.engines.calls import output_budget
from summarizer.engines.chunking import part_of_message
from summarizer.engines.llm import build_messages
from summarizer.errors import ConfigError, ContextLimitError
from summarizer.normalize.quotes import find_quotes


@pytest.fixture(scope="module")
def article():
    return long_article(30_000)


def _summarizer(url: str, **settings) -> Summarizer:
    return Summarizer(base_url=url, api_key="sk-test-long-0123456789", model="context", mode="json_schema", **settings)


def _quote_hits(summary, text: str) -> Counter:
    """How many statement evidence spans hold each quotation of the article."""
    hits: Counter = Counter()
    for quote in find_quotes(text):
        hits[quote.start] = sum(
            1 for s in summary.statements for e in s.evidence if e.start <= quote.start and quote.end <= e.end
        )
    return hits


def _parts_cover(article_text: str, seen) -> None:
    """The parts the server answered are slices of the article covering it from its first to
    its last character (a part repeated word for word elsewhere counts at every place)."""
    spans = []
    for request in (r for r in seen.requests if r.status == 200):
        part = part_of_message(request.user)
        at = article_text.find(part)
        assert at >= 0, "a part is not a slice of the article"
        while at >= 0:
            spans.append((at, at + len(part)))
            at = article_text.find(part, at + 1)
    covered = 0
    for start, end in sorted(spans):
        assert start <= covered, f"text between {covered} and {start} was never sent"
        covered = max(covered, end)
    assert covered == len(article_text)


def test_seed_goes_in_one_request_as_before_and_the_server_is_not_asked(seed_text):
    seed = read_path(SEED)
    with context_server(8192) as (url, seen):
        summary = _summarizer(url).summarize(seed)
    assert len(seen.requests) == 1 and seen.gets == []
    body = seen.requests[0].body
    assert body["messages"] == build_messages(seed)
    assert body["messages"][1]["content"] == seed_text
    assert "options" not in body
    assert summary.statements


def test_30000_word_article_reads_to_the_end_with_every_quote_found_once(article):
    assert len(article.text.split()) >= 30_000
    with context_server(8192) as (url, seen):
        summary = _summarizer(url).summarize(article)
    assert len(seen.requests) > 10
    assert all(r.status == 200 and r.finish_reason == "stop" for r in seen.requests)
    assert max(r.prompt_tokens for r in seen.requests) <= 8192
    assert all(r.prompt_tokens + r.max_tokens <= 8192 for r in seen.requests)
    _parts_cover(article.text, seen)
    hits = _quote_hits(summary, article.text)
    assert len(hits) > 400
    assert set(hits.values()) == {1}, {k: v for k, v in hits.items() if v != 1}
    for statement in summary.statements:
        for ev in statement.evidence:
            assert article.text[ev.start : ev.end] == ev.text
    assert not summary.warnings
    assert summary.meta.usage.prompt_tokens == sum(r.prompt_tokens for r in seen.requests)


def test_the_estimate_is_calibrated_from_the_usage_the_server_returns(article):
    with context_server(8192) as (url, seen):
        reader = _summarizer(url).reader
        reader.read(article)
    # the server counts 3.6 bytes a token, the estimate 4: about 11 % more than estimated
    assert 1.05 < reader.estimator.factor < 1.2
    assert len(reader.estimator.observed) == len(seen.requests)


def test_a_part_whose_answer_is_cut_is_split_and_read_again(article):
    text = article.text[:40_000]
    short = article.__class__(text=text, id="cut")
    with context_server(8192) as (url, seen):
        summary = _summarizer(url, context_tokens=8192, max_output_tokens=700).summarize(short)
    cut = [r for r in seen.requests if r.finish_reason == "length"]
    assert cut, "no answer was cut: the test does not test the split"
    for request in cut:  # both halves of every cut part were asked for later
        part = part_of_message(request.user)
        later = [part_of_message(r.user) for r in seen.requests if r.at > request.at]
        assert any(part.startswith(p) and len(p) < len(part) for p in later)
        assert any(part.endswith(p) and len(p) < len(part) for p in later)
    hits = _quote_hits(summary, text)
    assert set(hits.values()) == {1}
    assert not summary.warnings


def test_a_server_that_hides_its_context_refuses_once_then_every_part_fits(article):
    text = article.text[:30_000]
    first, second = (article.__class__(text=t, id=f"a{i}") for i, t in enumerate((text, text[:-2000])))
    with context_server(4096, says_context=False) as (url, seen):
        summarizer = _summarizer(url)
        summary = summarizer.summarize(first)
        refused = [r for r in seen.requests if r.status == 400]
        assert len(refused) == 1 and part_of_message(refused[0].user) == text  # sent whole, once
        summarizer.summarize(second)
    assert [r.status for r in seen.requests].count(400) == 1  # the context is remembered
    assert all(r.prompt_tokens <= 4096 for r in seen.requests if r.status == 200)
    assert set(_quote_hits(summary, text).values()) == {1}


def test_context_tokens_override_what_the_server_says(article):
    text = article.text[:30_000]
    with context_server(8192) as (url, seen):
        _summarizer(url, context_tokens=4096).summarize(article.__class__(text=text, id="x"))
    assert seen.gets == ["/v1/models"]  # only asked whether it is Ollama: the figure is the user's
    assert len(seen.requests) > 8
    assert all(r.prompt_tokens + r.max_tokens <= 4096 for r in seen.requests)


def test_a_context_too_small_for_the_instructions_is_one_clear_error(article):
    with context_server(1024) as (url, seen), pytest.raises(ConfigError, match=r"1024 tokens .* too small"):
        _summarizer(url).summarize(article)
    assert seen.requests == []


def test_context_tokens_and_passes_are_checked_where_they_are_set(monkeypatch):
    monkeypatch.setenv("SUMMARIZER_CONTEXT_TOKENS", "lots")
    with pytest.raises(ConfigError, match="SUMMARIZER_CONTEXT_TOKENS"):
        _summarizer("http://127.0.0.1:9/v1")
    monkeypatch.delenv("SUMMARIZER_CONTEXT_TOKENS")
    with pytest.raises(ConfigError, match="at most 5"):
        _summarizer("http://127.0.0.1:9/v1", passes=9)


def test_a_second_pass_cuts_elsewhere_and_adds_only_what_the_first_missed(article):
    text = article.text[:40_000]
    one = article.__class__(text=text, id="p")
    with context_server(8192) as (url, seen):
        single = _summarizer(url).summarize(one)
        first_requests = len(seen.requests)
        double = _summarizer(url, passes=2).summarize(one)
    second_parts = [part_of_message(r.user) for r in seen.requests[first_requests:]]
    first_parts = [part_of_message(r.user) for r in seen.requests[:first_requests]]
    assert len(second_parts) >= 2 * first_requests - 1
    assert set(second_parts) - set(first_parts), "the second pass cut at the same places"
    assert set(_quote_hits(double, text).values()) == {1}
    assert len(double.statements) == len(single.statements)


def test_ollama_plans_for_its_default_context_and_says_so_in_num_ctx(article):
    text = article.text[:30_000]
    with context_server(4096, ollama=True) as (url, seen):
        _summarizer(url).summarize(article.__class__(text=text, id="o"))
    assert "/api/ps" in seen.gets and "/api/show" in seen.gets
    assert {r.body["options"]["num_ctx"] for r in seen.requests} == {4096}  # one figure, never varied
    assert all(r.status == 200 and r.prompt_tokens + r.max_tokens <= 4096 for r in seen.requests)


def test_ollama_plans_for_the_context_its_loaded_model_has(article):
    text = article.text[:30_000]
    with context_server(8192, ollama=8192) as (url, seen):
        _summarizer(url).summarize(article.__class__(text=text, id="o8"))
    assert {r.body["options"]["num_ctx"] for r in seen.requests} == {8192}
    assert all(r.status == 200 and r.prompt_tokens + r.max_tokens <= 8192 for r in seen.requests)


def test_parts_of_a_long_article_share_the_batch_concurrency_limit(article, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "long.txt").write_text(article.text[:60_000], encoding="utf-8")
    (folder / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with context_server(8192, latency=0.05) as (url, seen):
        settings = {"base_url": url, "api_key": "sk-test-long-0123456789", "model": "context", "mode": "json_schema"}
        stats = run_batch([str(folder)], out, engine="llm", settings=settings, concurrency=3, progress=False)
    assert stats.done == 2 and stats.failed == 0
    assert seen.most_in_flight <= 3
    assert seen.most_in_flight == 3  # the long article's parts did run in parallel
    assert stats.parts >= 8 and stats.parts_done == stats.parts
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["article"]["id"] for r in rows} == {"long", "seed"}


def test_asummarize_reads_the_parts_in_parallel(article):
    text = article.text[:30_000]
    with context_server(8192, latency=0.05) as (url, seen):
        summary = asyncio.run(_summarizer(url).asummarize(article.__class__(text=text, id="z")))
    assert seen.most_in_flight > 1
    assert set(_quote_hits(summary, text).values()) == {1}


def test_the_cli_reads_a_long_article_with_context_tokens_and_passes(article, tmp_path):
    from typer.testing import CliRunner

    from summarizer.cli import app

    path = tmp_path / "long.txt"
    path.write_text("date 2024-05-02 " + article.text[:30_000], encoding="utf-8")
    runner = CliRunner()
    with context_server(8192) as (url, seen):
        args = ["summarize", str(path), "--base-url", url, "--model", "context", "--mode", "json_schema"]
        env = {"OPENAI_API_KEY": "sk-test-long-0123456789"}
        result = runner.invoke(app, [*args, "--context-tokens", "4096", "--passes", "2"], env=env)
        assert result.exit_code == 0, result.stderr
        assert all(r.prompt_tokens + r.max_tokens <= 4096 for r in seen.requests)
        assert len({r.user for r in seen.requests}) == len(seen.requests) > 10
        summary = json.loads(result.stdout)
        assert summary["statements"] and summary["article"]["published"] == "2024-05-02"
        bad = runner.invoke(app, args, env={**env, "SUMMARIZER_CONTEXT_TOKENS": "big"})
    assert bad.exit_code == 1
    assert bad.stderr.strip().splitlines() == [
        "summarizer: error: SUMMARIZER_CONTEXT_TOKENS='big' is not a whole number"
    ]


def test_an_article_read_whole_whose_answer_is_cut_is_read_again_in_halves(article):
    text = article.text[:14_000]  # fits one request of a 16,384-token context
    with context_server(16384) as (url, seen):
        summary = _summarizer(url, max_output_tokens=1500).summarize(article.__class__(text=text, id="h"))
    first = seen.requests[0]
    assert part_of_message(first.user) == text and first.finish_reason == "length"
    halves = sorted((part_of_message(r.user) for r in seen.requests[1:3]), key=text.find)
    assert text.startswith(halves[0]) and text.endswith(halves[1])
    assert len(halves[0]) + len(halves[1]) == len(text)
    assert set(_quote_hits(summary, text).values()) == {1}


def test_a_part_that_fails_costs_that_part_and_the_summary_says_which_characters(article):
    text = article.text[:30_000]
    marker = "Also on Saturday"  # a sentence of the seed, which comes last in the first round
    assert marker in text
    with context_server(8192, fail_on=marker) as (url, seen):
        summary = _summarizer(url, http_retries=0).summarize(article.__class__(text=text, id="f"))
    failed = [r for r in seen.requests if r.status == 500]
    assert failed
    (warning,) = [w for w in summary.warnings if w.code == "part_failed"]
    start, end = (int(x) for x in warning.message.split("characters ")[1].split(" ")[0].split("-"))
    assert marker in text[start:end] and "HTTP 500" in warning.message
    hits = _quote_hits(summary, text)
    outside = [q.start for q in find_quotes(text) if not start <= q.start < end]
    assert outside and all(hits[q] == 1 for q in outside)


def test_short_articles_stay_one_request_after_the_estimate_is_calibrated(article):
    seed = read_path(SEED)
    with context_server(8192) as (url, seen):
        summarizer = _summarizer(url)
        summarizer.summarize(article.__class__(text=article.text[:20_000], id="calibrates"))
        assert summarizer.reader.estimator.factor > 1.05
        before = len(seen.requests)
        summarizer.summarize(seed)
    assert len(seen.requests) == before + 1
    assert seen.requests[-1].body["messages"] == build_messages(seed)
    assert seen.requests[-1].max_tokens == output_budget(seed.text)  # the output limit sized as before


def test_ollama_is_told_the_users_context_figure_too(article):
    text = article.text[:20_000]
    with context_server(6000, ollama=True) as (url, seen):
        _summarizer(url, context_tokens=6000).summarize(article.__class__(text=text, id="u"))
    assert {r.body["options"]["num_ctx"] for r in seen.requests} == {6000}
    assert all(r.status == 200 and r.prompt_tokens + r.max_tokens <= 6000 for r in seen.requests)


def test_the_cache_never_serves_a_one_pass_summary_to_a_two_pass_run(article, tmp_path):
    from summarizer.cache import Cache

    path = tmp_path / "long.txt"
    path.write_text(article.text[:20_000], encoding="utf-8")
    cache = Cache(tmp_path / "cache.sqlite3")
    settings = {"base_url": "", "api_key": "sk-test-long-0123456789", "model": "context", "mode": "json_schema"}
    with context_server(8192) as (url, seen):
        settings["base_url"] = url
        for passes, output in ((1, "one.jsonl"), (1, "again.jsonl"), (2, "two.jsonl")):
            before = len(seen.requests)
            stats = run_batch(
                [str(path)], tmp_path / output, engine="llm", settings={**settings, "passes": passes},
                cache=cache, progress=False,
            )
            assert stats.done == 1
            made = len(seen.requests) - before
            assert (made == 0) == (output == "again.jsonl"), (output, made)


def test_a_short_article_refused_by_a_context_too_small_for_any_plan_keeps_the_servers_error(seed_text):
    seed = read_path(SEED)
    with context_server(2048) as (url, seen), pytest.raises(ContextLimitError, match="2048 tokens"):
        _summarizer(url).summarize(seed)
    (only,) = seen.requests  # sent as before, once: nothing smaller holds the instructions
    assert only.status == 400 and part_of_message(only.user) == seed_text


def test_a_short_articles_answer_cut_by_the_end_of_the_context_is_read_again_in_parts(seed_text):
    seed = read_path(SEED)
    with context_server(3072) as (url, seen):
        summary = _summarizer(url).summarize(seed)
    first = seen.requests[0]
    assert first.finish_reason == "length" and part_of_message(first.user) == seed_text
    assert first.prompt_tokens + first.max_tokens > 3072  # the answer ran into the context's end
    assert all(r.finish_reason == "stop" for r in seen.requests[1:])
    assert set(_quote_hits(summary, seed.text).values()) == {1}


def test_the_usage_of_a_summary_counts_the_failed_first_request_too(seed_text):
    with context_server(3072) as (url, seen):
        summary = _summarizer(url).summarize(read_path(SEED))
    assert seen.requests[0].finish_reason == "length"
    assert summary.meta.usage.prompt_tokens == sum(r.prompt_tokens for r in seen.requests)
