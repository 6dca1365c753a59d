"""Find the quoted regions of a news article, as character offsets.

Whether a statement is a direct quote or a paraphrase is a fact of the text, not a judgement:
words inside quotation marks are the speaker's own, reported speech is the reporter's. Engines
(the LLM most of all) blur the two, so this module finds the quoted regions once,
deterministically, and callers ask it how much of a span is quoted. It is a single linear scan
that jumps from mark to mark with a regular expression, because it runs on every article.

Offsets are Python string indices (code points), so they line up with `text[start:end]` for
accented, CJK and emoji text alike.

Marks and how each is read (news copy mixes typographic traditions and sloppy typing):

- “…” English; „…“ German and „…” Polish; «…» French (inner spaces, including non-breaking
  ones, are trimmed from the quoted span); 「…」 and 『…』 CJK; ‹…› single guillemets.
- Symmetric or reversible marks are decided by context. A straight " opens when it looks like
  an opener (after start, whitespace, an opening bracket, a dash, a colon or another opening
  mark, and before a non-space) and closes otherwise. ” and » open only in the same position and
  before a letter or digit: that covers Swedish ”…”, Danish/German »…« and Finnish »…», while a
  stray French closing » after a space stays ignored. Inside an open straight or ” quote, a
  mark of the same kind in opener position means the previous quote was never closed: it ends
  just before that mark (`close_mark` None) and a new quote starts there.
- Single marks (‘…’, ‚…‘, '…') double as apostrophes ("China’s", "don’t", "Guterres’
  support", "’90s", "rock ’n’ roll"), so they are read strictly. ’ never opens a quote. ‘, ‚
  and ' open only in opener position before a letter or digit, not before a known elision
  ("’n’", "’em", "’tis", "’twas", a decade such as "’90s"; the second mark of "’n’" never
  closes either), and only when a possible closing
  mark follows in the same paragraph (or the next paragraph continues the quote): a lone
  autocorrected ‘90s must not open a quote that runs to the end of the paragraph. A single mark
  closes only after a non-space and before whitespace, punctuation or the end. After -s, -z or
  -x and before another word ("the workers’ rights") it is a possessive apostrophe when the
  quote still has a clear closer ahead in the paragraph (a single mark in closing position that
  is not itself before a word), and the closing mark otherwise ("‘credible’ visit").
- Only outermost quotes are reported. Inside a quote, marks of another kind are nested quotes
  and ignored (single marks inside “…”, “…” inside «…» or ‘…’). A second opener of the same
  kind inside an asymmetric quote (“ in “…”, « in «…») nests too, so “a “big” deal” is one
  quote. Straight quotes inside “…” or „…“ toggle a nested quote, so their closing " does not
  end the outer quote; a lone " in closing position does (sloppy “…" typing).
- Paragraphs are separated by one or more line breaks. An unclosed quote never runs past its
  paragraph: if the next paragraph starts with an opening mark of the same family (double,
  single or CJK), news convention says the quote continues there and it gets one more segment;
  otherwise it ends at the paragraph's last non-space character with `close_mark` None.
- Quoted spans exclude the marks and are trimmed of whitespace at both ends, so « Bonjour »
  yields "Bonjour". An empty quote (“”) is reported with an empty span.
"""

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

__all__ = ["Quote", "find_quotes", "quote_at", "quoted_fraction", "quoted_segments"]


@dataclass(frozen=True, slots=True)
class Quote:
    """One outermost quotation, possibly spread over several paragraphs.

    `start`/`end` bound the quoted words (marks and surrounding whitespace excluded), so
    `text[start:end]` is what the speaker said. `segments` holds one such span per paragraph;
    a quote continued over paragraphs has more than one, and the text between them (paragraph
    break, reopening mark) is not quoted. `close_mark` is None when the quote was never closed
    and was cut at its paragraph's end (or at a new opening mark of the same kind).
    """

    start: int
    end: int
    open_mark: int
    close_mark: int | None
    segments: tuple[tuple[int, int], ...]

    @property
    def outer_end(self) -> int:
        """Offset just past the quote's extent: past the closing mark, or `end` when unclosed."""
        return self.close_mark + 1 if self.close_mark is not None else self.end


_NEWLINES: Final = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
"""Line boundaries as `str.splitlines` knows them: any of them separates paragraphs."""

_DOUBLE_OPENERS: Final = '“„"”«»'
_SINGLE_OPENERS: Final = "‘‚'‹›"
_CJK_OPENERS: Final = "「『"
_OPENERS: Final = _DOUBLE_OPENERS + _SINGLE_OPENERS + _CJK_OPENERS
_MARKS: Final = "“”„\"«»‘’‚'‹›「」『』"

