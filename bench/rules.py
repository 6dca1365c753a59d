"""Accuracy and speed of the offline rules engine, scored by `summarizer eval`'s code.

    python bench/rules.py                 # the project's gold (seeds + eval/project-dev) and polnear-dev
    python bench/rules.py --set polnear --out /tmp/polnear.jsonl
    summarizer eval ../shared/eval/polnear-dev/gold.jsonl /tmp/polnear.jsonl   # the same scores

Sets:
- `project`: seeds/ and eval/project-dev/ (13 articles annotated by hand for meetings,
  statements and allegations; written for the project or the seed);
- `polnear`: ../shared/eval/polnear-dev (84 articles, statements only), read where it lies and
  never copied.

`--sizes` instead times the rules readers alone (no normalization: that is measured in
bench/components.py) on synthetic articles of doubling size, one repeated sentence and the
project's articles concatenated, to show that time grows linearly with the article.

Speed is articles per second on one core for the whole offline path (rules, then the same
normalization as the LLM engine), best of `--rounds`, with the interpreter start and imports
excluded.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.article import Article, read_path  # noqa: E402
from summarizer.engines.rules import RulesEngine  # noqa: E402
from summarizer.evaluate import evaluate, format_report, load_gold  # noqa: E402
from summarizer.normalize.pipeline import normalize  # noqa: E402

POLNEAR = ROOT.parent / "shared" / "eval" / "polnear-dev"


def gold_set(name: str) -> tuple[dict[str, dict], list[Path]] | None:
    if name == "project":
        gold = load_gold(ROOT / "seeds" / "gold.jsonl") | load_gold(
            ROOT / "eval" / "project-dev" / "gold.jsonl"
        )
        paths = [
            *sorted((ROOT / "seeds").glob("*.txt")),
            *sorted((ROOT / "eval/project-dev/articles").glob("*.txt")),
        ]
        return gold, paths
    if name == "polnear":
        if not POLNEAR.is_dir():
            return None
        return load_gold(POLNEAR / "gold.jsonl"), sorted((POLNEAR / "articles").glob("*.txt"))
    raise SystemExit(f"unknown set {name!r}")


def run(articles: list[Article], rounds: int) -> tuple[list, float]:
    engine = RulesEngine()
    best, summaries = float("inf"), []
    for _ in range(rounds):
        t0 = time.perf_counter()
        summaries = [normalize(a, *engine.extract(a)) for a in articles]
        best = min(best, time.perf_counter() - t0)
    return summaries, best


REPEATED = (
    "“We will win,” Xi Jinping said after he met Antonio Guterres in Beijing, and critics accused "
    "him of lying about the talks "
)


def sizes(largest: int) -> None:
    """Rules-engine time against article size: each doubling should cost about x2."""
    engine = RulesEngine()
    varied = "\n\n".join(read_path(p).text for p in gold_set("project")[1])
    for label, unit in (("one repeated sentence, no full stop", REPEATED), ("varied news text", varied)):
        print(f"== {label}")
        size, previous = 50_000, None
        while size <= largest:
            text = (unit * (size // len(unit) + 1))[:size]
            t0 = time.perf_counter()
            engine.extract(Article(text=text))
            seconds = time.perf_counter() - t0
            ratio = f"  x{seconds / previous:.1f}" if previous else ""
            print(f"  {size / 1000:>7,.0f} kB  {seconds:7.2f} s{ratio}")
            previous, size = seconds, size * 2
        print()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", choices=["project", "polnear"], action="append", dest="sets")
    parser.add_argument("--out", type=Path, help="write the summaries here (JSONL; one set only)")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds; the best is kept")
    parser.add_argument(
        "--sizes", type=int, metavar="BYTES", help="time the rules readers on articles up to this size"
    )
    args = parser.parse_args()
    if args.sizes:
        sizes(args.sizes)
        return
    for name in args.sets or ["project", "polnear"]:
        loaded = gold_set(name)
        if loaded is None:
            print(f"== {name}: {POLNEAR} not found, skipped\n")
            continue
        gold, paths = loaded
        articles = [read_path(p) for p in paths]
        summaries, seconds = run(articles, args.rounds)
        preds = {s.article.id: json.loads(s.model_dump_json()) for s in summaries}
        if args.out:
            args.out.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds.values()))
        chars = sum(len(a.text) for a in articles)
        print(f"== {name}: {len(articles)} articles, {chars:,} characters")
        print(format_report(evaluate(gold, preds)))
        filled = sum(bool(p["summary"].strip()) for p in preds.values())
        print(f"summaries:                  {filled} of {len(preds)} articles have one")
        print(
            f"speed: {len(articles) / seconds:.0f} articles/s on one core "
            f"({seconds * 1000 / len(articles):.2f} ms per article, best of {args.rounds})\n"
        )


if __name__ == "__main__":
    main()
