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

from collections import defaultdict
from collections.abc import Sequence

from summarizer.article import Article
from summarizer.normalize.dates import resolve_date
from summarizer.normalize.duplicates import dedupe_allegations, dedupe_meetings, dedupe_statements
from summarizer.normalize.entities import resolve_entities
from summarizer.normalize.grounding import Alignment, ArticleIndex, normalize_text
from summarizer.normalize.quotes import find_quotes, quoted_fraction, quoted_segments
from summarizer.schema import (
    Allegation,
    AllegationDraft,
    ArticleExtraction,
    ArticleInfo,
    ArticleSummary,
    Evidence,
    Issue,
    Meeting,
    MeetingDraft,
    Meta,
    Statement,
    StatementDraft,
)

DIRECT_SHARE = 0.8
"""A content is a direct quote when at least this share of its characters is inside quotation marks."""


def _clip(s: str, n: int = 80) -> str:
    return s if len(s) <= n else s[: n - 3] + "..."


class _Grounder:
    """The per-article state of normalization: the index, the quotes, what each passage claimed."""

    def __init__(self, article: Article) -> None:
        self.text = article.text
        self.index = ArticleIndex(article.text)
        self.quotes = find_quotes(article.text)
        self.warnings: list[Issue] = []
        self._taken: dict[tuple[str, str], set[int]] = defaultdict(set)

    def warn(self, code: str, message: str, item: str | None = None) -> None:
        self.warnings.append(Issue(code=code, message=message, item=item))

    # ------------------------------------------------------------------ evidence

    def evidence(self, kind: str, passages: Sequence[str], label: str) -> list[Evidence]:
        """Align each passage; the nth item of a kind citing repeated words gets the nth occurrence."""
        found: list[Evidence] = []
        for passage in passages:
            taken = self._taken[(kind, normalize_text(passage))]
            alignment = self.index.align(passage, taken=taken)
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

    # ------------------------------------------------------------------ statements

    def _content_alignment(self, content: str, region: tuple[int, int]) -> tuple[list[tuple[int, int]], str]:
        """Where the statement's content stands: spans and how they were found."""
        found = self.index.occurrences(content)
        if found:
            inside = [a for a in found if region[0] <= a.start and a.end <= region[1]]
            best = inside[0] if inside else min(found, key=lambda a: abs(a.start - region[0]))
            return [(best.start, best.end)], best.status
        split = self._split_quote(content, region)
        if split:
            return split, "normalized"
        fuzzy: Alignment | None = self.index.fuzzy(content, within=region)
        if fuzzy is not None:
            return [(fuzzy.start, fuzzy.end)], "fuzzy"
        return [], "unmatched"

    def _split_quote(self, content: str, region: tuple[int, int]) -> list[tuple[int, int]]:
        """The quoted pieces of the evidence that together are the content ("...," he said, "...")."""
        segments = quoted_segments(self.quotes, region[0], region[1])
        if len(segments) < 2:
            return []
        target = normalize_text(content).replace(",", " ").split()
        pieces = [normalize_text(self.text[s:e]).replace(",", " ").split() for s, e in segments]
        joined = [w.strip(".!?;:\"'") for p in pieces for w in p]
        target = [w.strip(".!?;:\"'") for w in target]
        joined = [w for w in joined if w]
        target = [w for w in target if w]
        return segments if joined == target else []

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
        kind = "direct" if spans and share >= DIRECT_SHARE and match != "fuzzy" else "indirect"
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

    def meeting(self, draft: MeetingDraft, label: str, published) -> Meeting | None:
        evidence = self.evidence("meeting", draft.evidence, label)
        if not evidence:
            return None
        fields = draft.model_dump(exclude={"evidence", "date"})
        resolved = resolve_date(draft.date_text, published)
        if draft.date and draft.date != resolved.date:
            self.warn(
                "date_resolved",
                f"engine's date {draft.date} replaced by {resolved.date or 'null'}, resolved from "
                f"{draft.date_text!r} and the publication date",
                label,
            )
        return Meeting(
            **fields,
            date=resolved.date,
            date_granularity=resolved.granularity,
            date_value=resolved.value,
            evidence=evidence,
        )

    def allegation(self, draft: AllegationDraft, label: str) -> Allegation | None:
        evidence = self.evidence("allegation", draft.evidence, label)
        if not evidence:
            return None
        return Allegation(**draft.model_dump(exclude={"evidence"}), evidence=evidence)


def _canonical_names(
    text: str,
    draft: ArticleExtraction,
    meetings: list[Meeting],
    statements: list[Statement],
    allegations: list[Allegation],
):
    mentions = [
        *(p for m in meetings for p in m.participants),
        *(s.speaker for s in statements),
        *(a.accuser for a in allegations if a.accuser),
        *(x for a in allegations for x in a.accused),
    ]
    resolver = resolve_entities(text, draft.entities, mentions)
    name = resolver.canonical
    meetings = [
        m.model_copy(update={"participants": list(dict.fromkeys(name(p) for p in m.participants))})
        for m in meetings
    ]
    statements = [s.model_copy(update={"speaker": name(s.speaker)}) for s in statements]
    allegations = [
        a.model_copy(
            update={
                "accuser": name(a.accuser) if a.accuser else None,
                "accused": list(dict.fromkeys(name(x) for x in a.accused)),
            }
        )
        for a in allegations
    ]
    return resolver.entities, meetings, statements, allegations


def normalize(article: Article, draft: ArticleExtraction, meta: Meta) -> ArticleSummary:
    """Ground, classify, date, name and deduplicate every item of `draft` in `article.text`."""
    g = _Grounder(article)
    meetings = [
        m for i, d in enumerate(draft.meetings) if (m := g.meeting(d, f"meetings[{i}]", article.published))
    ]
    statements = [s for i, d in enumerate(draft.statements) if (s := g.statement(d, f"statements[{i}]"))]
    allegations = [a for i, d in enumerate(draft.allegations) if (a := g.allegation(d, f"allegations[{i}]"))]
    entities, meetings, statements, allegations = _canonical_names(
        article.text, draft, meetings, statements, allegations
    )
    return ArticleSummary(
        article=ArticleInfo(
            id=article.id,
            title=article.title,
            published=article.published,
            source=article.source,
            sha256=article.sha256,
        ),
        summary=draft.summary.strip(),
        entities=entities,
        meetings=dedupe_meetings(meetings),
        statements=dedupe_statements(statements),
        allegations=dedupe_allegations(allegations),
        warnings=g.warnings,
        meta=meta,
    )
