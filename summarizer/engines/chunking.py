"""Cut a long article into parts that fit one request, and say how each part is sent.

A part is a contiguous slice of the article, `text[start:end]`, sent byte for byte. Parts end
where a paragraph or a sentence ends, never inside a quotation (the spans of
`normalize.quotes.find_quotes`), so a quote always reaches the model whole, with its
attribution when that sits in the same sentence. Consecutive parts overlap by about
`overlap` tokens (whole sentences): a statement whose evidence runs over a cut is seen whole
by one of them, and the copy read twice becomes one item when normalization merges
duplicates (its evidence grounds at the same offsets).

The text just before a part (`context`) goes with it, marked as context the model reads but
does not extract from, so "he" at the top of a part keeps its referent. Items are grounded in
the part alone (see `normalize.pipeline.normalize(regions=...)`): one whose evidence lies only
in the context is dropped there, and read where that text is the part.

Planning is linear in the article: quotes are found once, candidate cuts once, and a pointer
walks them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from summarizer.normalize.quotes import find_quotes

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)|[。！？]+[」』）”’]*|\n")
"""A sentence ends at . ! ? … (and closing marks) before a space, at 。！？ (no space follows
them in Chinese and Japanese), or at a line break."""
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Part:
    """One request's slice of the article: extracted from `[start, end)`; `[context_start,
    start)` is sent before it as context only."""

    start: int
    end: int
    context_start: int
    index: int = 0
    """The part's place in its plan (0-based), for progress and messages."""
    pass_number: int = 1

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


@dataclass(frozen=True)
class Cuts:
    """Where an article may be cut: offsets that start a sentence or a paragraph, none inside
    a quotation, in increasing order, with the article's start and end."""

    text: str
    offsets: list[int]
    paragraphs: frozenset[int]
    bytes_at: list[int]
    """UTF-8 bytes of `text[:offset]` for each offset: token estimates without re-encoding."""

    @classmethod
    def of(cls, text: str) -> Cuts:
        quoted = [(q.open_mark, q.outer_end) for q in find_quotes(text)]
        paragraphs: set[int] = set()
        candidates: dict[int, bool] = {}
        for found in _PARAGRAPH.finditer(text):
            candidates[_skip_space(text, found.end())] = True
        for found in _SENTENCE_END.finditer(text):
            at = _skip_space(text, found.end())
            candidates.setdefault(at, False)
        offsets = [0]
        q = 0
        for at in sorted(candidates):
            while q < len(quoted) and quoted[q][1] <= at:
                q += 1
            if q < len(quoted) and quoted[q][0] < at < quoted[q][1]:
                continue  # inside a quotation
            if 0 < at < len(text):
                offsets.append(at)
                if candidates[at]:
                    paragraphs.add(at)
        offsets.append(len(text))
        bytes_at = [0]
        for a, b in itertools.pairwise(offsets):
            bytes_at.append(bytes_at[-1] + len(text[a:b].encode("utf-8")))
        return cls(text, offsets, frozenset(paragraphs), bytes_at)


def _skip_space(text: str, at: int) -> int:
    found = _SPACE.match(text, at)
    return found.end() if found else at


def plan_parts(
    text: str,
    part_tokens: int,
    *,
    overlap: int = 60,
    context: int = 200,
    tokens_per_byte: float = 0.25,
    cuts: Cuts | None = None,
) -> list[Part]:
    """Parts of at most about `part_tokens` tokens covering `text` from its first to its last
    character, each overlapping the one before by about `overlap` tokens.

    `tokens_per_byte` is the (calibrated) estimate. A sentence longer than a part (or a
    quotation that is) is cut at spaces as a last resort (`_hard_cuts`).
    """
    cuts = cuts or Cuts.of(text)
    budget = max(1, int(part_tokens / tokens_per_byte))
    keep = max(0, int(overlap / tokens_per_byte))
    lead = max(0, int(context / tokens_per_byte))
    offs, sizes = cuts.offsets, cuts.bytes_at
    parts: list[Part] = []
    i = 0  # index into offs of the current part's start
    while offs[i] < len(text):
        limit = sizes[i] + budget
        j = i + 1
        while j + 1 < len(offs) and sizes[j + 1] <= limit:
            j += 1
        j = _prefer_paragraph(cuts, i, j, limit)
        if sizes[j] > limit:  # one sentence longer than a part: cut inside it
            for s, e in _hard_cuts(text, offs[i], offs[j], budget):
                parts.append(_part(text, cuts, s, e, lead, len(parts)))
            i = j
            continue
        parts.append(_part(text, cuts, offs[i], offs[j], lead, len(parts)))
        if j == len(offs) - 1:
            break
        back = j
        while back - 1 > i and sizes[j] - sizes[back - 1] <= keep:
            back -= 1
        i = back if back < j and back > i else j
    return parts


def shifted_parts(
    text: str, first: list[Part], fraction: float, pass_number: int, *, context: int = 200,
    tokens_per_byte: float = 0.25, cuts: Cuts | None = None,
) -> list[Part]:
    """A later pass's parts: cut `fraction` (0 to 1) of the way into each part of the first
    pass, at the nearest sentence end, so what straddled a cut in the first pass lies inside
    a part here. Each part runs from inside one first-pass part to inside the next, so it is
    no longer than the longer of the two."""
    cuts = cuts or Cuts.of(text)
    lead = max(0, int(context / tokens_per_byte))
    bounds = [0]
    for part in first:
        wanted = part.start + fraction * (part.end - part.start)
        k = _index_at_or_after(cuts.offsets, int(wanted))
        candidates = [cuts.offsets[x] for x in (k - 1, k) if 0 <= x < len(cuts.offsets)]
        at = min(candidates, key=lambda o: abs(o - wanted))
        if bounds[-1] < at < len(text):
            bounds.append(at)
    bounds.append(len(text))
    return [
        _part(text, cuts, a, b, lead, n, pass_number)
        for n, (a, b) in enumerate(itertools.pairwise(bounds))
    ]


def _prefer_paragraph(cuts: Cuts, i: int, j: int, limit: int) -> int:
    """A paragraph end in the last quarter of the part is a better cut than a sentence end."""
    floor = cuts.bytes_at[i] + 0.75 * (limit - cuts.bytes_at[i])
    k = j
    while k > i + 1 and cuts.bytes_at[k] >= floor:
        if cuts.offsets[k] in cuts.paragraphs:
            return k
        k -= 1
    return j


def _hard_cuts(text: str, start: int, end: int, budget: int) -> list[tuple[int, int]]:
    """Slices of [start, end) of at most about `budget` bytes, cut after a space where one is."""
    out: list[tuple[int, int]] = []
    at = start
    while at < end:
        stop = min(end, at + max(1, budget // 4 * 3))  # characters may take several bytes
        if stop < end:
            space = text.rfind(" ", at + 1, stop)
            stop = space + 1 if space > at else stop
        out.append((at, stop))
        at = stop
    return out


def _part(text: str, cuts: Cuts, start: int, end: int, lead: int, index: int, pass_number: int = 1) -> Part:
    """The part [start, end) with up to `lead` bytes of preceding sentences as its context."""
    context_start = start
    if start > 0 and lead:
        want = start - lead  # characters, close enough to bytes for a context's size
        k = _index_at_or_after(cuts.offsets, max(0, want))
        context_start = min(start, cuts.offsets[k])
    return Part(start=start, end=end, context_start=context_start, index=index, pass_number=pass_number)


def _index_at_or_after(offsets: list[int], at: int) -> int:
    lo, hi = 0, len(offsets) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if offsets[mid] < at:
            lo = mid + 1
        else:
            hi = mid
    return lo


def split_part(text: str, part: Part, cuts: Cuts | None = None) -> list[Part] | None:
    """Two halves of `part` cut at the sentence end nearest its middle (no quotation cut);
    None when the part is one sentence that cannot be cut at a sentence end."""
    cuts = cuts or Cuts.of(text)
    inside = [o for o in cuts.offsets if part.start < o < part.end]
    if not inside:
        spaces = [m.end() for m in re.finditer(r" ", text[part.start : part.end])]
        inside = [part.start + s for s in spaces if 0 < s < part.end - part.start]
        if not inside:
            return None
    middle = (part.start + part.end) / 2
    cut = min(inside, key=lambda o: abs(o - middle))
    first = Part(part.start, cut, part.context_start, part.index, part.pass_number)
    second = Part(cut, part.end, part.start, part.index, part.pass_number)
    return [first, second]


# --------------------------------------------------------------------------- what is sent

CONTEXT_LABEL = "context (read only: the article's text just before the part; extract nothing from it)"
PART_LABEL = "part (extract from this text only)"


def _fence(text: str) -> str:
    """A marker line no run of the article's own text can imitate: `=` repeated one more time
    than the longest run of `=` in the article."""
    longest = max((len(m.group()) for m in re.finditer(r"=+", text)), default=0)
    return "=" * max(5, longest + 1)


def part_user_message(text: str, part: Part) -> str:
    """The user turn for a part: the part alone when nothing precedes it, else the context and
    the part, each under a marker line. Both are the article's bytes, unchanged."""
    body = text[part.start : part.end]
    if part.context_start >= part.start:
        return body
    fence = _fence(text)
    context = text[part.context_start : part.start]
    return f"{fence} {CONTEXT_LABEL} {fence}\n{context}\n{fence} {PART_LABEL} {fence}\n{body}"


def part_of_message(message: str) -> str:
    """The part a user message carries (what `part_user_message` wrapped), for servers in tests
    and for checking what was sent."""
    found = re.search(r"^(=+) " + re.escape(PART_LABEL) + r" \1\n", message, re.MULTILINE)
    return message[found.end() :] if found else message


ProgressHook = Callable[[int, int], None]
"""Called with (parts read, parts planned) as an article's parts finish."""
