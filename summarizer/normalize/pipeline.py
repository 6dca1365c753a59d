"""Turn an engine's draft into the grounded `ArticleSummary` users receive.

Whatever engine produced the draft, this one deterministic step decides what is published, so a
summary means the same thing whichever engine made it:

1. grounding: every evidence passage is aligned to the article (exact, normalized, fuzzy) and
   replaced by the article's own words with their offsets; an item with no grounded passage is
   dropped with a warning;
2. quote or paraphrase: a statement's content is aligned too, and its kind is decided by the
   article's quotation marks, not by the engine's word. A "direct" quote whose words are not in
   the article becomes indirect when its evidence grounds it;
3. dates: each meeting's date_text is resolved against the publication date;
4. entities: one canonical name per person or body, used by every item;
5. duplicates: the same item reported twice becomes one item with both evidence spans.

What is dropped or changed is said in `warnings`, never silently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from summarizer.article import Article
from summarizer.normalize.dates import ResolvedDate, resolve_date
from summarizer.normalize.duplicates import dedupe_allegations, dedupe_meetings, dedupe_statements
from summarizer.normalize.entities import resolve_entities
from summarizer.normalize.grounding import PART_SLACK, Alignment, ArticleIndex, normalize_text
from summarizer.normalize.names import NameCheck, check_entities, check_items, check_summary
from summarizer.normalize.quotes import find_quotes, quote_at, quoted_fraction, quoted_segments
from summarizer.schema import (
    Allegation,
    AllegationDraft,
    ArticleExtraction,
    ArticleInfo,
    ArticleSummary,
    DateSource,
    Entity,
    Evidence,
    Issue,
    Meeting,
    MeetingDraft,
    Meta,
    Statement,
    StatementDraft,
    StatementKind,
)

_WORDISH = re.compile(r"\w")
DIRECT_SHARE = 0.8
"""A content is a direct quote when at least this share of its characters is inside quotation marks."""


def _clip(s: str, n: int = 80) -> str:
    return s if len(s) <= n else s[: n - 3] + "..."


class _Grounder:
    """The per-article state of normalization: the index, the quotes, what each passage claimed."""

    def __init__(self, article: Article, regions: Mapping[str, tuple[int, int]] | None = None) -> None:
        self.text = article.text
        self.index = ArticleIndex(article.text)
        self.quotes = find_quotes(article.text)
        self.warnings: list[Issue] = []
        self._taken: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.regions = regions or {}
        self._region_index: dict[tuple[int, int], ArticleIndex] = {}

    def warn(self, code: str, message: str, item: str | None = None) -> None:
        self.warnings.append(Issue(code=code, message=message, item=item))

    # ------------------------------------------------------------------ evidence

    def evidence(self, kind: str, passages: Sequence[str], label: str) -> list[Evidence]:
        """Align each passage; the nth item of a kind citing repeated words gets the nth occurrence."""
        found: list[Evidence] = []
        region = self.regions.get(label)
        for passage in passages:
            taken = self._taken[(kind, normalize_text(passage))]
            alignment = self._align(passage, taken, region)
            if alignment is None and region is not None and self.index.align(passage) is not None:
                self.warn(
                    "evidence_outside_part",
                    f"evidence outside the part of the article this item was read from (the "
                    f"context sent with it), dropped: {_clip(passage)!r}",
                    label,
                )
                continue
            if alignment is None:
                self.warn(
                    "ungrounded_evidence",
                    f"evidence not found in the article, dropped: {_clip(passage)!r}",
                    label,
                )
                continue
            taken.add(alignment.start)
            if any(e.start == alignment.start and e.end == alignment.end for e in found):
                continue
            found.append(
                Evidence(
                    text=self.text[alignment.start : alignment.end],
                    start=alignment.start,
                    end=alignment.end,
                    match=alignment.status,
                )
            )
        if not found:
            self.warn(
                "ungrounded_item", "no evidence for this item is in the article; the item was dropped", label
            )
        return found

    def _align(self, passage: str, taken: set[int], region: tuple[int, int] | None) -> Alignment | None:
        """The passage in the whole article, or only inside `region` when the item was read
        from that part of it: a long article repeats sentences, and the nth-occurrence rule
        alone would give a later part's item an earlier part's words."""
        if region is None:
            return self.index.align(passage, taken=taken)
        index = self._region_index.get(region)
        if index is None:
            index = self._region_index[region] = ArticleIndex(self.text[region[0] : region[1]])
        shift = region[0]
        local = index.align(passage, taken={t - shift for t in taken if region[0] <= t < region[1]})
        if local is None:
            return None
        return Alignment(local.start + shift, local.end + shift, local.status)

    # ------------------------------------------------------------------ statements

    def _content_alignment(self, content: str, region: tuple[int, int]) -> tuple[list[tuple[int, int]], str]:
        """Where the statement's content stands: spans and how they were found."""
        found = self.index.occurrences(content)
        if found:
            inside = [a for a in found if region[0] <= a.start and a.end <= region[1]]
            best = inside[0] if inside else min(found, key=lambda a: abs(a.start - region[0]))
            return [(best.start, best.end)], best.status
        window = (max(0, region[0] - PART_SLACK), min(len(self.text), region[1] + PART_SLACK))
        parts = self.index.parts(content, within=window)
        if parts:
            return self._snap_to_quotes([(a.start, a.end) for a in parts]), "normalized"
        fuzzy: Alignment | None = self.index.fuzzy(content, within=region)
        if fuzzy is not None:
            return [(fuzzy.start, fuzzy.end)], "fuzzy"
        return [], "unmatched"

    def _snap_to_quotes(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The quoted segments that make up each part, when the part is quoted words only.

        A part may run over a paragraph break ("ready.\n\n“The second") or stop short of a
        quote's closing punctuation ("full of s" for “full of s---.”): it becomes the quoted
        segments it covers, each whole, so a split quote's spans are exactly its quoted words.
        A part with unquoted words in it is kept as it is."""
        snapped: list[tuple[int, int]] = []
        for start, end in spans:
            inside = quoted_segments(self.quotes, start, end)
            covered = sum(e - s for s, e in inside)
            outside = "".join(self.text[s:e] for s, e in _gaps(start, end, inside))
            if not inside or covered == 0 or _WORDISH.search(outside):
                snapped.append((start, end))
                continue
            for s_, e_ in inside:
                quote = quote_at(self.quotes, s_)
                whole = next(
                    ((qs, qe) for qs, qe in (quote.segments if quote else ()) if qs <= s_ and e_ <= qe),
                    (s_, e_),
                )
                extra = self.text[whole[0] : s_] + self.text[e_ : whole[1]]
                snapped.append(whole if not _WORDISH.search(extra) else (s_, e_))
        return snapped

    def _quoted_share(self, spans: Sequence[tuple[int, int]]) -> float:
        """The share of the content inside quotation marks, over all its spans."""
        total = sum(e - s for s, e in spans)
        if total <= 0:
            return 0.0
        return sum(quoted_fraction(self.text, self.quotes, s, e) * (e - s) for s, e in spans) / total

    def statement(self, draft: StatementDraft, label: str) -> Statement | None:
        evidence = self.evidence("statement", draft.evidence, label)
        if not evidence:
            return None
        region = (min(e.start for e in evidence), max(e.end for e in evidence))
        spans, match = self._content_alignment(draft.content, region)
        share = self._quoted_share(spans)
        kind: StatementKind = "direct" if spans and share >= DIRECT_SHARE and match != "fuzzy" else "indirect"
        content = draft.content
        if kind == "direct":
            content = " ".join(self.text[s:e].strip() for s, e in spans)
        elif draft.kind == "direct":
            self.warn(
                "quote_not_in_article",
                f"the quoted words are not the article's, kept as a paraphrase: {_clip(draft.content)!r}",
                label,
            )
        fields = draft.model_dump(exclude={"evidence", "kind", "content"})
        return Statement(
            **fields,
            content=content,
            kind=kind,
            content_spans=spans,
            content_match=match,  # type: ignore[arg-type]
            evidence=evidence,
        )

    # ------------------------------------------------------------------ meetings, allegations

    def meeting(self, draft: MeetingDraft, label: str, published: dt.date | None) -> Meeting | None:
        evidence = self.evidence("meeting", draft.evidence, label)
        if not evidence:
            return None
        fields = draft.model_dump(exclude={"evidence", "date"})
        date, source, resolved = self._meeting_date(draft, label, published)
        return Meeting(
            **fields,
            date=date,
            date_source=source,
            date_granularity="day" if source == "engine" else resolved.granularity,
            date_value=date if source == "engine" else resolved.value,
            evidence=evidence,
        )

    def _meeting_date(
        self, draft: MeetingDraft, label: str, published: dt.date | None
    ) -> tuple[str | None, DateSource | None, ResolvedDate]:
        """The meeting's day: resolved from its words and the publication date where they fix
        one; otherwise the engine's own date stands (it may know the day from the rest of the
        article: "the debate" of a report on the debate night), unless the words fix a month or
        year it falls outside."""
        resolved = resolve_date(draft.date_text, published)
        if resolved.date is not None:
            if draft.date and draft.date != resolved.date:
                self.warn(
                    "date_resolved",
                    f"engine's date {draft.date} replaced by {resolved.date}, resolved from "
                    f"{draft.date_text!r} and the publication date",
                    label,
                )
            return resolved.date, "text", resolved
        if not draft.date:
            return None, "text" if resolved.value else None, resolved
        if resolved.value and not draft.date.startswith(resolved.value):
            self.warn(
                "date_resolved",
                f"engine's date {draft.date} dropped: {draft.date_text!r} puts the meeting "
                f"in {resolved.value}",
                label,
            )
            return None, "text", resolved
        return draft.date, "engine", resolved

    def allegation(self, draft: AllegationDraft, label: str) -> Allegation | None:
        evidence = self.evidence("allegation", draft.evidence, label)
        if not evidence:
            return None
        return Allegation(**draft.model_dump(exclude={"evidence"}), evidence=evidence)


def _gaps(start: int, end: int, inside: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The stretches of [start, end) outside the sorted spans `inside`."""
    gaps, at = [], start
    for s, e in inside:
        if s > at:
            gaps.append((at, s))
        at = max(at, e)
    if at < end:
        gaps.append((at, end))
    return gaps


