"""The exported JSON Schemas match the Pydantic models, and the models hold the contract."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from pydantic import ValidationError

from summarizer.normalize.grounding import grounding_context
from summarizer.resources import resource_dir
from summarizer.schema import ArticleExtraction, ArticleSummary, MeetingDraft, json_schemas


@pytest.mark.parametrize("name", sorted(json_schemas()))
def test_exported_schema_files_are_in_sync_with_the_models(name):
    on_disk = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
    assert on_disk == json_schemas()[name], f"schemas/{name} is stale: run `summarizer schema -o schemas`"


def test_installed_package_ships_the_schemas_and_prompts():
    assert (resource_dir("schemas") / "article_summary.schema.json").is_file()
    assert (resource_dir("prompts") / "system.md").is_file()


def test_summary_schema_carries_the_scored_field_names():
    props = json_schemas()["article_summary.schema.json"]["$defs"]
    assert {"participants", "location", "date", "date_text", "occasion", "topics", "evidence"} <= set(
        props["Meeting"]["properties"]
    )
    assert {"speaker", "speaker_role", "content", "kind", "cue", "channel", "relay"} <= set(
        props["Statement"]["properties"]
    )
    assert {"accuser", "accused", "claim", "status"} <= set(props["Allegation"]["properties"])
    assert set(props["Evidence"]["properties"]) >= {"text", "start", "end"}


def test_the_schema_sent_to_the_model_carries_structure_only():
    """The rules are written once, in prompts/system.md (tests/test_contract.py holds them to it)."""
    schema = ArticleExtraction.model_json_schema()
    assert '"description"' not in json.dumps([schema["$defs"], schema["properties"]])
    assert schema["title"] == "ArticleExtraction"  # instructor names the tool after it


def test_draft_validator_accepts_passages_differing_only_in_quotes_dashes_spaces_case():
    article = "Guterres said the “credible” visit—long delayed—would happen."
    passage = 'guterres said the "credible" visit - long delayed - would  happen.'
    draft = {"participants": ["A", "B"], "evidence": [passage]}
    with grounding_context(article):
        assert MeetingDraft.model_validate(draft).evidence == [passage]


def test_draft_validator_names_the_passage_missing_from_the_article():
    article = "Guterres met with Xi Jinping in Beijing on Saturday."
    draft = {
        "participants": ["Antonio Guterres", "Xi Jinping"],
        "evidence": ["Guterres held long talks with the Chinese leader at the Great Hall"],
    }
    with grounding_context(article), pytest.raises(ValidationError) as info:
        MeetingDraft.model_validate(draft)
    message = str(info.value)
    assert (
        "evidence[0] 'Guterres held long talks with the Chinese leader at the Great Hall' "
        "is not in the article" in message
    )
    assert "The closest passage is" in message
    # outside a grounding context (lenient parsing) nothing is checked here
    assert MeetingDraft.model_validate(draft).participants == ["Antonio Guterres", "Xi Jinping"]


def test_meeting_date_must_be_a_real_iso_day():
    base = {"participants": ["A", "B"], "evidence": ["x"]}
    assert MeetingDraft.model_validate(base | {"date": "2022-02-05"}).date == "2022-02-05"
    for bad in ("5 Feb 2022", "2022-02-30", "Saturday"):
        with pytest.raises(ValidationError):
            MeetingDraft.model_validate(base | {"date": bad})


def test_summary_round_trips_through_json():
    summary = ArticleSummary.model_validate(
        {
            "article": {"id": "a", "published": "2022-02-07", "sha256": "0" * 64},
            "summary": "s",
            "meta": {"engine": "llm"},
        }
    )
    assert ArticleSummary.model_validate_json(summary.model_dump_json()) == summary
