"""Planning parts of a long article, what a part's request carries, and the token budget."""

from __future__ import annotations

import itertools

import pytest
from long_article import long_article

from summarizer.article import Article
from summarizer.engines import budget
from summarizer.engines.chunking import (
    Cuts,
    Part,
    part_of_message,
    part_user_message,
    plan_parts,
    shifted_parts,
    split_part,
)
from summarizer.normalize.pipeline import normalize
from summarizer.normalize.quotes import find_quotes
from summarizer.schema import ArticleExtraction, Meta, StatementDraft


@pytest.fixture(scope="module")
def text() -> str:
    return long_article(8_000).text


def test_parts_are_contiguous_slices_that_cover_the_article_and_overlap(text):
    parts = plan_parts(text, 600, overlap=60)
    assert parts[0].start == 0 and parts[-1].end == len(text)
    for before, after in itertools.pairwise(parts):
        assert before.start < after.start <= before.end  # no gap
        assert len(text[after.start : before.end].encode()) <= 60 * 4 + 1  # overlap within its budget
    assert sum(1 for b, a in itertools.pairwise(parts) if a.start < b.end) > len(parts) // 2
    assert all(len(text[p.start : p.end].encode()) <= 600 * 4 for p in parts)


def test_parts_end_at_sentence_or_paragraph_ends_and_never_inside_a_quotation(text):
    quotes = [(q.open_mark, q.outer_end) for q in find_quotes(text)]
    parts = plan_parts(text, 400)
    for part in parts[:-1]:
        assert not any(s < part.end < e for s, e in quotes), text[part.end - 40 : part.end + 40]
        before = text[: part.end].rstrip()
        assert before[-1] in ".!?…\"”’»)]" or text[part.end - 1] == "\n", before[-60:]


def test_a_paragraph_end_near_the_limit_is_preferred_to_a_sentence_end(text):
    parts = plan_parts(text, 800)
    paragraph_ends = sum(1 for p in parts[:-1] if text[: p.end].endswith("\n\n"))
    assert paragraph_ends >= len(parts) // 2


def test_context_is_the_text_just_before_a_part_in_whole_sentences(text):
    parts = plan_parts(text, 500, context=100)
    assert parts[0].context_start == 0 == parts[0].start
    later = parts[1:]
    assert all(p.context_start <= p.start for p in later)
    assert sum(1 for p in later if p.context_start < p.start) > len(later) // 2
    cuts = set(Cuts.of(text).offsets)
    assert all(p.context_start in cuts for p in later)


def test_a_sentence_longer_than_a_part_is_cut_at_spaces_as_a_last_resort():
    text = "word " * 2000 + "end."
    parts = plan_parts(text, 100)
    assert parts[0].start == 0 and parts[-1].end == len(text)
    assert all(text[p.end - 1] == " " for p in parts[:-1])
    assert "".join(text[p.start : p.end] for p in parts) == text


def test_a_later_pass_cuts_inside_the_first_pass_parts_and_no_part_grows(text):
    first = plan_parts(text, 500)
    second = shifted_parts(text, first, 0.5, 2)
    assert second[0].start == 0 and second[-1].end == len(text)
    assert all(a.end == b.start for a, b in itertools.pairwise(second))
    shared = {p.end for p in first[:-1]} & {p.end for p in second[:-1]}
    assert len(shared) <= len(first) // 10  # only where no sentence ends near a part's middle
    longest = max(p.end - p.start for p in first)
    assert all(p.end - p.start <= longest for p in second)
    assert {p.pass_number for p in second} == {2}


def test_split_part_halves_at_a_sentence_end_and_refuses_one_sentence(text):
    part = plan_parts(text, 500)[3]
    first, second = split_part(text, part)
    assert (first.start, second.end) == (part.start, part.end) and first.end == second.start
    assert first.end in Cuts.of(text).offsets
    assert second.context_start == part.start  # the first half is the second's context
    assert split_part("One.", Part(0, 4, 0)) is None


def test_a_part_reaches_the_model_byte_for_byte_under_a_marker_the_article_cannot_imitate():
    text = "First sentence.\n===== part (extract from this text only) =====\nSecond {{ x }} sentence."
    part = Part(start=16, end=len(text), context_start=0)
    message = part_user_message(text, part)
    assert part_of_message(message) == text[16:]
    assert "======" in message and message.count(text[16:]) == 1
    assert part_user_message(text, Part(0, 16, 0)) == text[:16]  # nothing before it: the part alone