def _canonical_names(
    text: str,
    draft: ArticleExtraction,
    meetings: list[tuple[str, Meeting]],
    statements: list[tuple[str, Statement]],
    allegations: list[tuple[str, Allegation]],
) -> tuple[
    list[Entity], list[tuple[str, Meeting]], list[tuple[str, Statement]], list[tuple[str, Allegation]]
]:
    """Every name an item uses mapped to its entity's canonical name (labels kept)."""
    mentions = [
        *(p for _, m in meetings for p in m.participants),
        *(s.speaker for _, s in statements),
        *(a.accuser for _, a in allegations if a.accuser),
        *(x for _, a in allegations for x in a.accused),
    ]
    resolver = resolve_entities(text, draft.entities, mentions)
    name = resolver.canonical
    meetings = [
        (label, m.model_copy(update={"participants": list(dict.fromkeys(name(p) for p in m.participants))}))
        for label, m in meetings
    ]
    statements = [(label, _renamed_speaker(s, name(s.speaker))) for label, s in statements]
    allegations = [
        (
            label,
            a.model_copy(
                update={
                    "accuser": name(a.accuser) if a.accuser else None,
                    "accused": list(dict.fromkeys(name(x) for x in a.accused)),
                }
            ),
        )
        for label, a in allegations
    ]
    return resolver.entities, meetings, statements, allegations


