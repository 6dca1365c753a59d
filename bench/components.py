"""Speed of the pieces that run on every article, each on a fixed, made-up input.

    python bench/components.py

These numbers are measured here rather than asserted in tests (a busy CI machine would make
timed tests flaky). Each figure is the best of several rounds.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.cache import Cache  # noqa: E402
from summarizer.normalize.dates import resolve_date  # noqa: E402
from summarizer.normalize.entities import resolve_entities  # noqa: E402
from summarizer.normalize.quotes import find_quotes  # noqa: E402
from summarizer.schema import Entity  # noqa: E402


def best(fn: Callable[[], object], rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    paragraph = (
        "Guterres “expressed his expectation that the contacts will allow for a credible visit,” "
        "it said. China’s Xinhua made no mention of Guterres’ support in the ’90s. "
        "“China and Egypt share similar visions,” Xi said, “and we will win.”\n"
    )
    article = (paragraph * (10_000 // len(paragraph) + 1))[:10_000]
    print(f"quotes: {best(lambda: find_quotes(article)) * 1000:.2f} ms per 10,000 characters")

    import datetime as dt

    monday = dt.date(2022, 2, 7)
    worst = max(
        best(lambda unit=unit: resolve_date(unit * (200_000 // len(unit)), monday), rounds=2)
        for unit in ["feb. ", "in may ", "4th of ", "saturday ", "2022 ", "feb. 4-"]
    )
    print(f"dates: {worst * 1000:.0f} ms for 200 kB of one repeated date word (worst of six)")

    drafts = [Entity(name=f"Person Name{i}", type="person", aliases=[f"Name{i}"]) for i in range(30)]
    mentions = [f"Minister Person Name{i}" for i in range(30)] + ["Kazakhstan", "the UN chief"] * 10
    text = " ".join(f"Minister Person Name{i} spoke." for i in range(30)) * 10

    def entities() -> None:
        resolver = resolve_entities(text, drafts, mentions)
        for mention in mentions:
            resolver.canonical(mention)

    print(f"entities: {best(entities) * 1000:.1f} ms for 30 drafts and 50 mentions")

    with tempfile.TemporaryDirectory() as tmp, Cache(Path(tmp) / "c.sqlite3") as cache:

        def cache_round() -> None:
            for i in range(1000):
                cache.put(f"key{i}", '{"i": 1}', model="m", article_id=str(i))
            for i in range(1000):
                cache.get(f"key{i}")

        print(f"cache: {best(cache_round, rounds=3) * 1000:.0f} ms for 1,000 puts and 1,000 gets")


if __name__ == "__main__":
    main()
