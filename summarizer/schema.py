"""The summary's data model: what `summarizer` promises its users, and what the LLM is asked for.

Two families of models live here:

* the *drafts* (`ArticleExtraction` and its items) are what an engine returns: the LLM fills
  them in, so every field description is written as an instruction to the model. Their evidence
  is a list of exact passages, because a model cannot count characters;
* the *output* (`ArticleSummary`) is what users get: every meeting, statement and allegation
  carries evidence with character offsets into the article, so `text[start:end] == evidence.text`
  can be checked by anyone.

Both families share their fields through the `_...Fields` bases, so a field is described once.
The field names that ../shared/eval/FORMAT.md scores are part of a contract: do not rename them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from summarizer.normalize.grounding import evidence_error, quote_error

SCHEMA_VERSION = "1.2"
"""Bumped whenever a field changes meaning; part of the cache key and of every output's meta.
1.2: meetings say where their date came from (`date_source`); drafts are validated item by item."""
_SCHEMA_CACHE: dict[Any, str] = {}

UNKNOWN_SPEAKER = "unknown"
"""The speaker of a statement whose speaker the article does not name (an unattributed quote)."""

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

EntityType = Literal["person", "organization", "country", "group", "other"]
StatementKind = Literal["direct", "indirect"]
AllegationStatus = Literal["alleged", "denied", "admitted", "confirmed", "disputed"]
MatchStatus = Literal["exact", "normalized", "fuzzy"]
ContentMatch = Literal["exact", "normalized", "fuzzy", "unmatched"]
Granularity = Literal["day", "month", "year"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --------------------------------------------------------------------------- shared fields


class Entity(_Model):
    """A person, organization, country or group the article mentions."""

    name: str = Field(
        description=(
            "Canonical name: the fullest form of the name the article uses, in the article's "
            "script, without titles or roles. Example: 'Xi Jinping', not 'President Xi'."
        )
    )
    type: EntityType = Field(default="other", description="What kind of entity this is.")
    aliases: list[str] = Field(
        default_factory=list,
        description=(
            "Every other form of the name the article uses for the same entity, exactly as "
            "written, e.g. 'Xi' and '習近平' for Xi Jinping; an unambiguous description such as "
            "'the Chinese leader' counts. Leave out the canonical name itself."
        ),
    )
    title: str | None = Field(
        default=None,
        description=(
            "The title or role the article gives, kept apart from the name, e.g. "
            "'Chinese President' or 'UN Secretary-General'; null if none."
        ),
    )


class _MeetingFields(_Model):
    participants: list[str] = Field(
        description=(
            "Canonical names of everyone who took part (people, or countries/bodies when the "
            "article names no person), at least two. Use the names from `entities`."
        )
    )
    location: str | None = Field(
        default=None, description="Where the meeting took place, as the article says; null if unsaid."
    )
    date: str | None = Field(
        default=None,
        description=(
            "The day of the meeting as YYYY-MM-DD, worked out from date_text and the publication "
            "date; null when the article does not fix a single day."
        ),
    )
    date_text: str | None = Field(
        default=None,
        description="The article's own words for when it happened, e.g. 'on Saturday'; null if none.",
    )
    occasion: str | None = Field(
        default=None,
        description="The event it took place at or around, e.g. 'the Beijing Winter Olympics'.",
    )
    topics: list[str] = Field(default_factory=list, description="What was discussed, in a few words each.")

    @field_validator("date")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not ISO_DATE.match(value):
            raise ValueError(f"date {value!r} must be YYYY-MM-DD or null")
        try:
            dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"date {value!r} is not a real calendar day") from exc
        return value


class _StatementFields(_Model):
    speaker: str = Field(
        description=(
            "Canonical name of who made the statement (a person, or a body such as a ministry); "
            "use the names from `entities`. For a spokesman speaking for someone, the speaker is "
            "the person or body spoken for and the channel is 'spokesman'."
        )
    )
    speaker_role: str | None = Field(
        default=None, description="The speaker's title or role as the article gives it; null if none."
    )
    speaker_mention: str | None = Field(
        default=None,
        description=(
            "The article's own words for the speaker at this statement when they differ from "
            "`speaker`: a pronoun ('he'), a description ('his spokesman', 'the Chinese leader'); "
            "null otherwise."
        ),
    )
    content: str = Field(
        description=(
            "What was said. For kind 'direct': the words inside the quotation marks, copied "
            "exactly, without the quotation marks. For 'indirect': the reported content, as close "
            "to the article's wording as possible."
        )
    )
    kind: StatementKind = Field(
        description="'direct' when the article quotes the words in quotation marks; 'indirect' "
        "for reported speech."
    )
    cue: str | None = Field(
        default=None,
        description="The verb or phrase that attributes it, as written: 'said', 'told', 'hailed', "
        "'according to'...",
    )
    channel: str | None = Field(
        default=None,
        description=(
            "How the words reached the public when the article says: 'spokesman', 'readout', "
            "'statement', 'state media', 'interview', 'briefing', 'press conference', "
            "'social media'; null when the article does not say."
        ),
    )
    relay: str | None = Field(
        default=None,
        description="The outlet or body the article names as reporting the words, e.g. "
        "'China Global Television Network'; null if none.",
    )


class _AllegationFields(_Model):
    accuser: str | None = Field(
        default=None,
        description="Who makes the accusation, e.g. 'Campaigners'; null when the article does not say.",
    )
    accused: list[str] = Field(description="Canonical names of who is accused; at least one.")
    claim: str = Field(description="What they are accused of, as close to the article's words as possible.")
    status: AllegationStatus = Field(
        default="alleged",
        description="Where the accusation stands in the article: alleged, denied (by the "
        "accused), admitted, confirmed (by an authority), or disputed.",
    )


# --------------------------------------------------------------------------- drafts (engine output)

UNGROUNDED = "ungrounded"
"""The error type of a passage or quote that is not in the article: worth a retry, since the
model can copy the article's words again; any other invalid field costs only its item."""

