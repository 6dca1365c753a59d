"""Measure the rule-based meeting and allegation readers: quality on the gold sets, and speed.

Quality: every article of seeds/ and eval/project-dev/ is read with `find_meetings` and
`find_allegations`, normalized exactly as the engine's output would be (grounding, dates,
canonical names, duplicates), dumped as summaries (JSON Lines) and scored with
`summarizer.evaluate` against both gold files. Only meetings and allegations are drafted, so
the statement rows of the report read 0 by construction.

Speed: both readers over the polnear-dev articles in ../shared/eval/polnear-dev (read there,
never copied), best of several rounds, with the per-article name cache cleared each time.

    /work/venv/bin/python bench/rules_meetings_allegations.py [--out summaries.jsonl] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.article import read_path  # noqa: E402
from summarizer.engines.rules import meetings as meetings_module  # noqa: E402
from summarizer.engines.rules.allegations import find_allegations  # noqa: E402
from summarizer.engines.rules.meetings import find_meetings  # noqa: E402
from summarizer.engines.rules.text import sentences  # noqa: E402
from summarizer.evaluate import evaluate, format_report, load_gold  # noqa: E402
from summarizer.normalize.pipeline import normalize  # noqa: E402
from summarizer.normalize.quotes import find_quotes  # noqa: E402
from summarizer.schema import ArticleExtraction, Meta  # noqa: E402

GOLD = [ROOT / "seeds" / "gold.jsonl", ROOT / "eval" / "project-dev" / "gold.jsonl"]
ARTICLES = [
    *sorted((ROOT / "seeds").glob("*.txt")),
    *sorted((ROOT / "eval" / "project-dev" / "articles").glob("*.txt")),
]
POLNEAR = ROOT.parent / "shared" / "eval" / "polnear-dev" / "articles"


def summarize(path: Path) -> dict:
    article = read_path(path)
    sents = sentences(article.text, find_quotes(article.text))
    draft = ArticleExtraction(
        summary="",
        meetings=find_meetings(article.text, sents, article.published),
        allegations=find_allegations(article.text, sents),
    )
    return normalize(article, draft, Meta(engine="rules")).model_dump(mode="json")


def show(article_id: str, gold: dict, pred: dict) -> None:
    print(f"== {article_id}")
    for key, fields in (
        ("meetings", ("participants", "date")),
        ("allegations", ("accused", "claim", "status")),
    ):
        for label, doc in (("gold", gold), ("pred", pred)):
            for item in doc.get(key) or []:
                print(f"  {label} {key[:4]}: " + " | ".join(str(item.get(f)) for f in fields))


def speed(rounds: int) -> None:
    paths = sorted(POLNEAR.glob("*.txt"))
    if not paths:
        print(f"\nspeed: no articles in {POLNEAR}")
        return
    docs = []
    for path in paths:
        article = read_path(path)
        docs.append((article, sentences(article.text, find_quotes(article.text))))
    chars = sum(len(a.text) for a, _ in docs)
    best = float("inf")
    per_article: list[float] = []
    cold = 0.0
    for round_no in range(rounds):
        meetings_module._cached_names.cache_clear()
        if round_no == 0:
            for cached in vars(meetings_module).values():
                if hasattr(cached, "cache_clear"):
                    cached.cache_clear()  # the first round starts with every word cache empty
        times = []
        for article, sents in docs:
            t0 = time.perf_counter()
            find_meetings(article.text, sents, article.published)
            find_allegations(article.text, sents)
            times.append(time.perf_counter() - t0)
        if round_no == 0:
            cold = sum(times)
        if sum(times) < best:
            best, per_article = sum(times), times
    ms = best * 1000
    worst = max(t / len(a.text) * 5000 for t, (a, _) in zip(per_article, docs, strict=True))
    print(
        f"\nspeed over {len(docs)} polnear-dev articles ({chars / len(docs):,.0f} chars on average): "
        f"{ms / len(docs):.2f} ms/article mean, {1000 * statistics.median(per_article):.2f} ms median, "
        f"{1000 * max(per_article):.2f} ms max, {ms / chars * 5000:.2f} ms per 5,000 characters, "
        f"{len(docs) / best:,.0f} articles/s (meetings + allegations only, best of {rounds}); "
        f"slowest {1000 * worst:.2f} ms per 5,000 characters; first round with empty caches "
        f"{1000 * cold / len(docs):.2f} ms/article"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "rules_meetings_allegations.jsonl"
    )
    parser.add_argument("--verbose", action="store_true", help="print gold and predicted items per article")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    gold: dict[str, dict] = {}
    for path in GOLD:
        gold.update(load_gold(path))
    pred = {}
    for path in ARTICLES:
        summary = summarize(path)
        pred[summary["article"]["id"]] = summary
    with args.out.open("w", encoding="utf-8") as out:
        for summary in pred.values():
            out.write(json.dumps(summary, ensure_ascii=False) + "\n")
    if args.verbose:
        for article_id, doc in gold.items():
            show(article_id, doc, pred.get(article_id, {}))
        print()
    report = evaluate(gold, pred)
    print(f"summaries: {args.out}")
    print(format_report(report))
    speed(args.rounds)


if __name__ == "__main__":
    main()
