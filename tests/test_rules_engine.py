"""The offline engine end to end: the seed article read with no model, scored against its gold."""

from __future__ import annotations

import json

from conftest import ROOT, SEED

from summarizer import Summarizer, summarize
from summarizer.api import choose_engine
from summarizer.article import from_text, read_path
from summarizer.evaluate import evaluate, load_gold


def test_auto_engine_is_rules_without_a_key_and_llm_with_one(no_llm_env, monkeypatch):
    assert choose_engine("auto") == "rules"
    assert choose_engine("auto", {"base_url": "http://127.0.0.1:9/v1"}) == "llm"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert choose_engine("auto") == "llm"
    assert choose_engine("rules") == "rules"


def test_seed_article_offline_finds_its_statements_meetings_and_allegations(no_llm_env):
    article = read_path(SEED)
    summary = summarize(article)
    assert summary.meta.engine == "rules"
    for item in [*summary.meetings, *summary.statements, *summary.allegations]:
        for ev in item.evidence:
            assert article.text[ev.start : ev.end] == ev.text
    speakers = {s.speaker for s in summary.statements}
    assert {"Antonio Guterres", "Xi Jinping"} <= speakers
    relayed = next(s for s in summary.statements if s.relay)
    assert relayed.speaker == "Xi Jinping" and relayed.channel == "state media"
    assert any(s.channel == "spokesman" for s in summary.statements)
    first = summary.meetings[0]
    assert {"Antonio Guterres", "Xi Jinping", "Wang Yi"} <= set(first.participants)
    assert first.date == "2022-02-05"
    heads = {p for m in summary.meetings for p in m.participants}
    assert {"Kazakhstan", "Turkmenistan", "Serbia", "Ecuador", "Qatar"} <= heads
    assert any(a.accuser == "Campaigners" and a.accused == ["China"] for a in summary.allegations)

    gold = load_gold(ROOT / "seeds" / "gold.jsonl")
    report = evaluate(gold, {article.id: json.loads(summary.model_dump_json())}).to_dict()
    assert report["statements"]["f1"] >= 0.9
    assert report["meetings"]["f1"] >= 0.9 and report["meetings"]["date_accuracy"] == 1.0
    assert report["allegations"]["f1"] >= 0.75


def test_rules_engine_is_deterministic_and_needs_no_network(no_llm_env):
    text = SEED.read_text(encoding="utf-8")
    first = Summarizer(engine="rules").summarize(text, id="x")
    second = Summarizer(engine="rules").summarize(text, id="x")
    assert first.model_dump_json() == second.model_dump_json()
    assert first.meta.prompt_version.startswith("rules-")


def test_odd_text_never_breaks_the_offline_engine_and_every_span_holds(no_llm_env):
    import random

    pieces = [
        *"abcdefghij ABCDEFG .,;:!?\n“”\"'‘’«»„—–-()0123456789",
        "said ",
        "told ",
        " met ",
        "accused of ",
        "Mr. ",
        "He ",
        "she said",
        "according to ",
        "Xi Jinping ",
        "習近平",
        "🙂",
        "\u2028",
    ]
    rng = random.Random(7)
    summarizer = Summarizer(engine="rules")
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 300)))
        if not text.strip():
            continue
        article_text = from_text(text).text
        summary = summarizer.summarize(text, id="fuzz", published="2024-01-01")
        for item in [*summary.meetings, *summary.statements, *summary.allegations]:
            for ev in item.evidence:
                assert article_text[ev.start : ev.end] == ev.text
