"""`summarizer batch`: many articles, concurrency, resume, error rows, cache, over real loopback HTTP."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import SCRIPTS, SEED, TEST_KEY
from stub_server import StubServer
from typer.testing import CliRunner

from summarizer.batch import done_ids, iter_inputs, run_batch
from summarizer.cli import app

runner = CliRunner()


def write_articles(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"a{i:03d}.txt"
        path.write_text(
            f"date 2024-03-12\nMinister Ana Ruiz said the port plan number {i} would go ahead. "
            f"Officials met on Monday to discuss it.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def server():
    with StubServer(SCRIPTS, latency=0.2) as stub:
        yield stub


def llm_settings(url: str, model: str = "stub/echo") -> dict:
    return {"model": model, "base_url": url, "api_key": TEST_KEY, "mode": "json_schema", "http_retries": 3}


def test_inputs_expand_files_folders_globs_and_jsonl_with_failures_in_place(tmp_path):
    write_articles(tmp_path / "dir", 2)
    jsonl = tmp_path / "feed.jsonl"
    jsonl.write_text(
        '{"id": "j1", "text": "First article text."}\n{broken\n{"id": "j3", "title": "no text"}\n',
        encoding="utf-8",
    )
    (tmp_path / "empty.txt").write_bytes(b"")
    items = list(
        iter_inputs([str(tmp_path / "dir"), str(jsonl), str(tmp_path / "*.txt"), str(tmp_path / "nope")])
    )
    got = [(type(i).__name__, i.id) for i in items]
    assert got == [
        ("Article", "a000"),
        ("Article", "a001"),
        ("Article", "j1"),
        ("Failure", "feed:2"),
        ("Failure", "j3"),
        ("Failure", "empty"),
        ("Failure", "nope"),
    ]


def test_llm_batch_runs_concurrently_and_writes_one_grounded_row_per_article(tmp_path, server):
    paths = write_articles(tmp_path / "in", 12)
    out = tmp_path / "out.jsonl"
    stats = run_batch(
        [str(tmp_path / "in")], out, engine="llm", settings=llm_settings(server.base_url), concurrency=6
    )
    assert (stats.done, stats.failed) == (12, 0)
    assert 3 <= server.max_in_flight <= 6  # requests overlapped, never more than asked
    got = rows(out)
    assert sorted(r["article"]["id"] for r in got) == [p.stem for p in paths]
    for row in got:
        text = (tmp_path / "in" / f"{row['article']['id']}.txt").read_text(encoding="utf-8").split("\n", 1)[1]
        for st in row["statements"]:
            for ev in st["evidence"]:
                assert text[ev["start"] : ev["end"]] == ev["text"]
        assert row["meta"]["usage"]["total_tokens"] > 0


def test_429_with_retry_after_is_retried_and_succeeds(tmp_path):
    write_articles(tmp_path / "in", 3)
    out = tmp_path / "out.jsonl"
    with StubServer(SCRIPTS) as stub:
        started = time.perf_counter()
        stats = run_batch(
            [str(tmp_path / "in")],
            out,
            engine="llm",
            settings=llm_settings(stub.base_url, "stub/rate_limited"),
            concurrency=3,
        )
        assert stub.requests == 6  # each article: one 429, then the answer
    assert (stats.done, stats.failed) == (3, 0)
    assert time.perf_counter() - started >= 0.2  # Retry-After: 0.2 s was honoured


def test_one_bad_article_never_loses_the_others_and_exit_code_is_1(tmp_path, server, monkeypatch):
    write_articles(tmp_path / "in", 3)
    (tmp_path / "in" / "binary.txt").write_bytes(b"\x00\x01\x02")
    out = tmp_path / "out.jsonl"
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    result = runner.invoke(
        app,
        [
            "batch",
            str(tmp_path / "in"),
            "-o",
            str(out),
            "--base-url",
            server.base_url,
            "--model",
            "stub/echo",
            "--mode",
            "json_schema",
            "--no-cache",
        ],
    )
    assert result.exit_code == 1, result.stderr
    got = rows(out)
    errors = [r for r in got if "error" in r]
    assert [r["id"] for r in errors] == ["binary"] and "binary" in errors[0]["error"]
    assert sorted(r["article"]["id"] for r in got if "article" in r) == ["a000", "a001", "a002"]
    assert "3 summarized" in result.stderr and "1 failed" in result.stderr


def test_server_errors_become_error_rows(tmp_path):
    write_articles(tmp_path / "in", 2)
    out = tmp_path / "out.jsonl"
    with StubServer(SCRIPTS) as stub:
        settings = llm_settings(stub.base_url, "stub/server_error") | {"http_retries": 0}
        stats = run_batch([str(tmp_path / "in")], out, engine="llm", settings=settings, concurrency=2)
    assert (stats.done, stats.failed) == (0, 2)
    assert all("HTTP 500" in r["error"] for r in rows(out))


def test_running_again_skips_done_articles_and_retries_failed_ones(tmp_path, server):
    write_articles(tmp_path / "in", 4)
    out = tmp_path / "out.jsonl"
    out.write_text(
        json.dumps({"article": {"id": "a000"}, "statements": []})
        + "\n"
        + json.dumps({"id": "a001", "error": "x"})
        + "\n"
        + '{"article": {"id": "a00',  # a row cut short by a killed run
        encoding="utf-8",
    )
    assert done_ids(out) == {"a000"}
    before = server.requests
    stats = run_batch(
        [str(tmp_path / "in")], out, engine="llm", settings=llm_settings(server.base_url), concurrency=2
    )
    assert (stats.skipped, stats.done) == (1, 3)
    assert server.requests - before == 3
    assert done_ids(out) == {"a000", "a001", "a002", "a003"}
    again = run_batch([str(tmp_path / "in")], out, engine="llm", settings=llm_settings(server.base_url))
    assert (again.skipped, again.done) == (4, 0)


def test_rules_batch_runs_in_worker_processes(tmp_path):
    paths = write_articles(tmp_path / "in", 6)
    (tmp_path / "in" / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    stats = run_batch([str(tmp_path / "in")], out, engine="rules", concurrency=2)
    assert (stats.done, stats.failed) == (len(paths) + 1, 0)
    seed = next(r for r in rows(out) if r["article"]["id"] == "seed")
    assert seed["meta"]["engine"] == "rules" and seed["meetings"]


def test_progress_is_silent_when_stderr_is_not_a_terminal(tmp_path):
    write_articles(tmp_path / "in", 2)
    result = runner.invoke(
        app, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "o.jsonl"), "--engine", "rules"]
    )
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [result.stderr.splitlines()[0]]  # the closing line only
    assert "2 summarized" in result.stderr


def test_batch_without_inputs_is_a_usage_error():
    assert runner.invoke(app, ["batch", "-o", "x.jsonl"]).exit_code == 2


def test_a_second_run_with_a_warm_cache_makes_no_request(tmp_path, server):
    from summarizer.cache import Cache

    write_articles(tmp_path / "in", 5)
    with Cache(tmp_path / "cache.sqlite3") as cache:
        first = run_batch(
            [str(tmp_path / "in")],
            tmp_path / "one.jsonl",
            engine="llm",
            settings=llm_settings(server.base_url),
            cache=cache,
        )
        requests = server.requests
        second = run_batch(
            [str(tmp_path / "in")],
            tmp_path / "two.jsonl",
            engine="llm",
            settings=llm_settings(server.base_url),
            cache=cache,
        )
    assert (first.done, first.cached) == (5, 0)
    assert (second.done, second.cached) == (5, 5)
    assert server.requests == requests
    one = {r["article"]["id"]: r for r in rows(tmp_path / "one.jsonl")}
    two = {r["article"]["id"]: r for r in rows(tmp_path / "two.jsonl")}
    assert one == two


def test_a_run_with_another_context_or_output_limit_is_not_served_from_the_cache(tmp_path, server):
    from summarizer.cache import Cache

    write_articles(tmp_path / "in", 3)
    runs = [{}, {"context_tokens": 8192}, {"max_output_tokens": 3000}, {"context_tokens": 8192}]
    cached = []
    with Cache(tmp_path / "cache.sqlite3") as cache:
        for n, extra in enumerate(runs):
            stats = run_batch(
                [str(tmp_path / "in")],
                tmp_path / f"run{n}.jsonl",
                engine="llm",
                settings=llm_settings(server.base_url) | extra,
                cache=cache,
            )
            cached.append(stats.cached)
    assert cached == [0, 0, 0, 3]  # only the repeat of a run's settings is served from the cache


def test_the_cache_relabels_a_summary_reused_for_the_same_text_under_another_id(tmp_path, server):
    from summarizer.cache import Cache

    text = "date 2024-03-12\nMinister Ana Ruiz said the port would reopen.\n"
    (tmp_path / "x.txt").write_text(text, encoding="utf-8")
    (tmp_path / "y.txt").write_text(text, encoding="utf-8")
    with Cache(tmp_path / "c.sqlite3") as cache:
        run_batch(
            [str(tmp_path / "x.txt")],
            tmp_path / "o.jsonl",
            engine="llm",
            settings=llm_settings(server.base_url),
            cache=cache,
        )
        stats = run_batch(
            [str(tmp_path / "y.txt")],
            tmp_path / "o.jsonl",
            engine="llm",
            settings=llm_settings(server.base_url),
            cache=cache,
        )
    assert stats.cached == 1
    assert [r["article"]["id"] for r in rows(tmp_path / "o.jsonl")] == ["x", "y"]


def test_usage_reports_tokens_per_model_from_the_call_log(tmp_path, server, monkeypatch):
    write_articles(tmp_path / "in", 3)
    cache = tmp_path / "c.sqlite3"
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    args = [
        "batch",
        str(tmp_path / "in"),
        "-o",
        str(tmp_path / "o.jsonl"),
        "--base-url",
        server.base_url,
        "--model",
        "stub/echo",
        "--mode",
        "json_schema",
        "--cache",
        str(cache),
    ]
    assert runner.invoke(app, args).exit_code == 0
    result = runner.invoke(app, ["usage", "--cache", str(cache), "--json"])
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert row["model"] == "stub/echo" and row["calls"] == 3
    assert row["prompt_tokens"] > 0 and row["cost_usd"] is None  # a local model has no list price
    table = runner.invoke(app, ["usage", "--cache", str(cache)]).stdout
    assert "stub/echo" in table and "n/a" in table


def test_batch_api_prepare_submit_status_collect_through_the_cli(tmp_path, monkeypatch):
    write_articles(tmp_path / "in", 3)
    requests = tmp_path / "requests.jsonl"
    prepared = runner.invoke(
        app, ["batch", "prepare", str(tmp_path / "in"), "-o", str(requests), "--model", "stub/echo"]
    )
    assert prepared.exit_code == 0, prepared.stderr
    assert len(requests.read_text(encoding="utf-8").splitlines()) == 3
    with StubServer(SCRIPTS) as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
        submitted = runner.invoke(app, ["batch", "submit", str(requests)])
        assert submitted.exit_code == 0, submitted.stderr
        batch_id = submitted.stdout.strip()
        state = json.loads(runner.invoke(app, ["batch", "status", batch_id]).stdout)
        assert state["status"] == "completed"
        out = tmp_path / "summaries.jsonl"
        collected = runner.invoke(app, ["batch", "collect", batch_id, str(requests), "-o", str(out)])
    assert collected.exit_code == 0, collected.stderr
    got = rows(out)
    assert sorted(r["article"]["id"] for r in got) == ["a000", "a001", "a002"]
    assert all(r["statements"] for r in got)


def test_progress_bar_shows_done_failed_and_tokens_when_asked_for(tmp_path):
    write_articles(tmp_path / "in", 2)
    (tmp_path / "in" / "bad.txt").write_bytes(b"")
    result = runner.invoke(
        app,
        ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "o.jsonl"), "--engine", "rules", "--progress"],
    )
    assert result.exit_code == 1
    assert "summarizing" in result.stderr and "3/3" in result.stderr
    assert "failed 1" in result.stderr and "tokens 0" in result.stderr


def test_a_jsonl_feed_larger_than_one_article_may_be_is_read_line_by_line(tmp_path):
    from summarizer.article import MAX_BYTES

    text = "Ana Ruiz said the port would reopen on Monday. " * 40
    line = json.dumps({"text": text}) + "\n"
    count = MAX_BYTES // len(line) + 500  # the feed is past the per-article limit
    feed = tmp_path / "feed.jsonl"
    with feed.open("w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps({"id": f"a{n}", "text": text}) + "\n")
            if n == 10:
                out.write(json.dumps({"id": "huge", "text": "x" * (MAX_BYTES + 10)}) + "\n")
    assert feed.stat().st_size > 2 * MAX_BYTES
    items = list(iter_inputs([str(feed)]))
    failures = [i for i in items if not hasattr(i, "text")]
    assert len(items) == count + 1
    assert [f.id for f in failures] == ["feed:12"] and "too large" in failures[0].error
    assert items[-1].id == f"a{count - 1}" and items[-1].text == text
