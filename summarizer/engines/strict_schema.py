"""The draft schema in the shape OpenAI's strict structured outputs accept, and the model that
reads answers made under it.

OpenAI enforces a `json_schema` response format only with `strict: true`, and then only for a
subset of JSON Schema (https://platform.openai.com/docs/guides/structured-outputs, "Supported
schemas"): every property listed in `required`, `additionalProperties: false` on every object,
optional values written as a union with null, no `default`, and no siblings beside a `$ref`.
`strict_schema` rewrites any pydantic schema into that subset, generically: it knows nothing of
the draft's fields, so the field descriptions, defaults and validators in `summarizer/schema.py`
may change freely. The same schema serves every server (llama.cpp, vLLM and Ollama compile it
into a grammar as they would the original).

Under strict mode the model writes every field, null where the original schema let it leave
the field out. `DraftModel` reads such an answer: a null in a field that had a default and
does not itself accept null means "the default", exactly as an absent field did.
"""

from __future__ import annotations

import copy
import json
from typing import Any, get_args, get_origin

from pydantic import BaseModel, model_validator

from summarizer.schema import ArticleExtraction

REFUSED_KEYWORDS = frozenset(
    {
        "default",
        "minLength",
        "maxLength",
        "patternProperties",
        "unevaluatedProperties",
        "propertyNames",
        "minProperties",
        "maxProperties",
        "unevaluatedItems",
        "contains",
        "minContains",
        "maxContains",
        "uniqueItems",
        "examples",
    }
)
"""Keywords strict mode does not accept (the guide's list of unsupported keywords, and `default`,
which OpenAI answers with "'default' is not permitted"). They are dropped; pydantic still checks
what they said when the answer is validated."""

_NULL = {"type": "null"}


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of `schema` that OpenAI's strict mode accepts, meaning the same where it can.

    A property that was not required becomes required; unless it already accepts null, it
    becomes `anyOf: [original, null]`, so the model can still say "nothing here".
    """
    out = copy.deepcopy(schema)
    for name, definition in (out.get("$defs") or {}).items():
        out["$defs"][name] = _strict_node(definition)
    defs = out.pop("$defs", None)
    out = _strict_node(out)
    if defs:
        out["$defs"] = defs
    return out


def _strict_node(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict_node(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: v for k, v in node.items() if k not in REFUSED_KEYWORDS}
    if "$ref" in node and len(node) > 1:
        # strict mode allows nothing beside a $ref: keep the annotations on a one-way union
        ref = {"$ref": node.pop("$ref")}
        node["anyOf"] = [ref]
    for key in ("items", "anyOf", "allOf", "oneOf"):
        if key in node:
            node[key] = _strict_node(node[key])
    if "oneOf" in node:  # strict mode knows anyOf only; for disjoint variants they agree
        node["anyOf"] = node.pop("oneOf")
    properties = node.get("properties")
    if isinstance(properties, dict) or node.get("type") == "object":
        properties = properties or {}
        required = set(node.get("required", ()))
        node["properties"] = {
            name: _strict_node(prop) if name in required else _nullable(_strict_node(prop))
            for name, prop in properties.items()
        }
        node["required"] = sorted(properties)  # the order instructor gives a tool's parameters
        node["additionalProperties"] = False
    return node


def _accepts_null(node: dict[str, Any]) -> bool:
    kind = node.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    return any(isinstance(v, dict) and _accepts_null(v) for v in node.get("anyOf", ()))


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    if _accepts_null(node):
        return node
    annotations: dict[str, Any] = {k: node[k] for k in ("title", "description") if k in node}
    inner = {k: v for k, v in node.items() if k not in annotations}
    if list(inner) == ["anyOf"]:
        return {**annotations, "anyOf": [*inner["anyOf"], _NULL]}
    return {**annotations, "anyOf": [inner, _NULL]}


# --------------------------------------------------------------------------- reading answers


def nulls_as_defaults(model: type[BaseModel], data: Any) -> Any:
    """`data` with every null removed where `model`'s field has a default and refuses null,
    recursively through nested models and lists of them: the default then applies, as it did
    when the field was simply left out."""
    if not isinstance(data, dict):
        return data
    cleaned = dict(data)
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key not in cleaned:
            continue
        value = cleaned[key]
        if value is None and not field.is_required() and not _allows_none(field.annotation):
            del cleaned[key]
            continue
        nested = _model_of(field.annotation)
        if nested is None:
            continue
        if isinstance(value, list):
            cleaned[key] = [nulls_as_defaults(nested, v) for v in value]
        elif isinstance(value, dict):
            cleaned[key] = nulls_as_defaults(nested, value)
    return cleaned


def _allows_none(annotation: Any) -> bool:
    return annotation is None or type(None) in get_args(annotation)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds directly, in a list, or as an optional value."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is not None:
        for arg in get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
    return None


_STRICT_CACHE: dict[str, str] = {}


class DraftModel(ArticleExtraction):
    """`ArticleExtraction` as the LLM engine asks for it and reads it: the strict schema out,
    nulls read as the defaults they stand for. Its name stays `ArticleExtraction`: it names the
    json_schema and the tool in every request."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The strict form of `ArticleExtraction`'s schema, built once (instructor asks for it
        on every request); a fresh copy each time."""
        key = json.dumps([args, sorted(kwargs.items())], default=str)
        if key not in _STRICT_CACHE:
            original = ArticleExtraction.model_json_schema(*args, **kwargs)
            _STRICT_CACHE[key] = json.dumps(strict_schema(original))
        return json.loads(_STRICT_CACHE[key])

    @model_validator(mode="before")
    @classmethod
    def _nulls_mean_defaults(cls, data: Any) -> Any:
        return nulls_as_defaults(ArticleExtraction, data)


DraftModel.__name__ = DraftModel.__qualname__ = ArticleExtraction.__name__


def draft_schema() -> dict[str, Any]:
    """The schema every request carries (json_schema, tools, and batch request lines)."""
    return DraftModel.model_json_schema()
