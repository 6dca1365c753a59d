"""Where the offline engine misses or invents meetings and allegations, grouped by class.

    python bench/rules_errors.py                      # polnear-dev, meetings and allegations
    python bench/rules_errors.py --set project --kind allegations --show 5
    python bench/rules_errors.py --article nyt_2016   # one article (id prefix), every item

For every gold item the engine missed, the sentence of the article that best holds it (the most
claim words, or the most participant names) is classified by the first class in `CLASSES`
whose pattern it contains ("accused ... of", "sat down with", a quote, a pronoun participant...),
so a repeated run shows which constructions still fail and how often. False positives are
classified the same way on their evidence. Statements (`--kind statements`) are classed by
their cue (gold's for a miss, ours for a false positive), and a matched statement whose speaker
disagrees ("who") by whether gold's speaker is a pronoun. Matching is `summarizer eval`'s (FORMAT.md): a
meeting pair matches when both names agree, an allegation when one accused agrees and the
claims' token F1 is at least 0.3. Reads ../shared/eval/polnear-dev where it lies.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from rules import gold_set  # noqa: E402

from summarizer.article import read_path  # noqa: E402
from summarizer.engines.rules import RulesEngine  # noqa: E402
from summarizer.engines.rules.text import sentences  # noqa: E402
from summarizer.evaluate import (  # noqa: E402
    _match_allegations,
    _match_statements,
    _pairs_agree,
    meeting_pairs,
    name_words,
    speakers_agree,
    tokens,
)
from summarizer.normalize.pipeline import normalize  # noqa: E402
from summarizer.normalize.quotes import find_quotes  # noqa: E402

CLASSES: dict[str, list[tuple[str, str]]] = {
    "meetings": [
        ("call (phone/video)", r"\b(?:phone|call(?:ed)?|video)\b"),
        ("sat down / huddled", r"\b(?:sat|sit|sits|sitting)\s+down\b|\bhuddled\b"),
        ("meeting noun (the meeting with/between/of)", r"\bmeeting\s+(?:with|between|of)\b|\bsummit\b"),
        ("talks / negotiations", r"\btalks\b|\bnegotiat"),
        ("visit (visited, a visit to/from)", r"\bvisit"),
        ("met (with)", r"\bmet\b|\bmeets?\b"),
        ("hosted / received / invited", r"\bhost|\breceiv|\binvit|\bwelcom"),
        ("meal / cookout / reception", r"\b(?:dinner|lunch|breakfast|cookout|reception|tour)\b"),
        ("pronoun participant", r"\b(?:he|she|they|him|her|them)\b"),
    ],
    "statements": [
        ("speaker is a pronoun (he, she, they)", r"^(?:he|she|they|it|we|i)$"),
        (
            "belief / finding (not speech)",
            r"^(?:believ|think|thought|feel|felt|know|hope|fear|expect|want|plan|show|found|find|reveal|estimat|worr)",
        ),
        ("said / says", r"^(?:said|says|say|saying)$"),
        ("told / asked", r"^(?:told|tells|asked|asks)$"),
        ("according to", r"^according"),
        ("other cue verb", r"."),
    ],
    "allegations": [
        ("accuse / accusation", r"\baccus"),
        ("allege / allegation", r"\balleg"),
        ("charged / indicted", r"\b(?:charged|charges|indict)"),
        ("sued / lawsuit", r"\b(?:sue|sued|suing|lawsuit)\b"),
        ("investigation", r"\binvestigat|\baudit|\bprobe\b"),
        ("blame", r"\bblam"),
        ("lie / liar", r"\b(?:lie|lies|lied|liar|lying|untruth)"),
        ("fraud / scam / corrupt", r"\b(?:fraud|scam|corrupt|rig|rigg|brib)\w*"),
        ("racism / bigotry / hate", r"\b(?:racis|bigot|xenophob|misogyn|hate|hateful|sexis|discriminat)\w*"),
        ("violence / killing", r"\b(?:violen|kill|shot|shoot|brutal|abus)\w*"),
        ("criticism / attacked", r"\b(?:critici|attack|slam|rail|derid|condemn)\w*"),
        ("illegal / violated", r"\b(?:illegal|unlawful|violat|breach|wrong)\w*"),
        ("quote (inside quotation marks)", r"[“\"]"),
    ],
}
"""For each kind, (class, pattern) in order: a sentence gets the first class it matches."""


def classify(kind: str, sentence: str) -> str:
    for label, pattern in CLASSES[kind]:
        if re.search(pattern, sentence, re.I):
            return label
    return "other"


def _sentence_texts(text: str) -> list[str]:
    return [s.text(text) for s in sentences(text, find_quotes(text))]


def _best_sentence(sents: list[str], wanted: set[str]) -> str:
    return max(sents, key=lambda s: len(wanted & set(tokens(s))), default="")


def statement_errors(gold: dict, pred: dict, text: str):
    """Missed gold statements (classed by their cue), and matched ones whose speaker is wrong
    (classed by the gold speaker: a pronoun or a name)."""
    golds, preds = gold.get("statements") or [], pred["statements"]
    matches = {g: p for g, p, _ in _match_statements(golds, preds)}
    for g, item in enumerate(golds):
        cue = (item.get("cue") or "").lower()
        label = f"{item.get('speaker')} [{cue}]: {(item.get('content') or '')[:80]}"
        if g not in matches:
            yield "miss", label, cue
        elif not speakers_agree(item, preds[matches[g]]):
            got = preds[matches[g]]
            yield "who", f"{label} -> {got.get('speaker')} / {got.get('speaker_mention')}", (
                (item.get("speaker") or "").lower()
            )
    used = set(matches.values())
    for p, item in enumerate(preds):
        if p not in used:
            yield "false", f"{item['speaker']} [{item.get('cue')}]: {item['content'][:80]}", (
                (item.get("cue") or "").lower()
            )


def meeting_errors(gold: dict, pred: dict, text: str):
    sents = _sentence_texts(text)
    gold_pairs, pred_pairs = meeting_pairs(gold.get("meetings") or []), meeting_pairs(pred["meetings"])
    used: set[int] = set()
    for g in gold_pairs:
        hit = next((i for i, p in enumerate(pred_pairs) if i not in used and _pairs_agree(g, p)), None)
        if hit is not None:
            used.add(hit)
            continue
        words = name_words(g.first) | name_words(g.second)
        yield "miss", f"{g.first} + {g.second}", _best_sentence(sents, words)
    evidence = {}
    for m in pred["meetings"]:
        for a in m["participants"]:
            for b in m["participants"]:
                evidence[(a, b)] = m["evidence"][0]["text"] if m["evidence"] else ""
    for i, p in enumerate(pred_pairs):
        if i not in used:
            yield "false", f"{p.first} + {p.second}", evidence.get((p.first, p.second), "")


def allegation_errors(gold: dict, pred: dict, text: str):
    sents = _sentence_texts(text)
    golds, preds = gold.get("allegations") or [], pred["allegations"]
    matches = {g: p for g, p, _ in _match_allegations(golds, preds)}  # the scorer's own matching
    used = set(matches.values())
    for g, item in enumerate(golds):
        if g in matches:
            continue
        label = f"{item['accuser']} -> {item['accused']}: {item['claim'][:90]}"
        yield "miss", label, _best_sentence(sents, set(tokens(item["claim"])))
    for i, p in enumerate(preds):
        if i not in used:
            label = f"{p['accuser']} -> {p['accused']}: {p['claim'][:90]}"
            yield "false", label, p["evidence"][0]["text"] if p["evidence"] else ""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", choices=["project", "polnear"], default="polnear")
    parser.add_argument(
        "--kind", choices=["statements", "meetings", "allegations"], action="append", dest="kinds"
    )
    parser.add_argument("--show", type=int, default=3, help="examples printed per class")
    parser.add_argument("--article", help="only articles whose id starts with this; print every item")
    args = parser.parse_args()
    loaded = gold_set(args.set)
    if loaded is None:
        raise SystemExit("the polnear-dev set is not here")
    gold, paths = loaded
    engine = RulesEngine()
    found: dict[str, dict[tuple[str, str], list[tuple[str, str, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for path in paths:
        article = read_path(path)
        if args.article and not article.id.startswith(args.article):
            continue
        entry = gold.get(article.id) or {}
        pred = json.loads(normalize(article, *engine.extract(article)).model_dump_json())
        for kind in args.kinds or ["meetings", "allegations"]:
            if entry.get(kind) is None:
                continue
            errors = {"statements": statement_errors, "meetings": meeting_errors}.get(kind, allegation_errors)
            for error, label, sentence in errors(entry, pred, article.text):
                found[kind][(error, classify(kind, sentence))].append((article.id, label, sentence))
    show = 10**6 if args.article else args.show
    for kind, table in found.items():
        counts = Counter({key: len(v) for key, v in table.items()})
        print(f"== {kind}: {sum(counts.values())} errors")
        for (error, label), n in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1])):
            print(f"  {error:5} {n:4}  {label}")
            for article_id, item, sentence in table[(error, label)][:show]:
                print(f"        [{article_id[:28]}] {item}\n          | {' '.join(sentence.split())[:260]}")
        print()


if __name__ == "__main__":
    main()
