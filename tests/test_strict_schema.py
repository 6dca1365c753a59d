"""The schema sent with `strict: true` follows OpenAI's documented strict-mode rules.

The rules, from OpenAI's Structured Outputs guide, section "Supported schemas"
(https://platform.openai.com/docs/guides/structured-outputs#supported-schemas):

* the root is an object, not `anyOf`;
* "All fields must be required": every key of `properties` is listed in `required`; an optional
  value is emulated "by using a union type with null";
* "additionalProperties: false must always be set in objects";
* only the supported keywords: some type-specific ones are "not yet supported" (minLength,
  maxLength, patternProperties, unevaluatedProperties, propertyNames, minProperties,
  maxProperties, unevaluatedItems, contains, minContains, maxContains, uniqueItems), and
  `default` is refused ("'default' is not permitted");
* at most 10 levels of nesting and 5000 object properties in all;
* a `$ref` stands alone (OpenAI's own SDK unravels a `$ref` with siblings for this reason:
  openai-python, src/openai/lib/_pydantic.py, `_ensure_strict_json_schema`).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, Field

from summarizer.engines.strict_schema import DraftModel, draft_schema, nulls_as_defaults, strict_schema
from summarizer.schema import ArticleExtraction

ALLOWED = {
    "type", "properties", "required", "additionalProperties", "items", "anyOf", "enum", "const",
    "description", "title", "$defs", "$ref", "pattern", "format", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems",
}  # fmt: skip


def strict_violations(schema: dict[str, Any]) -> list[str]:
    """Every place where `schema` breaks a strict-mode rule (see the module docstring)."""
    problems: list[str] = []
    if schema.get("type") != "object" or "anyOf" in schema:
        problems.append("root: must be an object, not anyOf")
    counted = {"properties": 0}

    def walk(node: Any, path: str, depth: int) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{path}[{i}]", depth)
            return
        if not isinstance(node, dict):
            return
        for key in node:
            if key not in ALLOWED:
                problems.append(f"{path}: keyword {key!r} is not supported")
        if "$ref" in node and len(node) > 1:
            problems.append(f"{path}: $ref has siblings {sorted(set(node) - {'$ref'})}")
        if node.get("type") == "object" or "properties" in node:
            props = node.get("properties", {})
            counted["properties"] += len(props)
            if depth > 10:
                problems.append(f"{path}: nested deeper than 10 levels")
            if node.get("additionalProperties") is not False:
                problems.append(f"{path}: additionalProperties is not false")
            if sorted(node.get("required", [])) != sorted(props):
                problems.append(f"{path}: required {node.get('required')} != properties {sorted(props)}")
            for name, prop in props.items():
                walk(prop, f"{path}.{name}", depth + 1)
        for key in ("items", "anyOf"):
            if key in node:
                walk(node[key], f"{path}.{key}", depth)
        for name, definition in (node.get("$defs") or {}).items():
            walk(definition, f"$defs.{name}", 1)

    walk(schema, "root", 1)
    if counted["properties"] > 5000:
        problems.append("more than 5000 object properties")
    return problems


def test_the_checker_catches_what_pydantic_alone_produces():
    problems = strict_violations(ArticleExtraction.model_json_schema())
    assert any("additionalProperties" in p for p in problems)
    assert any("required" in p for p in problems)
    assert any("'default'" in p for p in problems)


def test_draft_schema_follows_every_strict_rule():
    assert strict_violations(draft_schema()) == []


def _required_sorted(node: Any) -> Any:
    if isinstance(node, list):
        return [_required_sorted(n) for n in node]
    if not isinstance(node, dict):
        return node
    return {k: sorted(v) if k == "required" else _required_sorted(v) for k, v in node.items()}


def test_openai_sdk_finds_nothing_left_to_make_strict():
    """The SDK's own strict transform changes nothing but the order of `required` lists."""
    from openai.lib._pydantic import _ensure_strict_json_schema

    ours = draft_schema()
    theirs = copy.deepcopy(ours)
    assert _required_sorted(_ensure_strict_json_schema(theirs, path=(), root=theirs)) == _required_sorted(ours)


class Place(BaseModel):
    """A model unlike the draft, to show the transform knows no field names."""

    name: str = Field(min_length=1, description="Where.")
    kind: Literal["city", "country"] = "city"
    tags: list[str] = Field(default_factory=list, max_length=3)


class Report(BaseModel):
    headline: str
    place: Place = Field(description="A nested model with its own description: $ref with a sibling.")
    other: Place | None = None
    when: dt.date | None = Field(default=None, description="A date, with a format.")
    score: float = Field(default=0.5, ge=0, le=1)
    places: list[Place] = Field(default_factory=list)


def test_any_pydantic_schema_becomes_strict_and_keeps_its_descriptions():
    schema = strict_schema(Report.model_json_schema())
    assert strict_violations(schema) == []
    assert schema["properties"]["place"]["description"].startswith("A nested model")
    assert "Where." in json.dumps(schema)
    # a defaulted field that refused null now accepts it; a required one still does not
    assert {"type": "null"} in schema["properties"]["score"]["anyOf"]
    assert "anyOf" not in schema["properties"]["headline"]


def test_nulls_written_under_strict_mode_mean_the_defaults():
    data = {
        "headline": "h",
        "place": {"name": "Paris", "kind": None, "tags": None},
        "other": None,
        "when": None,
        "score": None,
        "places": [{"name": "Rome", "kind": "city", "tags": None}],
    }
    report = Report.model_validate(nulls_as_defaults(Report, data))
    assert report.place.kind == "city" and report.place.tags == []
    assert report.other is None and report.score == 0.5 and report.places[0].tags == []


def test_draft_model_reads_a_strict_answer_as_the_defaults_did():
    strict_answer = {
        "summary": "s",
        "entities": [{"name": "Xi Jinping", "type": "person", "aliases": None, "title": None}],
        "meetings": None,
        "statements": None,
        "allegations": [{"accuser": None, "accused": ["China"], "claim": "c", "status": None, "evidence": ["e"]}],
    }
    loose_answer = {
        "summary": "s",
        "entities": [{"name": "Xi Jinping", "type": "person"}],
        "allegations": [{"accused": ["China"], "claim": "c", "evidence": ["e"]}],
    }
    assert DraftModel.model_validate(strict_answer).model_dump() == (
        ArticleExtraction.model_validate(loose_answer).model_dump()
    )
    assert DraftModel.__name__ == "ArticleExtraction"
