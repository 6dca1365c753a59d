"""Merge the same meeting, statement or allegation reported twice in one article.

News stories repeat themselves: a lede summarizes a meeting that a later paragraph describes,
a quote is given in full and then in part. A user counting meetings or statements wants one
item carrying every passage that supports it, not two items.

Runs after names are canonical, so "Xi" and "Xi Jinping" already compare equal.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

from summarizer.normalize.grounding import normalize_text
from summarizer.schema import Allegation, Evidence, Meeting, Statement

T = TypeVar("T", Meeting, Statement, Allegation)

SAME_STATEMENT_F1 = 0.8
"""Two statements by one speaker whose contents share this much (token F1) are one statement."""
SAME_CLAIM_F1 = 0.6
"""Two allegations against the same party whose claims share this much are one allegation."""

_WORD = re.compile(r"\w+")


@lru_cache(maxsize=8192)
def _bag(text: str) -> Counter[str]:
    return Counter(_WORD.findall(normalize_text(text)))


def token_f1(a: str, b: str) -> float:
    """Token-multiset F1 of two texts after normalization (quotes, case, punctuation ignored)."""
    ta, tb = _bag(a), _bag(b)
    if not ta or not tb:
        return 1.0 if ta == tb else 0.0
    shared = sum((ta & tb).values())
    return 2 * shared / (sum(ta.values()) + sum(tb.values()))


def merge_evidence(first: Sequence[Evidence], second: Sequence[Evidence]) -> list[Evidence]:
    """Both items' evidence, each span once, in text order."""
    seen: dict[tuple[int, int], Evidence] = {}
    for ev in [*first, *second]:
        seen.setdefault((ev.start, ev.end), ev)
    return sorted(seen.values(), key=lambda e: (e.start, e.end))


def _differ(a: str | None, b: str | None) -> bool:
    """Both known, and not the same words."""
    return a is not None and b is not None and normalize_text(a) != normalize_text(b)


def _same_meeting(a: Meeting, b: Meeting) -> bool:
    """Same participants, and nothing known of the two tells them apart: their days (or what is
    known of them, a month or a year) agree, and where one is unknown, their words for when do;
    their places agree. Sunnylands in June 2013 and Hangzhou "this past weekend" stay two."""
    if {p.casefold() for p in a.participants} != {p.casefold() for p in b.participants}:
        return False
    if _differ(a.location, b.location):
        return False
    va, vb = a.date or a.date_value, b.date or b.date_value
    if va is not None and vb is not None:
        return va.startswith(vb) or vb.startswith(va)
    return not _differ(a.date_text, b.date_text)


def _merge_meetings(a: Meeting, b: Meeting) -> Meeting:
    fields = a.model_dump()
    for key in ("location", "date", "date_text", "occasion", "date_granularity", "date_value"):
        if fields[key] is None:
            fields[key] = getattr(b, key)
    fields["topics"] = list(dict.fromkeys([*a.topics, *b.topics]))
    fields["evidence"] = merge_evidence(a.evidence, b.evidence)
    return Meeting.model_validate(fields)


def _same_statement(a: Statement, b: Statement) -> bool:
    if a.speaker.casefold() != b.speaker.casefold():
        return False
    if a.content_spans and a.content_spans == b.content_spans:
        return True
    return token_f1(a.content, b.content) >= SAME_STATEMENT_F1


def _merge_statements(a: Statement, b: Statement) -> Statement:
    keep, other = (b, a) if (b.kind == "direct" and a.kind != "direct") else (a, b)
    fields = keep.model_dump()
    for key in ("speaker_role", "cue", "channel", "relay"):
        if fields[key] is None:
            fields[key] = getattr(other, key)
    fields["evidence"] = merge_evidence(a.evidence, b.evidence)
    return Statement.model_validate(fields)


def _same_allegation(a: Allegation, b: Allegation) -> bool:
    if not {x.casefold() for x in a.accused} & {x.casefold() for x in b.accused}:
        return False
    return token_f1(a.claim, b.claim) >= SAME_CLAIM_F1


def _merge_allegations(a: Allegation, b: Allegation) -> Allegation:
    fields = a.model_dump()
    if fields["accuser"] is None:
        fields["accuser"] = b.accuser
    fields["accused"] = list(dict.fromkeys([*a.accused, *b.accused]))
    if a.status == "alleged" and b.status != "alleged":
        fields["status"] = b.status
    fields["evidence"] = merge_evidence(a.evidence, b.evidence)
    return Allegation.model_validate(fields)


def _dedupe(items: Sequence[T], same: Callable[[T, T], bool], merge: Callable[[T, T], T]) -> list[T]:
    out: list[T] = []
    for item in items:
        for i, kept in enumerate(out):
            if same(kept, item):
                out[i] = merge(kept, item)
                break
        else:
            out.append(item)
    return out


def dedupe_meetings(items: Sequence[Meeting]) -> list[Meeting]:
    """One meeting per participant set and day (an unknown day matches any)."""
    return _dedupe(items, _same_meeting, _merge_meetings)


def dedupe_statements(items: Sequence[Statement]) -> list[Statement]:
    """One statement per speaker and content (the direct form wins over a paraphrase)."""
    return _dedupe(items, _same_statement, _merge_statements)


def dedupe_allegations(items: Sequence[Allegation]) -> list[Allegation]:
    """One allegation per accused party and claim."""
    return _dedupe(items, _same_allegation, _merge_allegations)
