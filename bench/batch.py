"""Batch throughput against a loopback OpenAI-compatible server with latency, and the cache.

    python bench/batch.py [--articles 200] [--latency 0.2] [--concurrency 16]

Starts tests/stub_server.py in its own process (so the server's threads do not share this
process's interpreter) with a fixed latency per request, writes N distinct articles (made up
for the benchmark), and runs `summarizer.batch.run_batch` twice:

- cold: a new cache; every article is one request. Compared with the ideal
  articles x latency / concurrency;
- warm: the same cache; no request is made. Compared with the cold time.

Interpreter start, imports and one warm-up request (the SDK loads its modules on first use)
are excluded from the timings.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import instructor  # noqa: E402,F401  (imported before timing)
import openai  # noqa: E402,F401

from summarizer.batch import run_batch  # noqa: E402
from summarizer.cache import Cache  # noqa: E402


def write_articles(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"b{i:04d}.txt").write_text(
            f"date 2024-05-0{1 + i % 9}\nMinister Ana Ruiz said on Monday that harbour project {i} would "
            f"go ahead. Council member Tom Lee met Ruiz in Riverton to discuss project {i}.\n",
            encoding="utf-8",
        )


@contextmanager
def stub_server(latency: float) -> Iterator[str]:
    """tests/stub_server.py in its own process (its threads never share the timed process's
    interpreter), answering every request after `latency` seconds; yields its base URL."""
    server = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests" / "stub_server.py"),
            "--scripts",
            str(ROOT / "tests" / "scripts"),
            "--latency",
            str(latency),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        yield server.stdout.readline().strip()
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    with stub_server(args.latency) as base_url:
        settings = {"model": "stub/echo", "base_url": base_url, "api_key": "bench", "mode": "json_schema"}
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "articles"
            write_articles(folder, args.articles)
            # one request first, outside the timing: the SDK imports its modules on first use
            warm_up = Path(tmp) / "warm-up"
            write_articles(warm_up, 1)
            run_batch(
                [str(warm_up)], Path(tmp) / "warm-up.jsonl", engine="llm", settings=settings, progress=False
            )
            with Cache(Path(tmp) / "cache.sqlite3") as cache:
                timings = {}
                cpu = {}
                for run in ("cold", "warm"):
                    cpu_started = time.process_time()
                    started = time.perf_counter()
                    stats = run_batch(
                        [str(folder)],
                        Path(tmp) / f"{run}.jsonl",
                        engine="llm",
                        settings=settings,
                        concurrency=args.concurrency,
                        cache=cache,
                        progress=False,
                    )
                    timings[run] = time.perf_counter() - started
                    cpu[run] = time.process_time() - cpu_started
                    assert stats.done == args.articles and stats.failed == 0, stats
                    assert stats.cached == (args.articles if run == "warm" else 0), stats

    ideal = args.articles * args.latency / args.concurrency
    cold, warm = timings["cold"], timings["warm"]
    print(f"{args.articles} articles, {args.latency * 1000:.0f} ms latency, concurrency {args.concurrency}")
    ratio = f" = {cold / ideal:.2f}x the ideal" if ideal else ""
    print(f"cold: {cold:.2f} s against an ideal of {ideal:.2f} s{ratio}")
    print(f"      client CPU {cpu['cold']:.2f} s ({cpu['cold'] / args.articles * 1000:.1f} ms per article)")
    print(f"warm: {warm * 1000:.0f} ms = {warm / cold * 100:.1f}% of the cold time (no request made)")


if __name__ == "__main__":
    main()
