"""One draft for a whole article from the drafts of its parts.

The merged draft is what normalization receives, with `regions`: for each item's label, the
part of the article it was read from. Normalization grounds the item inside that part only,
so its offsets are offsets in the whole article, and an item seen twice (in the overlap of two
parts, or by two passes) grounds at the same words and becomes one item when duplicates are
merged. Dates are resolved there once, against the article's publication date; entities are
merged here by name and resolved there against the whole text.

Later passes add only what earlier passes missed: an item whose evidence an earlier pass
already cited in the same stretch of text is left out before normalization.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from summarizer.engines.chunking import Part
from summarizer.normalize.grounding import normalize_text
from summarizer.schema import ArticleExtraction, Entity, Rejection

KINDS = ("meetings", "statements", "allegations")


@dataclass(frozen=True)
class PartDraft:
    """What the model answered for one part."""

    part: Part
    draft: ArticleExtraction


def merge_drafts(drafts: Sequence[PartDraft]) -> tuple[ArticleExtraction, dict[str, tuple[int, int]]]:
    """The drafts of an article's parts as one draft, and the part each item was read from."""
    ordered = sorted(drafts, key=lambda d: (d.part.pass_number, d.part.start, d.part.end))
    items: dict[str, list] = {kind: [] for kind in KINDS}
    regions: dict[str, tuple[int, int]] = {}
    cited: dict[tuple[str, str], list[tuple[int, tuple[int, int]]]] = {}
    rejected: list[Rejection] = []
    for number, one in enumerate(ordered, 1):
        span = one.part.span
        for kind in KINDS:
            for item in getattr(one.draft, kind):
                keys = [(kind, normalize_text(p)) for p in item.evidence]
                if one.part.pass_number > 1 and _seen_before(cited, keys, one.part.pass_number, span):
                    continue
                for key in keys:
                    cited.setdefault(key, []).append((one.part.pass_number, span))
                regions[f"{kind}[{len(items[kind])}]"] = span
                items[kind].append(item)
        where = f"part {number} (characters {span[0]}-{span[1]})"
        rejected += [r.model_copy(update={"item": f"{where}: {r.item}"}) for r in one.draft.rejected]
    merged = ArticleExtraction.model_construct(
        summary=_summary(ordered),
        entities=merge_entities(e for d in ordered for e in d.draft.entities),
        rejected=rejected,
        meetings=items["meetings"],
        statements=items["statements"],
        allegations=items["allegations"],
    )
    return merged, regions


def _seen_before(
    cited: dict[tuple[str, str], list[tuple[int, tuple[int, int]]]],
    keys: list[tuple[str, str]],
    pass_number: int,
    span: tuple[int, int],
) -> bool:
    """True when an earlier pass cited one of these passages in text overlapping `span`."""
    for key in keys:
        for earlier, (start, end) in cited.get(key, ()):
            if earlier < pass_number and start < span[1] and span[0] < end:
                return True
    return False


def _summary(drafts: Sequence[PartDraft]) -> str:
    """The first pass's summaries of the parts, in text order, each once: one request more
    could condense them, but then the summary would be the only text no part grounded."""
    seen: dict[str, None] = {}
    for one in drafts:
        if one.part.pass_number == 1 and one.draft.summary.strip():
            seen.setdefault(one.draft.summary.strip(), None)
    return " ".join(seen)


def merge_entities(entities: Iterable[Entity]) -> list[Entity]:
    """Entities named alike in several parts as one: aliases joined; the first type and
    title that say something kept."""
    merged: dict[str, Entity] = {}
    by_alias: dict[str, str] = {}
    for entity in entities:
        names = [entity.name, *entity.aliases]
        key = next((by_alias[n.casefold()] for n in names if n.casefold() in by_alias), None)
        if key is None:
            key = entity.name.casefold()
            merged[key] = entity
        else:
            kept = merged[key]
            own = kept.name.casefold()
            merged[key] = kept.model_copy(
                update={
                    "aliases": list(dict.fromkeys(a for a in [*kept.aliases, *names] if a.casefold() != own)),
                    "type": kept.type if kept.type != "other" else entity.type,
                    "title": kept.title or entity.title,
                }
            )
        for name in names:
            by_alias.setdefault(name.casefold(), key)
    return list(merged.values())
