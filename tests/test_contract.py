"""One contract between the prompt, the schema and the validators.

Every rule the model is given is written once, in prompts/system.md; the schema it fills carries
structure only. These tests hold the prompt's rules against what the validators and
normalization accept, so the two cannot drift apart again: a rule the prompt states is a rule the
code honours, on articles written here for the purpose.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import ROOT
from pydantic import ValidationError

from summarizer.article import Article
from summarizer.engines.llm import build_messages
from summarizer.engines.strict_schema import draft_schema
from summarizer.normalize.grounding import grounding_context
from summarizer.normalize.pipeline import normalize
from summarizer.normalize.quotes import find_quotes
from summarizer.resources import prompt
from summarizer.schema import ArticleExtraction, Meta, StatementDraft

PROMPT = prompt("system")
MONDAY = dt.date(2022, 2, 7)


def run(text: str, draft: dict, published: dt.date | None = MONDAY):
    """Validate `draft` as the LLM path does (in the article's grounding context), then normalize."""
    with grounding_context(text):
        extraction = ArticleExtraction.model_validate({"summary": ""} | draft)
    return normalize(Article(text=text, id="t", published=published), extraction, Meta(engine="test"))


def statement(speaker: str, content: str, kind: str, evidence: str) -> dict:
    return {"speaker": speaker, "content": content, "kind": kind, "evidence": [evidence]}


def _schema_properties(schema: dict) -> set[str]:
    names = set(schema.get("properties", {}))
    for sub in schema.get("$defs", {}).values():
        names |= set(sub.get("properties", {}))
    return names


# --------------------------------------------------------------------------- written once


def test_every_field_the_model_fills_is_explained_in_the_prompt():
    schema = ArticleExtraction.model_json_schema()
    missing = {name for name in _schema_properties(schema) if not re.search(rf"\b{name}\b", PROMPT)}
    assert not missing, f"fields the prompt never explains: {sorted(missing)}"


def test_the_values_the_prompt_lists_are_the_values_the_schema_allows():
    defs = ArticleExtraction.model_json_schema()["$defs"]
    statuses = defs["AllegationDraft"]["properties"]["status"]["enum"]
    kinds = defs["StatementDraft"]["properties"]["kind"]["enum"]
    line = next(line for line in PROMPT.splitlines() if line.startswith("- allegations"))
    assert re.findall(r"\b(alleged|denied|admitted|confirmed|disputed)\b", line) == statuses
    assert all(f'"{kind}"' in PROMPT for kind in kinds)


def test_every_quotation_mark_the_prompt_names_is_read_as_one():
    marks = re.search(r"quotation marks \(([^)]*)\)", PROMPT).group(1)
    pairs = [("“", "”"), ('"', '"'), ("«", "»"), ("‘", "’"), ("''", "''")]
    for opening, closing in pairs:
        assert opening in marks and closing in marks
        text = f"She said {opening}we will rebuild the port{closing} on Monday."
        (quote,) = find_quotes(text)
        assert text[quote.start : quote.end] == "we will rebuild the port", (opening, closing)


def test_the_publication_date_comes_after_everything_shared_by_all_articles():
    first = build_messages(Article(text="A.", id="a", published=dt.date(2022, 2, 7)))
    second = build_messages(Article(text="B.", id="b", published=dt.date(2016, 9, 8)))
    undated = build_messages(Article(text="C.", id="c"))
    shared = PROMPT[: PROMPT.index("{published}")]
    for messages in (first, second, undated):
        assert messages[0]["content"].startswith(shared)
        assert len(messages[0]["content"]) - len(shared) < 40  # only the date follows
    assert first[0]["content"].endswith("2022-02-07.\n") and second[0]["content"].endswith("2016-09-08.\n")
    assert [m["content"] for m in first[1:]] == ["A."]  # the article is the whole user message


def test_fixed_bytes_of_a_request_stay_under_5500():
    schema = json.dumps(draft_schema(), separators=(",", ":"), ensure_ascii=False)  # strict, as sent
    system = build_messages(Article(text="", id="x", published=MONDAY))[0]["content"]
    assert len(schema.encode()) + len(system.encode()) < 5200  # + request framing, measured in bench


# --------------------------------------------------------------------------- quotes


SPLIT = "“We will rebuild the port,” Mayor Ana Ruiz said on Monday, “whatever it costs the city.”"


def test_a_quote_split_around_its_attribution_is_one_direct_statement_joined_in_order():
    content = "We will rebuild the port, whatever it costs the city."
    summary = run(SPLIT, {"statements": [statement("Ana Ruiz", content, "direct", SPLIT)]})
    (st,) = summary.statements
    assert st.kind == "direct" and st.content_match == "normalized"
    assert [SPLIT[s:e] for s, e in st.content_spans] == [
        "We will rebuild the port,",
        "whatever it costs the city.",
    ]
    assert summary.warnings == []


@pytest.mark.parametrize(
    "joined",
    [
        "We will rebuild the port whatever it costs the city",
        "We will rebuild the port ... whatever it costs the city.",
    ],
)
def test_how_the_parts_are_joined_does_not_matter(joined):
    with grounding_context(SPLIT):
        StatementDraft.model_validate(statement("Ana Ruiz", joined, "direct", SPLIT))


def test_parts_out_of_order_or_with_a_word_of_their_own_are_refused_with_the_reason():
    for content in (
        "whatever it costs the city, We will rebuild the port",
        "We will rebuild the port, whatever it costs the nation",
    ):
        with grounding_context(SPLIT), pytest.raises(ValidationError, match="is not in the article"):
            StatementDraft.model_validate(statement("Ana Ruiz", content, "direct", SPLIT))


def test_parts_far_from_the_statements_evidence_are_refused():
    filler = " ".join(["The council met again."] * 60)
    text = (
        f"“We will rebuild,” she said. {filler} The mayor, Ana Ruiz, spoke. “Whatever it costs,” she added."
    )
    with grounding_context(text), pytest.raises(ValidationError):
        StatementDraft.model_validate(
            statement(
                "Ana Ruiz", "We will rebuild, whatever it costs", "direct", "“Whatever it costs,” she added."
            )
        )


def test_fragments_quoted_from_one_sentence_are_one_statement():
    text = "Ruiz called the plan “bold as brass,” the council leader Tom Ade wrote in an email, and “far too late.”"
    summary = run(text, {"statements": [statement("Tom Ade", "bold as brass, far too late", "direct", text)]})
    (st,) = summary.statements
    assert st.kind == "direct"
    assert [text[s:e] for s, e in st.content_spans] == ["bold as brass,", "far too late."]


def test_doubled_apostrophes_are_quotation_marks():
    text = "The plan is ''a start, not an end,'' said Ana Ruiz, the mayor."
    summary = run(text, {"statements": [statement("Ana Ruiz", "a start, not an end,", "direct", text)]})
    (st,) = summary.statements
    assert st.kind == "direct" and text[slice(*st.content_spans[0])] == "a start, not an end,"


def test_a_paraphrase_keeping_a_quoted_fragment_is_indirect():
    text = "Ana Ruiz said the port plan was “a start” and would be finished by 2030."
    content = "the port plan was “a start” and would be finished by 2030"
    summary = run(text, {"statements": [statement("Ana Ruiz", content, "indirect", text)]})
    (st,) = summary.statements
    assert st.kind == "indirect" and st.content_match == "exact" and summary.warnings == []


def test_words_shown_without_quotation_marks_are_indirect_whatever_the_engine_says():
    text = "Ana Ruiz posted on social media: The port reopens on Monday. Nobody else commented."
    content = "The port reopens on Monday."
    as_told = run(text, {"statements": [statement("Ana Ruiz", content, "indirect", text)]})
    assert as_told.statements[0].kind == "indirect" and as_told.warnings == []
    mislabelled = run(text, {"statements": [statement("Ana Ruiz", content, "direct", text)]})
    assert mislabelled.statements[0].kind == "indirect"
    assert [w.code for w in mislabelled.warnings] == ["quote_not_in_article"]


# --------------------------------------------------------------------------- names


ARTICLE = (
    "Mayor Ana Ruiz met the harbor board chairman, Tom Ade, on Monday. "
    "“The port will reopen,” Ruiz said. Critics accused Mr. Ade of hiding the costs."
)


def test_a_speaker_the_article_never_names_is_dropped_with_a_warning():
    draft = {
        "statements": [
            statement("Ana Ruiz", "The port will reopen", "direct", "“The port will reopen,” Ruiz said."),
            statement(
                "Vladimir Putin", "The port will reopen", "direct", "“The port will reopen,” Ruiz said."
            ),
        ]
    }
    summary = run(ARTICLE, draft)
    assert [s.speaker for s in summary.statements] == ["Ana Ruiz"]
    assert ("name_not_in_article", "statements[1]") in [(w.code, w.item) for w in summary.warnings]


def test_an_accused_or_participant_the_article_never_names_is_removed():
    draft = {
        "meetings": [{"participants": ["Ana Ruiz", "Tom Ade", "Angela Merkel"], "evidence": [ARTICLE[:64]]}],
        "allegations": [
            {
                "accuser": "Critics",
                "accused": ["Angela Merkel"],
                "claim": "hiding the costs",
                "evidence": [ARTICLE[-44:]],
            },
            {
                "accuser": "Senator Bo Lind",
                "accused": ["Tom Ade"],
                "claim": "hiding the costs",
                "evidence": [ARTICLE[-44:]],
            },
        ],
    }
    summary = run(ARTICLE, draft)
    assert summary.meetings[0].participants == ["Ana Ruiz", "Tom Ade"]
    (allegation,) = summary.allegations
    assert allegation.accused == ["Tom Ade"] and allegation.accuser is None
    assert {w.item for w in summary.warnings if w.code == "name_not_in_article"} >= {
        "meetings[0]",
        "allegations[0]",
        "allegations[1]",
    }


def test_an_entity_written_fuller_than_the_article_writes_it_takes_the_articles_form():
    draft = {
        "entities": [{"name": "Thomas Ade Jr.", "type": "person", "aliases": ["Tom Ade", "Mr. Ade"]}],
        "allegations": [
            {
                "accuser": "Critics",
                "accused": ["Thomas Ade Jr."],
                "claim": "hiding the costs",
                "evidence": [ARTICLE[-44:]],
            }
        ],
    }
    summary = run(ARTICLE, draft)
    assert summary.allegations[0].accused == ["Tom Ade"]
    assert "Thomas Ade Jr." not in summary.model_copy(update={"warnings": []}).model_dump_json()


def test_a_summary_naming_someone_the_article_never_mentions_gets_a_warning():
    summary = run(ARTICLE, {"summary": "Mayor Ruiz met Tom Ade while Vladimir Putin watched."})
    assert [w.code for w in summary.warnings] == ["summary_name_not_in_article"]
    assert "Vladimir" in summary.warnings[0].message and "Ruiz" not in summary.warnings[0].message


def test_an_unattributed_quote_keeps_its_unknown_speaker():
    text = "“The port will reopen,” read a sign on the gate."
    summary = run(text, {"statements": [statement("unknown", "The port will reopen", "direct", text)]})
    assert [s.speaker for s in summary.statements] == ["unknown"] and summary.warnings == []


# --------------------------------------------------------------------------- dates


DEBATE = "Ana Ruiz and Tom Ade met backstage even before the debate began. The debate was on Sunday night."


def test_the_engines_date_stands_when_the_words_fix_no_day_and_says_so():
    meeting = {
        "participants": ["Ana Ruiz", "Tom Ade"],
        "date": "2022-02-06",
        "date_text": "even before the debate began",
        "evidence": [DEBATE[:62]],
    }
    (m,) = run(DEBATE, {"meetings": [meeting]}).meetings
    assert (m.date, m.date_source, m.date_granularity) == ("2022-02-06", "engine", "day")


def test_the_resolver_replaces_the_engines_date_only_with_a_different_day_it_reads_in_the_words():
    text = "Ana Ruiz met Tom Ade on Saturday."
    meeting = {
        "participants": ["Ana Ruiz", "Tom Ade"],
        "date": "2022-02-04",
        "date_text": "on Saturday",
        "evidence": [text],
    }
    summary = run(text, {"meetings": [meeting]})
    assert (summary.meetings[0].date, summary.meetings[0].date_source) == ("2022-02-05", "text")
    assert [w.code for w in summary.warnings] == ["date_resolved"]
    meeting["date"] = "2022-02-05"
    assert run(text, {"meetings": [meeting]}).warnings == []


def test_an_engine_date_outside_the_month_the_words_give_is_dropped():
    text = "Ana Ruiz met Tom Ade in March 2021."
    meeting = {
        "participants": ["Ana Ruiz", "Tom Ade"],
        "date": "2021-05-02",
        "date_text": "in March 2021",
        "evidence": [text],
    }
    summary = run(text, {"meetings": [meeting]})
    assert summary.meetings[0].date is None and summary.meetings[0].date_value == "2021-03"
    assert [w.code for w in summary.warnings] == ["date_resolved"]


# --------------------------------------------------------------------------- one bad item


def test_one_bad_field_costs_that_field_and_one_bad_item_costs_that_item():
    text = "Ana Ruiz met Tom Ade on Monday. “The port will reopen,” Ruiz said."
    draft = {
        "meetings": [
            {
                "participants": ["Ana Ruiz", "Tom Ade"],
                "date": "Oct 9",
                "evidence": ["Ana Ruiz met Tom Ade on Monday."],
            },
            {"participants": "Ana Ruiz", "evidence": ["Ana Ruiz met Tom Ade on Monday."]},
        ],
        "statements": [
            statement("Ana Ruiz", "The port will reopen", "direct", "“The port will reopen,” Ruiz said.")
        ],
        "allegations": "none",
    }
    summary = run(text, draft)
    assert len(summary.meetings) == 1 and len(summary.statements) == 1
    assert summary.meetings[0].date is None  # the bad date is left out; no date_text to resolve
    codes = {(w.code, w.item) for w in summary.warnings}
    assert ("invalid_field", "meetings[0].date") in codes
    assert ("invalid_item", "meetings[1]") in codes
    assert ("invalid_item", "allegations") in codes


def test_an_item_not_in_the_article_still_asks_the_model_again():
    """Ungrounded evidence is the one failure worth a round trip: the model can copy again."""
    text = "Ana Ruiz met Tom Ade on Monday."
    draft = {
        "summary": "",
        "meetings": [{"participants": ["Ana Ruiz", "Tom Ade"], "evidence": ["They dined in Paris."]}],
    }
    with grounding_context(text), pytest.raises(ValidationError, match=r"meetings\[0\]: evidence\[0\]"):
        ArticleExtraction.model_validate(draft)


def test_answers_written_for_schema_1_1_still_validate():
    answer = json.loads(
        (ROOT / "tests" / "scripts" / "answers" / "seed_answer.json").read_text(encoding="utf-8")
    )
    text = Path(ROOT / "seeds" / "000_2c3e132f8f386317.txt").read_text(encoding="utf-8").split(" ", 2)[2]
    with grounding_context(text):
        extraction = ArticleExtraction.model_validate(answer)
    assert extraction.rejected == []
    assert len(extraction.statements) == len(answer["statements"])
