"""Replay a capable model's answers through the LLM path and measure what the project does with them.

    python bench/llm_replay.py            # the 16 articles of ../shared/eval/llm-answers
    python bench/llm_replay.py --json     # the same figures as JSON

`../shared/eval/llm-answers/ID.json` is the answer a capable model wrote to the project's request
for polnear-dev article ID (its README says how). A loopback OpenAI-compatible server
(tests/stub_server.py) answers each request with the answer for the article in it, so the real
openai SDK, instructor, the validators and normalization all run, over real HTTP. A validation
retry gets the same answer again: fixed answers are a model that never corrects itself, so every
retry the project asks for is a round trip a real model would be paid for and could waste.

Prints, per article and in total: items given by the model and kept in the summary, requests,
fixed bytes per request (the request body less the article as encoded in it) and F1 per item
type against polnear-dev's gold. Skips (exit 0) when ../shared is absent: the answers quote
copyrighted articles and are never copied into the project.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from stub_server import StubServer  # noqa: E402

from summarizer.api import Summarizer  # noqa: E402
from summarizer.article import read_path  # noqa: E402
from summarizer.evaluate import evaluate, load_gold  # noqa: E402

SHARED = ROOT.parent / "shared" / "eval"
ANSWERS = SHARED / "llm-answers"
POLNEAR = SHARED / "polnear-dev"
KINDS = ("statements", "meetings", "allegations")


def fixed_bytes(body: bytes, article: str) -> int:
    """The request's size less the article's, as the SDK encoded it (escaped or not)."""
    for encoded in (json.dumps(article, ensure_ascii=False), json.dumps(article)):
        raw = encoded[1:-1].encode("utf-8")
        if raw in body:
            return len(body) - len(raw)
    raise ValueError("the article is not in the request body verbatim")


def replay(*, mode: str = "json_schema") -> dict:
    """Run the 16 answers through the LLM path; the figures as a dict."""
    ids = sorted(p.stem for p in ANSWERS.glob("*.json"))
    articles = [read_path(POLNEAR / "articles" / f"{i}.txt") for i in ids]
    answers = {i: json.loads((ANSWERS / f"{i}.json").read_text(encoding="utf-8")) for i in ids}
    by_article = {hashlib.sha256(a.text.encode("utf-8")).hexdigest(): answers[a.id] for a in articles}
    rows, predictions = [], {}
    with tempfile.TemporaryDirectory() as scripts:
        script = {"responses": [{"status": 200, "by_article": by_article}]}
        Path(scripts, "replay.json").write_text(json.dumps(script), encoding="utf-8")
        with StubServer(scripts, keep_bodies=True) as server:
            s = Summarizer(base_url=server.base_url, api_key="not-needed", model="stub/replay", mode=mode)
            for article in articles:
                before = server.requests
                first_body = len(server.bodies or [])
                summary = s.summarize(article)
                bodies = (server.bodies or [])[first_body:]
                given = {k: len(answers[article.id].get(k) or []) for k in KINDS}
                kept = {k: len(getattr(summary, k)) for k in KINDS}
                rows.append(
                    {
                        "id": article.id,
                        "given": given,
                        "kept": kept,
                        "requests": server.requests - before,
                        "fixed_bytes": fixed_bytes(bodies[0], article.text) if bodies else None,
                        "prompt_tokens": summary.meta.usage.prompt_tokens,
                        "warnings": [w.code for w in summary.warnings],
                    }
                )
                predictions[article.id] = json.loads(summary.model_dump_json())
    gold = {k: v for k, v in load_gold(POLNEAR / "gold.jsonl").items() if k in answers}
    report = evaluate(gold, predictions)
    scores = {
        "statements_f1": report.statements.counts.f1,
        "speaker_f1": report.statements.speaker.f1,
        "meeting_pairs_f1": report.meetings.counts.f1,
        "allegations_f1": report.allegations.counts.f1,
    }
    total = {
        "articles": len(rows),
        "requests": sum(r["requests"] for r in rows),
        "given": {k: sum(r["given"][k] for r in rows) for k in KINDS},
        "kept": {k: sum(r["kept"][k] for r in rows) for k in KINDS},
        "fixed_bytes": max((r["fixed_bytes"] or 0) for r in rows),
        "warnings": sum(len(r["warnings"]) for r in rows),
    }
    total["requests_per_article"] = total["requests"] / max(1, len(rows))
    return {"articles": rows, "total": total, "scores": scores}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--mode", default="json_schema", help="instructor mode (default json_schema)")
    args = parser.parse_args()
    if not ANSWERS.is_dir() or not POLNEAR.is_dir():
        print("skipped: ../shared/eval/llm-answers or polnear-dev is absent", file=sys.stderr)
        return 0
    result = replay(mode=args.mode)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{'article':44} {'given s/m/a':>12} {'kept s/m/a':>12} {'req':>4} {'fixed B':>8}  warnings")
    for r in result["articles"]:
        g, k = r["given"], r["kept"]
        print(
            f"{r['id'][:44]:44} {g['statements']:>4}/{g['meetings']}/{g['allegations']:<4}"
            f" {k['statements']:>4}/{k['meetings']}/{k['allegations']:<4} {r['requests']:>4}"
            f" {r['fixed_bytes'] or 0:>8}  {', '.join(sorted(set(r['warnings'])))}"
        )
    t, sc = result["total"], result["scores"]
    print(
        f"\ntotal: {t['articles']} articles, {t['requests']} requests "
        f"({t['requests_per_article']:.2f} per article), fixed bytes per request <= {t['fixed_bytes']}"
    )
    print("items given / kept: " + ", ".join(f"{k} {t['given'][k]}/{t['kept'][k]}" for k in KINDS))
    print(f"warnings: {t['warnings']}")
    print(
        f"F1: statements {sc['statements_f1']:.3f}, speaker {sc['speaker_f1']:.3f}, "
        f"meeting pairs {sc['meeting_pairs_f1']:.3f}, allegations {sc['allegations_f1']:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
