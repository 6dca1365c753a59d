"""Crashes and concurrent runs, with real subprocesses, real signals and real files.

A batch is made slow enough to interrupt deterministically by the scripted loopback server's
latency (concurrency 1): the tests poll the output file for rows, never sleep blindly.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SCRIPTS, TEST_KEY
from stub_server import StubServer

from summarizer import cache as cache_module
from summarizer.batch import run_batch
from summarizer.evaluate import load_predictions

N = 8


def write_articles(folder: Path, n: int = N) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"a{i:03d}.txt").write_text(
            f"date 2024-03-12\nMinister Ana Ruiz said the port plan number {i} would go ahead.\n",
            encoding="utf-8",
        )
    return folder


def ids_in(path: Path) -> list[str]:
    """The article id of every line; every line must be a complete JSON row."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        out.append(row["article"]["id"] if "article" in row else row["id"])
    return out


def line_count(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def wait_for_rows(path: Path, n: int, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while line_count(path) < n:
        assert proc.poll() is None, f"the batch ended early: {proc.communicate()}"
        assert time.monotonic() < deadline, "the batch wrote no rows in time"
        time.sleep(0.02)


@pytest.fixture
def slow_server():
    with StubServer(SCRIPTS, latency=0.2) as stub:
        yield stub


def start_batch(inputs: Path, out: Path, url: str, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "OPENAI_API_KEY": TEST_KEY, "PYTHONPATH": str(ROOT)}
    env.pop("OPENAI_BASE_URL", None)
    command = [sys.executable, "-m", "summarizer", "batch", str(inputs), "-o", str(out)]
    command += ["--engine", "llm", "--base-url", url, "--model", "stub/echo", "--mode", "json_schema"]
    command += ["--concurrency", "1", "--no-cache", *extra]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigint_mid_batch_exits_130_and_says_how_much_was_written(tmp_path, slow_server):
    out = tmp_path / "out.jsonl"
    proc = start_batch(write_articles(tmp_path / "in"), out, slow_server.base_url)
    wait_for_rows(out, 2, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    written = len(ids_in(out))
    assert 2 <= written < N
    assert f"interrupted: {written} of {N} written to {out}; rerun to resume" in err
    assert "Traceback" not in err and "internal error" not in err

    proc = start_batch(tmp_path / "in", out, slow_server.base_url, "--concurrency", "8")
    proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert sorted(ids_in(out)) == [f"a{i:03d}" for i in range(N)]


def test_sigterm_mid_batch_keeps_the_rows_says_so_and_exits_143(tmp_path, slow_server):
    out = tmp_path / "out.jsonl"
    proc = start_batch(write_articles(tmp_path / "in"), out, slow_server.base_url)
    wait_for_rows(out, 2, proc)
    proc.terminate()
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143
    written = len(ids_in(out))
    assert 2 <= written < N
    assert f"interrupted: {written} of {N} written to {out}; rerun to resume" in err
    assert "Traceback" not in err
    assert all(json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())  # no torn line


def test_sigkill_mid_batch_then_a_torn_line_then_resume_gives_each_article_once(tmp_path, slow_server):
    out = tmp_path / "out.jsonl"
    proc = start_batch(write_articles(tmp_path / "in"), out, slow_server.base_url)
    wait_for_rows(out, 3, proc)
    proc.kill()
    proc.communicate(timeout=30)
    kept = ids_in(out)
    with out.open("a", encoding="utf-8") as handle:  # what a kill in the middle of a write leaves
        handle.write('{"article":{"id":"a007","title":null,"publ')

    proc = start_batch(tmp_path / "in", out, slow_server.base_url, "--concurrency", "8")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "torn last line" in err
    final = ids_in(out)  # every line parses: the torn one is gone
    assert sorted(final) == [f"a{i:03d}" for i in range(N)]
    assert final[: len(kept)] == kept  # rows written before the kill are kept as they were
    assert len(load_predictions(out)) == N  # eval reads the file


def test_two_batches_on_one_output_never_write_an_article_twice(tmp_path, slow_server):
    out = tmp_path / "out.jsonl"
    first = start_batch(write_articles(tmp_path / "in"), out, slow_server.base_url)
    wait_for_rows(out, 1, first)
    second = start_batch(tmp_path / "in", out, slow_server.base_url)
    _, err = second.communicate(timeout=30)
    assert second.returncode == 1
    assert err.strip().splitlines()[-1] == (
        f"summarizer: error: {out} is being written by another batch run: wait for it to finish, "
        "or choose another -o"
    )
    _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert sorted(ids_in(out)) == [f"a{i:03d}" for i in range(N)]


def test_a_corrupt_cache_is_one_line_and_the_output_is_untouched(tmp_path, slow_server):
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "old", "error": "kept"}\n', encoding="utf-8")
    cache = tmp_path / "cache.sqlite3"
    cache.write_bytes(b"this is not a database" * 100)
    write_articles(tmp_path / "in", 2)
    env = {**os.environ, "OPENAI_API_KEY": TEST_KEY, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "summarizer", "batch", str(tmp_path / "in"), "-o", str(out), "--engine", "llm",
         "--base-url", slow_server.base_url, "--model", "stub/echo", "--cache", str(cache)],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"summarizer: error: cache file {cache} is not a SQLite database: file is not a database"
    ]
    assert out.read_text(encoding="utf-8") == '{"id": "old", "error": "kept"}\n'


def test_a_locked_cache_after_a_paid_answer_still_writes_the_row_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "cache.sqlite3"
    store = cache_module.Cache(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock past the timeout
    out = tmp_path / "out.jsonl"
    try:
        with StubServer(SCRIPTS) as server:
            stats = run_batch(
                [str(write_articles(tmp_path / "in", 3))],
                out,
                engine="llm",
                settings={"model": "stub/echo", "base_url": server.base_url, "api_key": TEST_KEY,
                          "mode": "json_schema"},
                cache=store,
            )  # fmt: skip
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        store.close()
    assert sorted(ids_in(out)) == ["a000", "a001", "a002"]
    assert all("summary" in json.loads(line) for line in out.read_text().splitlines())
    assert stats.done == 3 and stats.failed == 0
    assert any(w.startswith("cache write failed, the batch goes on: cache file") for w in stats.warnings)