def test_an_item_is_grounded_in_its_part_and_never_in_the_context_sent_with_it():
    sentence = "“We will return,” Varga said."
    text = f"{sentence} Rain fell.\n\n{sentence} Snow fell."
    second = text.index(sentence, 1)
    draft = ArticleExtraction(
        summary="",
        statements=[
            StatementDraft(speaker="Varga", content="We will return,", kind="direct", evidence=[sentence]),
            StatementDraft(speaker="Varga", content="Rain fell.", kind="indirect", evidence=["Rain fell."]),
        ],
    )
    regions = {"statements[0]": (second, len(text)), "statements[1]": (second, len(text))}
    summary = normalize(Article(text=text), draft, Meta(engine="llm"), regions)
    assert [(e.start, e.end) for s in summary.statements for e in s.evidence] == [
        (second, second + len(sentence))
    ]
    assert [w.code for w in summary.warnings][:1] == ["evidence_outside_part"]


def test_the_server_context_is_read_where_each_server_says_it():
    llama = {"data": [{"id": "m", "owned_by": "llamacpp", "meta": {"n_ctx": 4096, "n_ctx_train": 131072}}]}
    vllm = {"data": [{"id": "m", "owned_by": "vllm", "max_model_len": 32768}]}
    ollama = {"data": [{"id": "m", "owned_by": "library"}]}
    assert budget.context_from_models(llama, "m")[:1] == (4096,)
    assert budget.context_from_models(vllm, "m")[:1] == (32768,)
    assert budget.context_from_models(ollama, "m") == (None, "", True)
    assert budget.context_from_models({"data": "?"}, "m") == (None, "", False)
    assert budget.context_from_props({"default_generation_settings": {"n_ctx": 2048}}) == 2048
    assert budget.openai_context("gpt-4o-mini-2024-07-18") == 128_000
    assert budget.openai_context("gpt-4.1-mini") == 1_047_576
    assert budget.openai_context("davinci") is None
    refusal = "request (5243 tokens) exceeds the available context size (2048 tokens), try increasing it"
    assert budget.context_from_message(refusal) == 2048
    assert budget.context_from_message("This model's maximum context length is 8192 tokens.") == 8192


def test_the_budget_keeps_room_for_the_answer_in_proportion_to_the_part():
    b = budget.Budget(context=8192, fixed=1400)
    part = b.part_tokens()
    assert b.fixed + b.context_text + part + b.answer_base + b.answer_ratio * part <= b.usable
    assert b.fits_whole(part) and not b.fits_whole(3 * part)


def test_the_estimate_follows_the_largest_count_seen_and_a_refusal_raises_it_for_good():
    estimator = budget.Estimator()
    assert estimator.tokens("x" * 400) == 100  # four bytes a token until a server counts
    estimator.observe(1000, 690)  # llama.cpp: the schema is a grammar, not prompt tokens
    assert estimator.factor == pytest.approx(0.69 * 1.05)
    estimator.observe(1000, 1130)
    estimator.observe(1000, 900)
    assert estimator.factor == pytest.approx(1.13 * 1.05)
    assert estimator.tokens("x" * 400) == 119
    estimator.refused()
    estimator.observe(1000, 600)
    assert estimator.factor == pytest.approx(1.13 * 1.05 * 1.25)


def _draft(summary: str, *evidence: str, entities=()) -> ArticleExtraction:
    return ArticleExtraction(
        summary=summary,
        entities=list(entities),
        statements=[StatementDraft(speaker="Varga", content=e, kind="indirect", evidence=[e]) for e in evidence],
    )


def test_merged_drafts_keep_each_items_part_and_later_passes_add_only_what_was_missed():
    from summarizer.engines.merge import PartDraft, merge_drafts
    from summarizer.schema import Entity

    varga = Entity(name="Anselm Varga", type="person", aliases=["Varga"])
    president = Entity(name="Varga", type="other", title="President")
    drafts = [
        PartDraft(Part(100, 200, 80, pass_number=2), _draft("", "Seen twice.", "New in pass two.")),
        PartDraft(Part(0, 120, 0), _draft("First part.", "Seen twice.", entities=[varga])),
        PartDraft(Part(110, 200, 90, index=1), _draft("Second part.", "Other words.", entities=[president])),
    ]
    merged, regions = merge_drafts(drafts)
    assert [s.content for s in merged.statements] == ["Seen twice.", "Other words.", "New in pass two."]
    assert regions == {"statements[0]": (0, 120), "statements[1]": (110, 200), "statements[2]": (100, 200)}
    assert merged.summary == "First part. Second part."
    (entity,) = merged.entities
    assert (entity.name, entity.type, entity.title, entity.aliases) == ("Anselm Varga", "person", "President", ["Varga"])


def test_chinese_text_is_cut_after_its_full_stops_and_not_inside_its_quotes():
    sentence = "外交部发言人表示，「双方同意继续对话。我们欢迎。」会谈在北京举行。"
    text = sentence * 200
    parts = plan_parts(text, 300)
    assert len(parts) > 5 and parts[-1].end == len(text)
    quotes = [(q.open_mark, q.outer_end) for q in find_quotes(text)]
    for part in parts[:-1]:
        assert text[part.end - 1] in "。」"
        assert not any(s < part.end < e for s, e in quotes)