_OPEN_PREV: Final = "([{<-‐‑‒–—―/:“„«‹‘‚「『"
"""Characters after which a mark sits in opener position (besides start and whitespace)."""

_OPEN_LEAD: Final = "…([„“‘‚'\""
"""Non-alphanumeric characters that may start the words of a ” or » quote."""

_PAIRED: Final[dict[str, str]] = {"“": "”", "„": "“”", "«": "»", "‹": "›", "「": "」", "『": "』"}
"""Asymmetric openers and their closers: a second opener of the same kind nests."""

_IDLE_RE: Final = re.compile("[" + re.escape(_OPENERS) + "]")
_BUSY_RE: Final = re.compile("[" + re.escape(_MARKS + _NEWLINES) + "]")
_NEWLINE_RE: Final = re.compile("[" + re.escape(_NEWLINES) + "]")
_SINGLE_OR_NEWLINE_RE: Final = re.compile("[" + re.escape("’'‘‚" + _NEWLINES) + "]")
_SINGLE_CLOSE_RE: Final = re.compile(r"(?<=\S)[’'‘](?!\w)")
_ELISION_RE: Final = re.compile(r"(?:\d0s\b|n['’‘](?!\w)|(?:em|tis|twas)\b)", re.IGNORECASE)
_UNCOUNTED_RE: Final = re.compile(r"[\s" + re.escape(_MARKS) + "]")


def _open_looking(prev: str, nxt: str) -> bool:
    """A mark after start/space/bracket/dash and before a non-space is placed like an opener."""
    return (not prev or prev.isspace() or prev in _OPEN_PREV) and bool(nxt) and not nxt.isspace()


def _close_looking(prev: str, nxt: str) -> bool:
    """A mark after a non-space and before whitespace, punctuation or the end is placed like a closer."""
    return bool(prev) and not prev.isspace() and (not nxt or not nxt.isalnum())


def _family(mark: str) -> str:
    """Openers that may continue a quote opened with `mark` in the next paragraph."""
    if mark in _DOUBLE_OPENERS:
        return _DOUBLE_OPENERS
    if mark in _SINGLE_OPENERS:
        return _SINGLE_OPENERS
    return _CJK_OPENERS


