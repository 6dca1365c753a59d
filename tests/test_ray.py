"""`summarizer batch --ray` and `summarize_dataset`: the batch on a real local Ray cluster (2 CPUs,
one per module), against real files and a real loopback HTTP server; skipped without Ray."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from conftest import SCRIPTS, SEED, TEST_KEY
from stub_server import StubServer
from test_batch import llm_settings, rows, write_articles

ray = pytest.importorskip("ray")
pytest.importorskip("ray.data")

from summarizer.api import Summarizer  # noqa: E402
from summarizer.article import read_path  # noqa: E402
from summarizer.batch import run_batch  # noqa: E402
from summarizer.cache import Cache  # noqa: E402
from summarizer.distributed import run_ray_batch, summarize_dataset  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def cluster():
    """One local cluster for the module; the batch joins it (`local` uses the one running)."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield
    ray.shutdown()


def by_id(path: Path) -> dict[str, dict]:
    return {row.get("article", row).get("id"): row for row in rows(path)}


def folder_with_a_bad_file(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "in"
    write_articles(folder, n)
    (folder / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02")
    return folder


def test_rules_on_ray_gives_the_same_rows_as_a_local_batch(tmp_path):
    folder = folder_with_a_bad_file(tmp_path, 6)
    local, remote = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    run_batch([str(folder)], local, engine="rules", concurrency=1)
    stats = run_ray_batch([str(folder)], remote, engine="rules", workers=2, concurrency=2)
    assert (stats.done, stats.failed) == (7, 1)
    assert by_id(remote) == by_id(local)
    assert "binary" in by_id(remote)["binary"]["error"]
    again = run_ray_batch([str(folder)], remote, engine="rules", workers=2)
    assert (again.skipped, again.done, again.failed) == (7, 0, 1)  # resumed: only the failure is retried


def test_llm_on_ray_writes_every_row_grounded_and_fills_the_cache(tmp_path):
    folder = folder_with_a_bad_file(tmp_path, 10)
    out = tmp_path / "out.jsonl"
    with StubServer(SCRIPTS, latency=0.1) as server, Cache(tmp_path / "cache.sqlite3") as cache:
        settings = llm_settings(server.base_url)
        stats = run_ray_batch([str(folder)], out, engine="llm", settings=settings, workers=2, concurrency=3, cache=cache)
        assert (stats.done, stats.failed, stats.cached) == (11, 1, 0)
        assert server.requests == 11 and 2 <= server.max_in_flight <= 6  # 2 actors x 3, never more
        assert stats.tokens > 0
        got = by_id(out)
        assert sorted(got) == sorted([p.stem for p in folder.iterdir()])
        for article_id, row in got.items():
            if article_id == "binary":
                assert "error" in row
                continue
            text = read_path(folder / f"{article_id}.txt").text
            assert row["meta"]["model"] == "stub/echo" and row["statements"]
            for statement in row["statements"]:
                for ev in statement["evidence"]:
                    assert text[ev["start"] : ev["end"]] == ev["text"]
        # the driver's cache was filled: a second run elsewhere makes no request
        second = run_ray_batch(
            [str(folder)], tmp_path / "second.jsonl", engine="llm", settings=settings, workers=2, cache=cache
        )
        assert (second.done, second.cached, server.requests) == (11, 11, 11)
        assert by_id(tmp_path / "second.jsonl") == got
        assert sum(row.calls for row in cache.usage()) == 11


def test_an_article_failing_on_a_worker_is_an_error_row_as_in_a_local_batch(tmp_path):
    folder = folder_with_a_bad_file(tmp_path, 3)
    local, remote = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    with StubServer(SCRIPTS) as server:
        settings = llm_settings(server.base_url, "stub/server_error") | {"http_retries": 0}
        run_batch([str(folder)], local, engine="llm", settings=settings, concurrency=2)
        stats = run_ray_batch([str(folder)], remote, engine="llm", settings=settings, workers=2)
    assert (stats.done, stats.failed) == (0, 5)
    assert by_id(remote) == by_id(local)  # the same one-line reasons, not a remote traceback
    assert all("Traceback" not in row["error"] and TEST_KEY not in row["error"] for row in rows(remote))


def test_summarize_dataset_maps_articles_to_summaries_and_bad_rows_to_errors():
    text = read_path(SEED).text
    articles = ray.data.from_items(
        [
            {"id": "seed", "text": text, "published": "2024-03-12", "title": "Seed"},
            {"id": "empty", "text": "   ", "published": None, "title": None},
            {"id": "baddate", "text": text, "published": "2024-13-45", "title": None},
        ]
    )
    got = {row["id"]: row for row in summarize_dataset(articles, engine="rules", workers=1).take_all()}
    assert sorted(got) == ["baddate", "empty", "seed"]
    expected = Summarizer(engine="rules").summarize(text, id="seed", published="2024-03-12", title="Seed")
    assert json.loads(got["seed"]["summary"]) == json.loads(expected.model_dump_json())
    assert got["seed"]["error"] is None
    assert got["empty"]["summary"] is None and "text" in got["empty"]["error"]
    assert got["baddate"]["summary"] is None and "published" in got["baddate"]["error"]
    # a date column (Parquet's date32) is read as the publication date
    dated = ray.data.from_items([{"id": "dated", "text": text, "published": datetime.date(2024, 3, 12)}])
    [row] = summarize_dataset(dated, engine="rules", workers=1).take_all()
    assert json.loads(row["summary"])["article"]["published"] == "2024-03-12"


def test_cli_batch_with_ray_writes_the_rows_and_says_what_failed(tmp_path):
    from typer.testing import CliRunner

    from summarizer.cli import app

    folder = folder_with_a_bad_file(tmp_path, 2)
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    result = runner.invoke(
        app, ["batch", str(folder), "-o", str(out), "--engine", "rules", "--ray", "local", "--workers", "2"]
    )
    assert result.exit_code == 1, result.stderr  # one article failed; the others are kept
    assert sorted(by_id(out)) == ["a000", "a001", "binary", "seed"]
    assert "3 summarized" in result.stderr and "1 failed" in result.stderr
    refused = runner.invoke(app, ["batch", str(folder), "-o", str(tmp_path / "x.jsonl"), "--workers", "2"])
    assert refused.exit_code == 2 and "--workers needs --ray" in refused.stderr


def test_an_address_nothing_listens_at_is_one_line_in_seconds(tmp_path):
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as probe:  # a port just freed: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = folder_with_a_bad_file(tmp_path, 1)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "summarizer", "batch", str(folder), "-o", str(tmp_path / "o.jsonl"),
         "--engine", "rules", "--ray", f"127.0.0.1:{port}"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1 and time.perf_counter() - started < 30
    assert done.stderr.strip().splitlines() == [
        f"summarizer: error: cannot reach a Ray cluster at '127.0.0.1:{port}': Connection refused"
    ]
    assert not (tmp_path / "o.jsonl").exists()  # nothing was written
