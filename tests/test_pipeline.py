"""Normalization after the engine: what cannot be grounded is dropped, loudly."""

from __future__ import annotations

from summarizer.article import from_text
from summarizer.normalize.pipeline import normalize
from summarizer.schema import ArticleExtraction, Meta

TEXT = "Xi met Sissi in Beijing. “We are partners,” Xi said. Critics accused Sissi of abuses."


def summarize_draft(draft: dict):
    return normalize(from_text(TEXT, id="t"), ArticleExtraction.model_validate(draft), Meta(engine="test"))


def test_partly_grounded_item_keeps_its_grounded_evidence_with_offsets():
    summary = summarize_draft(
        {
            "summary": "",
            "meetings": [
                {"participants": ["Xi", "Sissi"], "evidence": ["Xi met Sissi in Beijing.", "They dined."]}
            ],
        }
    )
    (meeting,) = summary.meetings
    (ev,) = meeting.evidence
    assert (ev.start, ev.end) == (0, 24) and TEXT[ev.start : ev.end] == ev.text
    assert [w.code for w in summary.warnings] == ["ungrounded_evidence"]
    assert summary.warnings[0].item == "meetings[0]"


def test_item_with_no_grounded_evidence_is_dropped_with_a_warning():
    summary = summarize_draft(
        {"summary": "", "allegations": [{"accused": ["Sissi"], "claim": "fraud", "evidence": ["He lied."]}]}
    )
    assert summary.allegations == []
    assert [w.code for w in summary.warnings] == ["ungrounded_evidence", "ungrounded_item"]


def test_direct_quote_not_in_the_article_becomes_a_paraphrase_when_its_evidence_holds():
    summary = summarize_draft(
        {
            "summary": "",
            "statements": [
                {"speaker": "Xi", "content": "We are allies", "kind": "direct", "evidence": ["Xi said."]},
                {"speaker": "Xi", "content": "We are partners", "kind": "direct", "evidence": ["Xi said."]},
            ],
        }
    )
    kinds = {s.content: (s.kind, s.content_match) for s in summary.statements}
    assert kinds == {"We are allies": ("indirect", "unmatched"), "We are partners": ("direct", "exact")}
    assert [w.code for w in summary.warnings] == ["quote_not_in_article"]
    assert summary.warnings[0].item == "statements[0]"


def test_direct_quote_with_no_grounded_evidence_is_dropped():
    summary = summarize_draft(
        {
            "summary": "",
            "statements": [
                {"speaker": "Xi", "content": "We are allies", "kind": "direct", "evidence": ["Xi said so."]}
            ],
        }
    )
    assert summary.statements == []
    assert [w.code for w in summary.warnings] == ["ungrounded_evidence", "ungrounded_item"]


def test_summary_identifies_the_exact_text():
    summary = summarize_draft({"summary": " Two leaders met. "})
    assert summary.summary == "Two leaders met."
    assert summary.article.sha256 == from_text(TEXT).sha256
