"""Time and peak memory against input size: the offline path, and normalization of a big draft.

    python bench/size.py            # every series, a few minutes on a shared 2-core machine
    python bench/size.py --quick    # the smaller sizes only

Each measurement runs in a fresh process, so its peak RSS (ru_maxrss) is its own. Inputs are
made up here (no eval article is copied): one sentence repeated (the worst case for anything
keyed on equal passages), varied synthetic news text, and an LLM-like answer with N
statements. Linear growth shows as a time ratio close to the size ratio between rows.

Per stage: `extract` is the rules engine, `normalize` the whole pipeline, inside it
`entities` (resolve_entities) and `dedupe` (merging duplicates).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SENTENCE = "The minister said the talks with President Tokayev in Astana were useful. "
FIRST = ["Ana", "Omar", "Li", "Maria", "John", "Aigerim", "Pierre", "Yuki", "Kofi", "Elena", "Raj", "Sofia"]
LAST = ["Ruiz", "Haddad", "Wei", "Novak", "Smith", "Bekova", "Martin", "Sato", "Mensah", "Petrova", "Patel"]
CITIES = ["Astana", "Cairo", "Lima", "Oslo", "Hanoi", "Accra", "Quito", "Riga", "Dakar", "Perth"]
TOPICS = ["the port plan", "grain exports", "the border", "energy prices", "the budget", "water rights"]


def varied_text(size: int, seed: int = 7) -> str:
    """Made-up news prose of about `size` characters: many people, places, quotes, meetings."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    n = 0
    while total < size:
        n += 1
        a = f"{rng.choice(FIRST)} {rng.choice(LAST)}{n % 97}"
        b = f"{rng.choice(FIRST)} {rng.choice(LAST)}{(n * 7) % 89}"
        city, topic = rng.choice(CITIES), rng.choice(TOPICS)
        sentence = rng.choice([
            f'Minister {a} said {topic} in {city} would change by {n} percent. ',
            f'"We will not accept {topic} number {n}," {a} told reporters in {city}. ',
            f'{a} met {b} in {city} on Monday to discuss {topic}. ',
            f'{a} accused {b} of hiding report {n} on {topic}. ',
            f'Officials in {city} said the decision on {topic} {n} was final. ',
        ])  # fmt: skip
        parts.append(sentence)
        total += len(sentence)
        if n % 6 == 0:
            parts.append("\n\n")
    return "".join(parts)


def one(kind: str, size: int) -> dict[str, float]:
    """Measure one input in this process; returns seconds per stage and peak RSS in MB."""
    import datetime as dt

    from summarizer.article import Article
    from summarizer.engines.rules import RulesEngine
    from summarizer.normalize import pipeline

    stages = {"entities": 0.0, "dedupe": 0.0}

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                stages[name] += time.perf_counter() - started

        return wrapper

    pipeline.resolve_entities = timed("entities", pipeline.resolve_entities)
    for name in ("dedupe_meetings", "dedupe_statements", "dedupe_allegations"):
        setattr(pipeline, name, timed("dedupe", getattr(pipeline, name)))

    if kind == "draft":
        return one_draft(size, stages)
    text = (SENTENCE * (size // len(SENTENCE) + 1))[:size] if kind == "repeated" else varied_text(size)
    article = Article(text=text, published=dt.date(2022, 2, 7))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    draft, meta = RulesEngine().extract(article)
    extracted = time.perf_counter()
    summary = pipeline.normalize(article, draft, meta)
    done = time.perf_counter()
    return {
        "extract": extracted - started,
        "normalize": done - extracted,
        **stages,
        "items": len(summary.statements) + len(summary.meetings) + len(summary.allegations),
        "peak_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline) / 1024,
    }


def one_draft(statements: int, stages: dict[str, float]) -> dict[str, float]:
    """An LLM-like answer with `statements` statements, each grounded in its own sentence."""
    import datetime as dt

    from summarizer.article import Article
    from summarizer.normalize import pipeline
    from summarizer.normalize.grounding import grounding_context
    from summarizer.schema import ArticleExtraction, Meta

    rng = random.Random(3)
    sentences, items = [], []
    for n in range(statements):
        who = f"{rng.choice(FIRST)} {rng.choice(LAST)}{n % 53}"
        quote = f"we will review {rng.choice(TOPICS)} case {n} before {rng.choice(CITIES)} votes"
        sentence = f'"{quote.capitalize()}," {who} said.'
        sentences.append(sentence)
        items.append({"speaker": who, "content": quote.capitalize(), "kind": "direct", "cue": "said",
                      "evidence": [sentence]})  # fmt: skip
    text = " ".join(sentences)
    entities = [{"name": s["speaker"], "type": "person"} for s in items]
    with grounding_context(text):
        draft = ArticleExtraction.model_validate(
            {"summary": "s", "entities": entities, "meetings": [], "statements": items, "allegations": []}
        )
    meta = Meta(engine="llm", model="bench", mode="json_schema", prompt_version="bench")
    article = Article(text=text, published=dt.date(2022, 2, 7))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    summary = pipeline.normalize(article, draft, meta)
    return {
        "extract": 0.0,
        "normalize": time.perf_counter() - started,
        **stages,
        "items": len(summary.statements),
        "peak_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline) / 1024,
    }


SERIES = {
    "repeated": [12_500, 25_000, 50_000, 100_000],
    "varied": [75_000, 150_000, 300_000, 600_000],
    "draft": [250, 500, 1000, 2000],
}
QUICK = {"repeated": [12_500, 25_000], "varied": [75_000, 150_000], "draft": [250, 500]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", nargs=2, metavar=("KIND", "SIZE"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))))
        return
    print("| input | size | items | extract s | normalize s | entities s | dedupe s | peak MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind, sizes in (QUICK if args.quick else SERIES).items():
        for size in sizes:
            command = [sys.executable, __file__, "--one", kind, str(size)]
            try:
                done = subprocess.run(
                    command, capture_output=True, text=True, timeout=args.timeout, check=True
                )
            except subprocess.TimeoutExpired:
                print(f"| {kind} | {size:,} | | > {args.timeout:.0f} s (stopped) | | | | |", flush=True)
                break
            r = json.loads(done.stdout)
            unit = "statements" if kind == "draft" else "chars"
            print(
                f"| {kind} | {size:,} {unit} | {r['items']:,} | {r['extract']:.2f} | {r['normalize']:.2f} | "
                f"{r['entities']:.2f} | {r['dedupe']:.2f} | {r['peak_mb']:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
