"""One process against Ray actors: the LLM batch against a loopback server with a fixed latency.

    python bench/scale.py [--articles 1000] [--latency 0.5] [--local-concurrency 256]
                          [--workers 4] [--concurrency 64]

Starts tests/stub_server.py (bench/batch.py's `stub_server`, its own process) answering every
request after `latency` seconds, writes N distinct articles, and runs the same batch (no cache):

- local: `run_batch` in this process at `--local-concurrency` (one event loop);
- ray: `run_batch` over a `RayPool` of `--workers` actors x `--concurrency` each, on a local
  cluster of this machine's CPUs (`summarizer batch --ray local`).

Each is compared with its ideal, ceil(articles / requests in flight) x latency. Cluster start-up,
actor start-up and one warm-up batch are excluded from the timings. The driver's CPU per article
(reading inputs, writing rows, dispatching) is measured too: it bounds what a cluster of N
nodes can give with one driver, which is computed (not measured) at the end.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import instructor  # noqa: E402,F401  (imported before timing)
import openai  # noqa: E402,F401
from batch import stub_server, write_articles  # noqa: E402  (bench/batch.py)

from summarizer.batch import run_batch  # noqa: E402


def timed(label: str, articles: int, ideal: float, run: object) -> tuple[float, float]:
    cpu_started = time.process_time()
    started = time.perf_counter()
    stats = run()  # type: ignore[operator]
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    assert stats.done == articles and stats.failed == 0, stats
    print(
        f"{label}: {wall:.2f} s against an ideal of {ideal:.2f} s = {wall / ideal:.2f}x; "
        f"{articles / wall:.0f} articles/s; this process's CPU {cpu / articles * 1000:.2f} ms per article"
    )
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--local-concurrency", type=int, default=256)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()

    import ray

    from summarizer.distributed import RayPool, engine_settings

    n = args.articles
    print(f"{n} articles, {args.latency * 1000:.0f} ms latency, {os.cpu_count()} CPUs (a shared machine)")
    with stub_server(args.latency) as base_url, tempfile.TemporaryDirectory() as tmp:
        settings = {"model": "stub/echo", "base_url": base_url, "api_key": "bench", "mode": "json_schema"}
        folder, warm_up = Path(tmp) / "articles", Path(tmp) / "warm-up"
        write_articles(folder, n)
        write_articles(warm_up, 8)

        def batch(out: str, concurrency: int, **kw: object) -> object:
            return lambda: run_batch(
                [str(folder)], Path(tmp) / out, engine="llm", settings=settings, concurrency=concurrency,
                progress=False, **kw,  # type: ignore[arg-type]
            )

        run_batch([str(warm_up)], Path(tmp) / "w0.jsonl", engine="llm", settings=settings, progress=False)
        local_ideal = math.ceil(n / args.local_concurrency) * args.latency
        label = f"local 1 x {args.local_concurrency}"
        local, _ = timed(label, n, local_ideal, batch("local.jsonl", args.local_concurrency))

        ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False, logging_level="ERROR")
        try:
            chosen, worker_settings = engine_settings("llm", settings)
            with RayPool(
                "local",
                engine=chosen,
                settings=worker_settings,
                workers=args.workers,
                concurrency=args.concurrency,
            ) as pool:
                total = args.workers * args.concurrency
                run_batch([str(warm_up)], Path(tmp) / "w1.jsonl", engine="llm", settings=worker_settings,
                          concurrency=total, remote=pool, progress=False)
                ray_ideal = math.ceil(n / total) * args.latency
                label = f"ray {args.workers} x {args.concurrency}"
                wall, driver_cpu = timed(label, n, ray_ideal, batch("ray.jsonl", total, remote=pool))
        finally:
            ray.shutdown()

    rate = n / wall
    per_article = driver_cpu / n
    ceiling = 1 / per_article if per_article else float("inf")
    print(f"ray against local: {local / wall:.2f}x the throughput")
    print(
        f"computed, not measured: a cluster of N nodes like this one gives about min(N x {rate:.0f}, "
        f"{ceiling:.0f}) articles/s (the second: one driver at {per_article * 1000:.2f} ms CPU an article)"
    )
    for nodes in (1, 4, 16, 64):
        print(f"  {nodes:3d} nodes: {min(nodes * rate, ceiling):8.0f} articles/s")


if __name__ == "__main__":
    main()