_EVIDENCE_DESCRIPTION = (
    "One or more passages of the article that support this item, each copied character for "
    "character (same quotation marks, dashes and spacing), a clause or a sentence long. They "
    "are checked against the article: a passage that is not in it is rejected."
)


class _Grounded(_Model):
    """Checks that every evidence passage occurs in the article being read.

    The article comes from `normalize.grounding.grounding_context`; outside such a context
    (for example when a draft is parsed leniently after the retries ran out) nothing is checked
    here and normalization drops what it cannot ground.
    """

    evidence: list[str] = Field(min_length=1, description=_EVIDENCE_DESCRIPTION)

    @field_validator("evidence")
    @classmethod
    def _evidence_in_article(cls, passages: list[str]) -> list[str]:
        problems = [p for p in (evidence_error(s, i) for i, s in enumerate(passages)) if p]
        if problems:
            raise PydanticCustomError(UNGROUNDED, " ".join(problems))
        return passages


class MeetingDraft(_MeetingFields, _Grounded):
    """A meeting as an engine reports it."""


class StatementDraft(_StatementFields, _Grounded):
    """A statement as an engine reports it."""

    @model_validator(mode="after")
    def _quote_in_article(self) -> StatementDraft:
        if self.kind == "direct":
            problem = quote_error(self.content, self.evidence)
            if problem:
                raise PydanticCustomError(UNGROUNDED, problem)
        return self


class AllegationDraft(_AllegationFields, _Grounded):
    """An allegation as an engine reports it."""


class Rejection(_Model):
    """Part of an engine's answer that validation could not keep, and why."""

    item: str = Field(description="'statements[3]', or 'statements[3].date' for one field")
    reason: str
    dropped: bool = Field(default=True, description="False when the item was kept without the field.")


