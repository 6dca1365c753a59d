"""A 30,000-word article read in parts against a loopback server with a small context.

    python bench/long.py [--words 30000] [--n-ctx 8192] [--latency 0.2] [--concurrency 8] [--passes 1]
    python bench/long.py --shared --words 6000 --n-ctx 4096   # polnear-dev joined, from ../shared

Starts tests/context_server.py in its own process (a llama.cpp-like server: `n_ctx` tokens of
context reported in /v1/models, HTTP 400 over it, answers cut at their limit, a fixed latency
per request; it answers each part with the quotations in it) and reads the article made of the
project's own articles (tests/long_article.py) with `Summarizer.asummarize`, its parts under a
concurrency limit of `--concurrency` requests as a batch would run them.

Prints: requests made (splits of cut answers and refusals included), the reading's wall time
against the ideal (requests x latency / concurrency) and against whole waves of `concurrency`
requests, the time normalization then takes, the calibrated token estimate against the
server's count, and how many of the article's quotations were found exactly once (each must be
held by one statement's evidence, at its own offsets). Interpreter start and imports are
excluded; one warm-up request is made first. Figures in the README were taken on a shared
2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import instructor  # noqa: E402,F401  (imported before timing)
import openai  # noqa: E402,F401
from long_article import long_article  # noqa: E402

from summarizer.api import Summarizer, _summary  # noqa: E402
from summarizer.article import Article, read_path  # noqa: E402
from summarizer.engines.long import REQUEST_GATE  # noqa: E402
from summarizer.normalize.quotes import find_quotes  # noqa: E402


def _stats(url: str) -> dict:
    with urllib.request.urlopen(url.removesuffix("/v1") + "/stats") as response:
        return json.load(response)


async def _read(summarizer: Summarizer, article, concurrency: int):
    """The article's reading (every request) and then its normalization, timed apart."""
    REQUEST_GATE.set(asyncio.Semaphore(concurrency))
    started = time.perf_counter()
    reading = await summarizer.reader.aread(article)
    read = time.perf_counter() - started
    summary = _summary(article, reading)
    return summary, read, time.perf_counter() - started - read


SHARED = ROOT.parent / "shared" / "eval" / "polnear-dev" / "articles"


def shared_article(words: int):
    """polnear-dev's articles joined (read from ../shared at run time, never copied), or None."""
    paths = sorted(SHARED.glob("*.txt")) if SHARED.is_dir() else []
    if not paths:
        return None
    pieces, count = [], 0
    for path in paths * (1 + words // 20_000):
        text = read_path(path).text.strip()
        pieces.append(text)
        count += len(text.split())
        if count >= words:
            break
    return Article(text="\n\n".join(pieces), id="polnear-joined")


def run(words: int, n_ctx: int, latency: float, concurrency: int, passes: int, shared: bool = False) -> dict:
    article = shared_article(words) if shared else long_article(words)
    if article is None:
        raise SystemExit("../shared/eval/polnear-dev is absent: nothing to read (exit 0)")
    command = [sys.executable, str(ROOT / "tests" / "context_server.py"), "--n-ctx", str(n_ctx)]
    server = subprocess.Popen(
        [*command, "--latency", str(latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = server.stdout.readline().strip()
        summarizer = Summarizer(
            base_url=url, api_key="not-needed", model="context", mode="json_schema", passes=passes
        )
        summarizer.summarize(read_path(ROOT / "seeds" / "000_2c3e132f8f386317.txt"))  # warm-up: one request
        before = len(_stats(url)["requests"])
        summary, wall, normalizing = asyncio.run(_read(summarizer, article, concurrency))
        stats = _stats(url)
    finally:
        server.terminate()
        server.wait()
    requests = stats["requests"][before:]
    quotes = find_quotes(article.text)
    hits = Counter(
        sum(1 for s in summary.statements for e in s.evidence if e.start <= q.start and q.end <= e.end)
        for q in quotes
    )
    ideal = len(requests) * latency / concurrency
    estimator = summarizer.reader.estimator
    return {
        "words": len(article.text.split()),
        "bytes": len(article.text.encode("utf-8")),
        "n_ctx": n_ctx,
        "latency_s": latency,
        "concurrency": concurrency,
        "passes": passes,
        "requests": len(requests),
        "refused_400": sum(1 for r in requests if r[0] == 400),
        "cut_length": sum(1 for r in requests if r[1] == "length"),
        "largest_prompt_plus_limit": max(r[2] + (r[3] or 0) for r in requests),
        "most_in_flight": stats["most_in_flight"],
        "read_wall_s": round(wall, 2),
        "ideal_s": round(ideal, 2),
        "read_over_ideal": round(wall / ideal, 2) if ideal else None,
        "waves_s": round(math.ceil(len(requests) / concurrency) * latency, 2),
        "normalize_s": round(normalizing, 2),
        "estimate_factor": round(estimator.factor, 3),
        "quotes": len(quotes),
        "quotes_found_once": hits.get(1, 0),
        "quotes_missed": hits.get(0, 0),
        "quotes_found_twice_or_more": sum(n for k, n in hits.items() if k > 1),
        "statements": len(summary.statements),
        "warnings": len(summary.warnings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=30_000)
    parser.add_argument("--n-ctx", type=int, default=8192)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--passes", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--shared", action="store_true", help="join polnear-dev's articles from ../shared (read at run time)"
    )
    args = parser.parse_args()
    try:
        figures = run(args.words, args.n_ctx, args.latency, args.concurrency, args.passes, args.shared)
    except SystemExit as stop:
        print(stop)
        return
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        print(f"{key:28} {value}")


if __name__ == "__main__":
    main()
