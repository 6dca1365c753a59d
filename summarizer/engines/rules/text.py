"""Sentences and names, with character offsets: what the rule-based readers work on.

Plain regular expressions, no model: this runs on thousands of articles a second. Sentences
never break inside a quotation (a quote of several sentences stays with its attribution), nor
after the abbreviations news copy is full of ("Sen.", "U.S.", "Feb.", "a.m.").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.normalize.quotes import Quote

ABBREVIATIONS = frozenset(
    (
        "mr mrs ms dr prof sen rep gov lt col gen maj sgt capt adm cmdr gov pres st sr jr rev fr no "
        "nos vs etc inc corp co ltd dept univ ave blvd mt ft sept sep jan feb mar apr jun jul aug oct "
        "nov dec u.s u.k u.n e.u a.m p.m d.c n.y l.a washington.d.c del sens reps govs amb supt"
    ).split()
)
"""Words that end in a period without ending the sentence (lower-case, without the final dot)."""

_END = re.compile(r"[.!?]+[”’\"»)]*(?=\s)|[.!?]+[”’\"»)]*$")
_PARAGRAPH = re.compile(r"[^\n]+")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: offsets into the article and its paragraph number."""

    start: int
    end: int
    paragraph: int

    def text(self, article: str) -> str:
        return article[self.start : self.end]


class _QuoteSpans:
    """Whether a position is inside a quotation, answered by bisection (quotes in text order)."""

    def __init__(self, quotes: Sequence[Quote]) -> None:
        self.opens = [q.open_mark for q in quotes]
        self.reach: list[int] = []  # the furthest end of the quotes opened so far
        furthest = -1
        for q in quotes:
            furthest = max(furthest, q.end)
            self.reach.append(furthest)

    def inside(self, pos: int) -> bool:
        i = bisect.bisect_left(self.opens, pos) - 1
        return i >= 0 and self.reach[i] > pos


def _is_abbreviation(text: str, dot: int) -> bool:
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower()
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    return len(word) == 1 and word.isalpha()  # an initial: "John F. Kennedy"


MAX_SENTENCE = 3000
"""Characters a sentence may hold: a longer run (no full stop for pages, a quote never closed)
is cut at a clause boundary, so that every reader's work per sentence is bounded and an article's
time grows linearly with its length. News sentences, quotes included, stay far below it."""

_CLAUSE_BREAK = re.compile(r"[,;:]\s|\s")


def _bounded(start: int, end: int, paragraph: int, text: str) -> list[Sentence]:
    out = []
    while end - start > MAX_SENTENCE:
        window = text[start + MAX_SENTENCE // 2 : start + MAX_SENTENCE]
        cut = max((m.end() for m in _CLAUSE_BREAK.finditer(window) if m.group()[0] in ",;:"), default=0)
        if not cut:
            cut = window.rfind(" ") + 1
        stop = start + MAX_SENTENCE // 2 + cut if cut > 0 else start + MAX_SENTENCE
        out.append(Sentence(start, stop, paragraph))
        start = stop
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append(Sentence(start, end, paragraph))
    return out


def sentences(text: str, quotes: Sequence[Quote] = ()) -> list[Sentence]:
    """Split `text` into sentences (offsets), paragraph by paragraph, none over `MAX_SENTENCE`."""
    return [piece for s in _sentences(text, quotes) for piece in _bounded(s.start, s.end, s.paragraph, text)]


def _sentences(text: str, quotes: Sequence[Quote] = ()) -> list[Sentence]:
    out: list[Sentence] = []
    spans = _QuoteSpans(quotes)
    for para_no, para in enumerate(_PARAGRAPH.finditer(text)):
        start = para.start()
        while start < para.end() and text[start].isspace():
            start += 1
        for end_match in _END.finditer(text, start, para.end()):
            end = end_match.end()
            if end_match.group()[0] == "." and _is_abbreviation(text, end_match.start()):
                continue
            if spans.inside(end_match.start()):
                continue
            nxt = end
            while nxt < para.end() and text[nxt] == " ":
                nxt += 1
            if nxt < para.end() and text[nxt].islower():
                continue  # "U.S. officials", "said Mr. and he..." : not a sentence start
            if end > start:
                out.append(Sentence(start, end, para_no))
            start = nxt
        stop = para.end()
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if stop > start:
            out.append(Sentence(start, stop, para_no))
    return out


NAME_PARTICLES = frozenset({"al", "el", "bin", "ibn", "de", "da", "van", "von", "der", "la", "le", "du"})

_CAP_WORD = r"(?:[A-Z][\w’'.-]*|al-[A-Z][\w-]*|el-[A-Z][\w-]*)"
NAME = re.compile(rf"{_CAP_WORD}(?:\s+(?:(?:{'|'.join(sorted(NAME_PARTICLES))})\s+)?{_CAP_WORD})*")
"""A run of capitalized words, with name particles between them ("Charles de Gaulle")."""


def names_in(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Offsets of the capitalized word runs in text[start:end]."""
    stop = len(text) if end is None else end
    return [(m.start(), m.end()) for m in NAME.finditer(text, start, stop)]