class ArticleExtraction(_Model):
    """Everything an engine reads from one article, before normalization."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The schema the model is asked to fill: structure only, no descriptions or titles.

        Every rule the model follows is written once, in prompts/system.md; repeating them
        in field descriptions doubled each request's fixed bytes (and servers that turn the
        schema into a grammar, as llama.cpp does, never show descriptions to the model).
        Built once per set of arguments: instructor asks for it on every request, and building
        it costs milliseconds that a batch of thousands would pay each time. A fresh copy is
        returned, so callers may change it freely."""
        try:
            key = (cls, args, tuple(sorted(kwargs.items())))
            cached = _SCHEMA_CACHE.get(key)
        except TypeError:  # unhashable arguments: build as pydantic would
            return bare_schema(super().model_json_schema(*args, **kwargs))
        if cached is None:
            cached = json.dumps(bare_schema(super().model_json_schema(*args, **kwargs)))
            _SCHEMA_CACHE[key] = cached
        return json.loads(cached)

    summary: str = Field(description="Two or three neutral sentences saying what the article reports.")
    """Required: an answer without it is not an answer to this schema (`{}` must not pass as an
    article in which nothing happened)."""
    entities: list[Entity] = Field(
        default_factory=list,
        description="The people, organizations, countries and groups the article mentions, "
        "one entry per entity.",
    )
    meetings: list[MeetingDraft] = Field(
        default_factory=list,
        description="Every meeting the article reports: who met whom, where and when.",
    )
    statements: list[StatementDraft] = Field(
        default_factory=list,
        description="Every statement the article attributes to someone, quoted or reported.",
    )
    allegations: list[AllegationDraft] = Field(
        default_factory=list,
        description="Every accusation the article reports: who accuses whom of what.",
    )
    rejected: SkipJsonSchema[list[Rejection]] = Field(default_factory=list, exclude=True)
    """What the answer held that could not be read: never asked of the model (not in the schema),
    filled while validating, and turned into warnings by normalization."""

    @model_validator(mode="before")
    @classmethod
    def _item_by_item(cls, data: Any) -> Any:
        """One bad item costs that item, never the answer.

        Each item is validated on its own. An item whose invalid fields all have defaults (a
        date that is not ISO, an unknown channel type...) is kept without them; any other
        invalid item is left out. Both are recorded in `rejected`. Passages or quotes that are
        not in the article (error type `ungrounded`) are the exception: they are raised, all
        together, so instructor asks the model again with the precise reasons.
        """
        if not isinstance(data, dict):
            return data
        data = dict(data)
        rejected: list[Rejection] = []
        ungrounded: list[str] = []
        for key, model in _ITEM_MODELS.items():
            raw = data.get(key)
            if raw is None:
                data.pop(key, None)
                continue
            if not isinstance(raw, list):
                rejected.append(Rejection(item=key, reason=f"not a list ({type(raw).__name__}), ignored"))
                data.pop(key)
                continue
            data[key] = _valid_items(model, key, raw, rejected, ungrounded)
        if ungrounded:  # raised here, so say too what the fields would have said
            missing = [
                f"{name}: Field required"
                for name, f in cls.model_fields.items()
                if f.is_required() and name not in data
            ]
            raise PydanticCustomError(UNGROUNDED, "; ".join([*missing, *ungrounded]))
        data["rejected"] = rejected
        return data


def _reason(errors: list[Any]) -> str:
    parts = []
    for error in errors[:3]:
        where = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return "; ".join(parts)[:300]


def _valid_items(
    model: type[BaseModel], key: str, raw: list[Any], rejected: list[Rejection], ungrounded: list[str]
) -> list[BaseModel]:
    """The items of `raw` that validate (or do once their invalid optional fields are dropped)."""
    kept: list[BaseModel] = []
    for n, item in enumerate(raw):
        label = f"{key}[{n}]"
        try:
            kept.append(model.model_validate(item))
            continue
        except ValidationError as exc:
            errors = exc.errors()
        if any(e.get("type") == UNGROUNDED for e in errors):
            ungrounded.append(
                f"{label}: " + " ".join(e["msg"] for e in errors if e.get("type") == UNGROUNDED)
            )
            continue
        bad = {e["loc"][0] for e in errors if e.get("loc")}
        fields = model.model_fields
        if isinstance(item, dict) and bad and all(f in fields and not fields[f].is_required() for f in bad):
            try:
                kept.append(model.model_validate({k: v for k, v in item.items() if k not in bad}))
            except ValidationError:
                pass
            else:
                for f in sorted(map(str, bad)):
                    reason = _reason([e for e in errors if e.get("loc") and e["loc"][0] == f])
                    rejected.append(Rejection(item=f"{label}.{f}", reason=reason, dropped=False))
                continue
        rejected.append(Rejection(item=label, reason=_reason(errors)))
    return kept