class _Scanner:
    """One left-to-right pass over a text; holds the state of the quote currently open."""

    __slots__ = (
        "apos_result",
        "apos_until",
        "depth",
        "gate_continues",
        "gate_end",
        "gate_last_close",
        "inner",
        "n",
        "open_mark",
        "opener",
        "quotes",
        "seg_start",
        "segments",
        "text",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.quotes: list[Quote] = []
        self.opener = ""  # the mark that opened the current quote; "" when none is open
        self.open_mark = -1
        self.seg_start = 0
        self.segments: list[tuple[int, int]] = []
        self.depth = 0  # nesting of same-kind asymmetric openers
        self.inner = 0  # open nested quotes of the other double style (" in “…”, “ in "…")
        self.gate_end = -1  # paragraph end cached for the single-opener check
        self.gate_last_close = -1
        self.gate_continues = False
        self.apos_until = -1  # single marks before this offset share the cached apostrophe verdict
        self.apos_result = False

    def run(self) -> list[Quote]:
        text = self.text
        pos = 0
        while True:
            if self.opener:
                m = _BUSY_RE.search(text, pos)
                if m is None:
                    self._finish(None, self.n)
                    break
                i = m.start()
                pos = self._paragraph_break(i) if text[i] in _NEWLINES else self._inside(i, text[i])
            else:
                m = _IDLE_RE.search(text, pos)
                if m is None:
                    break
                i = m.start()
                if self._can_open(i, text[i]):
                    self._open(i, text[i])
                pos = i + 1
        return self.quotes

    def _context(self, i: int) -> tuple[str, str]:
        text = self.text
        return (text[i - 1] if i > 0 else "", text[i + 1] if i + 1 < self.n else "")

    def _can_open(self, i: int, mark: str) -> bool:
        prev, nxt = self._context(i)
        if not nxt or nxt in _NEWLINES:
            return False
        if mark in "„「『":
            return True
        if mark in "“«‹":  # refuse a stray closer: German “, Danish «
            return not _close_looking(prev, nxt)
        if mark == '"':
            return _open_looking(prev, nxt)
        if mark in "”»›":
            return _open_looking(prev, nxt) and (nxt.isalnum() or nxt in _OPEN_LEAD)
        # single marks ‘ ‚ ': strict, since they are mostly apostrophes
        return (
            _open_looking(prev, nxt)
            and nxt.isalnum()
            and _ELISION_RE.match(self.text, i + 1) is None
            and self._single_may_close_after(i)
        )

    def _single_may_close_after(self, i: int) -> bool:
        """Whether a single quote opened at `i` can be closed: by a later closing-placed mark in
        its paragraph, or by continuing into a paragraph that opens with a single mark.

        The paragraph's last closing-placed mark is cached, so many apostrophe-like openers in
        one paragraph cost one scan of it.
        """
        text, n = self.text, self.n
        if i >= self.gate_end:
            m = _NEWLINE_RE.search(text, i)
            self.gate_end = end = m.start() if m else n
            self.gate_last_close = -1
            for m in _SINGLE_CLOSE_RE.finditer(text, i + 1, end):
                self.gate_last_close = m.start()
            j = end
            while j < n and text[j].isspace():
                j += 1
            self.gate_continues = j + 1 < n and text[j] in "‘‚'" and text[j + 1].isalnum()
        return self.gate_last_close > i or self.gate_continues

    def _open(self, i: int, mark: str) -> None:
        self.opener = mark
        self.open_mark = i
        self.seg_start = i + 1
        self.segments = []
        self.depth = 1
        self.inner = 0

    def _trimmed(self, start: int, end: int) -> tuple[int, int]:
        text = self.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return start, end

    def _finish(self, close_mark: int | None, end: int) -> None:
        self.segments.append(self._trimmed(self.seg_start, end))
        segments = tuple(self.segments)
        self.quotes.append(Quote(segments[0][0], segments[-1][1], self.open_mark, close_mark, segments))
        self.opener = ""

    def _paragraph_break(self, i: int) -> int:
        """At a line break inside an open quote: continue into the next paragraph or cut here."""
        text, n = self.text, self.n
        j = i
        while j < n and text[j].isspace():
            j += 1
        if j < n and text[j] in _family(self.opener) and self._can_open(j, text[j]):
            self.segments.append(self._trimmed(self.seg_start, i))
            self.opener = text[j]
            self.seg_start = j + 1
            self.depth = 1
            self.inner = 0
            return j + 1
        self._finish(None, i)
        return j

    def _close(self, i: int) -> None:
        self.depth -= 1
        if self.depth == 0:
            self._finish(i, i)

    def _restart(self, i: int, mark: str) -> None:
        """A same-kind opener inside a symmetric quote: the open quote was never closed."""
        self._finish(None, i)
        self._open(i, mark)

    def _inside(self, i: int, mark: str) -> int:
        """Handle a mark met while a quote is open; return where to resume scanning."""
        opener = self.opener
        prev, nxt = self._context(i)
        if opener in "“„":
            if mark == '"':
                if self.inner:
                    if not _open_looking(prev, nxt):
                        self.inner = 0
                elif _open_looking(prev, nxt) and not _close_looking(prev, nxt):
                    self.inner = 1
                else:
                    self._close(i)
            elif mark == opener and not (opener == "“" and _close_looking(prev, nxt)):
                self.depth += 1
            elif mark in _PAIRED[opener] or mark == opener:
                self._close(i)
        elif opener in _PAIRED:
            if mark in _PAIRED[opener]:
                self._close(i)
            elif mark == opener:
                self.depth += 1
        elif opener in '"”»›':
            if mark == opener:
                if _open_looking(prev, nxt) and not _close_looking(prev, nxt) and self._can_open(i, mark):
                    self._restart(i, mark)
                else:
                    self._close(i)
            elif opener == '"' and mark in "“”":
                self._inside_straight(i, mark, prev, nxt)
            elif (opener == "”" and mark == '"' and not _open_looking(prev, nxt)) or (
                (opener, mark) in (("»", "«"), ("›", "‹"))
            ):
                self._close(i)
        elif (
            mark in "’'‘"
            and _close_looking(prev, nxt)
            and not self._ends_n_elision(i)
            and not self._apostrophe_before_word(i)
        ):
            self._close(i)
        return i + 1

    def _inside_straight(self, i: int, mark: str, prev: str, nxt: str) -> None:
        """Curly marks inside a straight quote: “…” nests; a lone closing-placed one closes it."""
        if mark == "“" and _open_looking(prev, nxt) and not _close_looking(prev, nxt):
            self.inner += 1
        elif self.inner:
            self.inner -= 1
        elif (mark == "”" and not _open_looking(prev, nxt)) or (mark == "“" and _close_looking(prev, nxt)):
            self._close(i)

    def _ends_n_elision(self, i: int) -> bool:
        """The second mark of "rock ’n’ roll" is part of the word, not a closing mark."""
        text = self.text
        return i >= 2 and text[i - 1] in "nN" and text[i - 2] in "’'‘" and (i == 2 or text[i - 3].isspace())

    def _before_word(self, k: int) -> bool:
        """A single mark between a letter and the next word: "workers’ rights", "‘credible’ visit"."""
        text = self.text
        return (
            0 < k < self.n - 2
            and text[k - 1].isalnum()
            and text[k + 1] in " \t\u00a0"
            and text[k + 2].isalnum()
        )

    def _apostrophe_before_word(self, i: int) -> bool:
        """Whether a closing-placed single mark after -s/-z/-x and before a word ("Guterres’
        support") is a possessive apostrophe rather than the closing mark.

        It is when the quote still has a clear closer ahead: the next single mark in the
        paragraph that is neither inside a word nor itself before a word sits in closing
        position. It is not when that mark opens a new quote or there is none ("‘credible’
        visit"). The answer holds for every mark up to the deciding one, so it is cached and
        each character is scanned once.
        """
        if not self._before_word(i) or self.text[i - 1] not in "sSzZxX":
            return False
        if i < self.apos_until:
            return self.apos_result
        text = self.text
        result, until, pos = False, self.n, i + 1
        while (m := _SINGLE_OR_NEWLINE_RE.search(text, pos)) is not None:
            k = pos = m.start()
            if text[k] in _NEWLINES:
                until = k
                break
            if not self._before_word(k):
                prev, nxt = self._context(k)
                if _close_looking(prev, nxt) or _open_looking(prev, nxt):
                    result, until = _close_looking(prev, nxt), k
                    break
            pos = k + 1
        self.apos_until, self.apos_result = until, result
        return result


def find_quotes(text: str) -> list[Quote]:
    """Return the outermost quotations of `text`, in text order and non-overlapping.

    Never raises on any string; see the module docstring for how each mark is read.
    Typewriter double quotes written as two apostrophes or backticks (''like this'', ``or
    this'') are read as straight double quotes: the pair is scanned as a space and a `"`, in
    the order that keeps the space outside the quote, so offsets never change.
    """
    return _Scanner(straighten_doubled_marks(text)).run()


def straighten_doubled_marks(text: str) -> str:
    """`text` with ''typewriter'' and ``TeX`` double quotes as `"` plus a space (same length)."""
    if "''" in text or "``" in text:
        return _DOUBLED.sub(_as_straight, text)
    return text


_DOUBLED = re.compile(r"''|``")


def _as_straight(match: re.Match[str]) -> str:
    """`''` before a word opens (` "`), anywhere else it closes (`" `); same length as before."""
    following = match.string[match.end() : match.end() + 1]
    return ' "' if following and not following.isspace() and following not in ".,;:!?)" else '" '


def quoted_segments(quotes: Sequence[Quote], start: int, end: int) -> list[tuple[int, int]]:
    """Return the quoted spans intersecting `[start, end)`, clipped to it, in text order.

    A statement split around its attribution (“We will not give up,” he said, “and we will
    win.”) is two quotes; asking for the sentence's span gives both inner spans, so a caller can
    rebuild the quoted words. `quotes` must be in `find_quotes` order (binary search).
    """
    spans: list[tuple[int, int]] = []
    for k in range(bisect_right(quotes, start, key=lambda q: q.end), len(quotes)):
        quote = quotes[k]
        if quote.start >= end:
            break
        for s, e in quote.segments:
            s, e = max(s, start), min(e, end)
            if s < e:
                spans.append((s, e))
    return spans


def _countable(text: str, start: int, end: int) -> int:
    return (end - start) - len(_UNCOUNTED_RE.findall(text, start, end))


def quoted_fraction(text: str, quotes: Sequence[Quote], start: int, end: int) -> float:
    """Share (0..1) of the characters of `text[start:end]` that lie inside quotes.

    Whitespace and quotation marks are not counted, on either side of the ratio, so a fully
    quoted sentence scores 1.0 whether or not the span includes its marks, and a sentence with
    one quoted phrase scores that phrase's share. An empty or all-space span scores 0.0.
    """
    start, end = max(start, 0), min(end, len(text))
    total = _countable(text, start, end) if start < end else 0
    if total == 0:
        return 0.0
    inside = sum(_countable(text, s, e) for s, e in quoted_segments(quotes, start, end))
    return inside / total


def quote_at(quotes: Sequence[Quote], offset: int) -> Quote | None:
    """Return the quote whose extent (opening mark through closing mark) contains `offset`.

    For an unclosed quote the extent ends with its last quoted character. `quotes` must be in
    `find_quotes` order (binary search).
    """
    k = bisect_right(quotes, offset, key=lambda q: q.open_mark) - 1
    if k < 0:
        return None
    quote = quotes[k]
    return quote if offset < quote.outer_end else None