def _renamed_speaker(statement: Statement, speaker: str) -> Statement:
    """The statement under its canonical speaker. The engine's own words for the speaker, when
    the canonical name replaces them ("the mayor" -> "Ana Ruiz"), become `speaker_mention` if it
    has none; a mention that only repeats the speaker is dropped."""
    mention = statement.speaker_mention
    if mention is None and speaker.casefold() != statement.speaker.casefold():
        mention = statement.speaker
    if mention is not None and mention.casefold() == speaker.casefold():
        mention = None
    return statement.model_copy(update={"speaker": speaker, "speaker_mention": mention})


def _labelled(items: Sequence[Any], kind: str, build: Callable[[Any, str], Any]) -> list[tuple[str, Any]]:
    return [(label, item) for i, d in enumerate(items) if (item := build(d, label := f"{kind}[{i}]"))]


def normalize(
    article: Article,
    draft: ArticleExtraction,
    meta: Meta,
    regions: Mapping[str, tuple[int, int]] | None = None,
) -> ArticleSummary:
    """Ground, classify, date, name and deduplicate every item of `draft` in `article.text`.

    `regions` maps an item's label ('statements[3]') to the part of the article it was read
    from (a long article is read in parts): its evidence is then grounded inside that part
    only. Items without a region are grounded in the whole article.
    """
    g = _Grounder(article, regions)
    for rejection in draft.rejected:
        if rejection.dropped:
            g.warn(
                "invalid_item",
                f"the engine's item could not be read, dropped: {rejection.reason}",
                rejection.item,
            )
        else:
            g.warn(
                "invalid_field",
                f"the engine's value could not be read, left out: {rejection.reason}",
                rejection.item,
            )
    meetings = _labelled(draft.meetings, "meetings", lambda d, label: g.meeting(d, label, article.published))
    statements = _labelled(draft.statements, "statements", g.statement)
    allegations = _labelled(draft.allegations, "allegations", g.allegation)
    entities, meetings, statements, allegations = _canonical_names(
        article.text, draft, meetings, statements, allegations
    )
    check = NameCheck(g.index)
    entities, renamed = check_entities(check, entities, g.warn)
    kept_meetings, kept_statements, kept_allegations = check_items(
        check, renamed, meetings, statements, allegations, g.warn
    )
    summary = draft.summary.strip()
    check_summary(check, summary, g.warn)
    return ArticleSummary(
        article=ArticleInfo(
            id=article.id,
            title=article.title,
            published=article.published,
            source=article.source,
            sha256=article.sha256,
        ),
        summary=summary,
        entities=entities,
        meetings=dedupe_meetings(kept_meetings),
        statements=dedupe_statements(kept_statements),
        allegations=dedupe_allegations(kept_allegations),
        warnings=g.warnings,
        meta=meta,
    )