def bare_schema(node: Any, *, root: bool = True) -> Any:
    """A JSON Schema without `description` and `title` keywords (property names are kept), but
    for the root's: instructor names the tool or response format after the title, and describes
    the tool with the description."""
    if isinstance(node, list):
        return [bare_schema(x, root=False) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("description", "title") and not root:
            continue
        if key in ("properties", "$defs") and isinstance(value, dict):
            out[key] = {name: bare_schema(sub, root=False) for name, sub in value.items()}
        else:
            out[key] = bare_schema(value, root=False)
    return out


# --------------------------------------------------------------------------- output


class Evidence(_Model):
    """Exact words of the article, with their character offsets: text == article[start:end]."""

    text: str
    start: int = Field(ge=0, description="Offset of the first character, in characters.")
    end: int = Field(ge=0, description="Offset just past the last character.")
    match: MatchStatus = Field(
        default="exact",
        description="How the engine's passage was found: exact, normalized (quotes, dashes, "
        "spaces, case) or fuzzy (a few words differ). `text` is always the article's own words.",
    )


DateSource = Literal["text", "engine"]


class Meeting(_MeetingFields):
    date_source: DateSource | None = Field(
        default=None,
        description="Where `date` comes from: 'text' when the article's words (date_text) and the "
        "publication date fix it; 'engine' when the engine gave a day the words alone do not fix "
        "(the rest of the article implies it); null when there is no date.",
    )
    date_granularity: Granularity | None = Field(
        default=None,
        description="How much of the date the article fixes: day, month or year; null if nothing.",
    )
    date_value: str | None = Field(
        default=None,
        description="What is known of the date: YYYY-MM-DD, YYYY-MM or YYYY, by granularity.",
    )
    evidence: list[Evidence] = Field(min_length=1)


class Statement(_StatementFields):
    content_spans: list[tuple[int, int]] = Field(
        default_factory=list,
        description="[start, end) offsets of the content in the article: one span, several for a "
        "quote split around its attribution or running over paragraphs, none when paraphrased.",
    )
    content_match: ContentMatch = Field(
        default="unmatched",
        description="How the content was found in the article; a direct quote is never unmatched.",
    )
    evidence: list[Evidence] = Field(min_length=1)


class Allegation(_AllegationFields):
    evidence: list[Evidence] = Field(min_length=1)


_ITEM_MODELS: dict[str, type[BaseModel]] = {
    "entities": Entity,
    "meetings": MeetingDraft,
    "statements": StatementDraft,
    "allegations": AllegationDraft,
}


class ArticleInfo(_Model):
    id: str
    title: str | None = None
    published: dt.date | None = None
    source: str | None = None
    sha256: str = Field(description="SHA-256 of the article text as UTF-8, hex.")


class Issue(_Model):
    """Something the normalization could not keep or had to change, said in words."""

    code: str = Field(description="A stable identifier, e.g. 'ungrounded_item'.")
    message: str
    item: str | None = Field(default=None, description="'meetings[0]', 'statements[2]'...")


class Usage(_Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
        )


class Meta(_Model):
    """How the summary was made: enough to reproduce it, and nothing that changes run to run."""

    engine: str
    model: str | None = None
    mode: str | None = None
    prompt_version: str | None = None
    schema_version: str = SCHEMA_VERSION
    attempts: int = 1
    usage: Usage = Field(default_factory=Usage)


class ArticleSummary(_Model):
    """The structured, grounded summary of one article."""

    article: ArticleInfo
    summary: str
    entities: list[Entity] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    allegations: list[Allegation] = Field(default_factory=list)
    warnings: list[Issue] = Field(default_factory=list)
    meta: Meta


def json_schemas() -> dict[str, dict]:
    """The exported JSON Schemas, by file name: the output, and the draft the LLM is asked for."""
    return {
        "article_summary.schema.json": ArticleSummary.model_json_schema(mode="serialization"),
        "article_extraction.schema.json": ArticleExtraction.model_json_schema(),
    }
