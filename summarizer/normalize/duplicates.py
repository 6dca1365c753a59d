"""Merge the same meeting, statement or allegation reported twice in one article.

News stories repeat themselves: a lede summarizes a meeting that a later paragraph describes,
a quote is given in full and then in part. A user counting meetings or statements wants one
item carrying every passage that supports it, not two items.

Runs after names are canonical, so "Xi" and "Xi Jinping" already compare equal.
"""

from __future__ import annotations

import math
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


class _Candidates:
    """Which kept items may equal a new one, without comparing it to all of them.

    Each kind of item names a *bucket* (the speaker; the participant set; each accused party)
    that two equal items must share, and a text (content, claim) whose token F1 must reach a
    threshold. F1 >= t between bags x and y needs shared >= t|x| / (2 - t), so any
    |x| - that + 1 of x's tokens must include a shared one: probing the postings of x's
    rarest tokens finds every possible match (a superset; `same` decides). Costs grow with the
    number of items, not its square: the prefix tokens are the rare ones.
    """

    def __init__(self, threshold: float | None) -> None:
        self.threshold = threshold
        self.postings: dict[tuple[str, str], list[int]] = {}
        self.empty: dict[str, list[int]] = {}
        self.members: dict[str, list[int]] = {}

    def add(self, index: int, buckets: Sequence[str], text: str | None) -> None:
        for bucket in buckets:
            self.members.setdefault(bucket, []).append(index)
            if text is None or self.threshold is None:
                continue
            bag = _bag(text)
            if not bag:
                self.empty.setdefault(bucket, []).append(index)
            for token in bag:
                self.postings.setdefault((bucket, token), []).append(index)

    def probe(self, buckets: Sequence[str], text: str | None) -> set[int]:
        found: set[int] = set()
        for bucket in buckets:
            if text is None or self.threshold is None:
                found.update(self.members.get(bucket, ()))
                continue
            bag = _bag(text)
            if not bag:
                found.update(self.empty.get(bucket, ()))
                continue
            size = sum(bag.values())
            need = math.ceil(self.threshold * size / (2 - self.threshold) - 1e-9)
            rarest = sorted(bag.elements(), key=lambda t: (len(self.postings.get((bucket, t), ())), t))
            for token in dict.fromkeys(rarest[: max(1, size - need + 1)]):
                found.update(self.postings.get((bucket, token), ()))
        return found


def _dedupe(
    items: Sequence[T],
    same: Callable[[T, T], bool],
    merge: Callable[[T, T], T],
    keys: Callable[[T], tuple[Sequence[str], str | None, Sequence[tuple]]],
    threshold: float | None,
) -> list[T]:
    """Each item merged into the first kept item it equals (in order), else kept.

    `keys(item)` gives its buckets, its compared text and exact keys (equal exact keys match
    whatever the text). Evidence is gathered aside and merged once per kept item: merging it
    at every step would re-sort a list that grows with each repeat (quadratic).
    """
    out: list[T] = []
    evidence: list[list[Evidence]] = []
    index = _Candidates(threshold)
    exact: dict[tuple, list[int]] = {}

    def remember(i: int, item: T) -> None:
        buckets, text, exact_keys = keys(item)
        index.add(i, buckets, text)
        for key in exact_keys:
            exact.setdefault(key, []).append(i)

    for item in items:
        buckets, text, exact_keys = keys(item)
        candidates = index.probe(buckets, text)
        for key in exact_keys:
            candidates.update(exact.get(key, ()))
        match = next((i for i in sorted(candidates) if same(out[i], item)), None)
        if match is None:
            out.append(item.model_copy(update={"evidence": item.evidence[:1]}))
            evidence.append(list(item.evidence))
            remember(len(out) - 1, out[-1])
            continue
        before = keys(out[match])
        light = item.model_copy(update={"evidence": item.evidence[:1]})
        out[match] = merge(out[match], light).model_copy(update={"evidence": out[match].evidence[:1]})
        evidence[match].extend(item.evidence)
        if keys(out[match]) != before:
            remember(match, out[match])  # the merge changed what it says: index that too
    return [
        kept.model_copy(update={"evidence": merge_evidence(ev, [])})
        for kept, ev in zip(out, evidence, strict=True)
    ]


def _meeting_keys(m: Meeting) -> tuple[Sequence[str], str | None, Sequence[tuple]]:
    return ["|".join(sorted({p.casefold() for p in m.participants}))], None, ()


def _statement_keys(st: Statement) -> tuple[Sequence[str], str | None, Sequence[tuple]]:
    speaker = st.speaker.casefold()
    spans = [(speaker, tuple(map(tuple, st.content_spans)))] if st.content_spans else []
    return [speaker], st.content, spans


def _allegation_keys(a: Allegation) -> tuple[Sequence[str], str | None, Sequence[tuple]]:
    return sorted({x.casefold() for x in a.accused}), a.claim, ()


def dedupe_meetings(items: Sequence[Meeting]) -> list[Meeting]:
    """One meeting per participant set and day (an unknown day matches any)."""
    return _dedupe(items, _same_meeting, _merge_meetings, _meeting_keys, None)


def dedupe_statements(items: Sequence[Statement]) -> list[Statement]:
    """One statement per speaker and content (the direct form wins over a paraphrase)."""
    return _dedupe(items, _same_statement, _merge_statements, _statement_keys, SAME_STATEMENT_F1)


def dedupe_allegations(items: Sequence[Allegation]) -> list[Allegation]:
    """One allegation per accused party and claim."""
    return _dedupe(items, _same_allegation, _merge_allegations, _allegation_keys, SAME_CLAIM_F1)
