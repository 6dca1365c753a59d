"""Accuracy and speed of the rules engine on ../shared/eval/polnear-dev (statements).

    python bench/polnear.py [--dev ../shared/eval/polnear-dev] [--out /tmp/polnear-pred.jsonl]

Prints the FORMAT.md scores and articles per second on one core (interpreter start and
imports excluded). The articles are read from where they lie and never copied.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.article import read_path  # noqa: E402
from summarizer.engines.rules import RulesEngine  # noqa: E402
from summarizer.evaluate import evaluate, format_report, load_gold  # noqa: E402
from summarizer.normalize.pipeline import normalize  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "eval" / "polnear-dev")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds (best is kept)")
    args = parser.parse_args()
    if not args.dev.is_dir():
        sys.exit(f"{args.dev} not found: this benchmark needs the polnear-dev set")
    articles = [read_path(p) for p in sorted((args.dev / "articles").glob("*.txt"))]
    engine = RulesEngine()

    best = float("inf")
    summaries = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        summaries = [normalize(a, *engine.extract(a)) for a in articles]
        best = min(best, time.perf_counter() - t0)

    preds = {s.article.id: json.loads(s.model_dump_json()) for s in summaries}
    if args.out:
        args.out.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds.values()))
    report = evaluate(load_gold(args.dev / "gold.jsonl"), preds)
    print(format_report(report))
    chars = sum(len(a.text) for a in articles)
    print(
        f"\nspeed: {len(articles)} articles ({chars:,} chars) in {best * 1000:.0f} ms = "
        f"{len(articles) / best:.0f} articles/s on one core (best of {args.rounds})"
    )


if __name__ == "__main__":
    main()
