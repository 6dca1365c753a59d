"""Tie what an engine says to the exact words of the article.

Two uses:

* while the LLM answers, the draft models' validators call `evidence_error` and `quote_error`;
  the article they check against is set for the duration of one request by
  `grounding_context`, so the validators need no Jinja context from instructor (whose
  templating would rewrite an article containing `{{ ... }}`);
* after any engine, `locate` turns a passage into character offsets in the original text.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

_ARTICLE: contextvars.ContextVar[ArticleIndex | None] = contextvars.ContextVar("article", default=None)

_SHOWN = 160  # how much of a passage an error message repeats back to the model


@contextlib.contextmanager
def grounding_context(text: str) -> Iterator[None]:
    """Make `text` the article the draft validators check against (task- and thread-local)."""
    token = _ARTICLE.set(ArticleIndex(text))
    try:
        yield
    finally:
        _ARTICLE.reset(token)


def _clip(s: str) -> str:
    return s if len(s) <= _SHOWN else s[: _SHOWN - 3] + "..."


def closest_passage(text: str, passage: str) -> str | None:
    """The stretch of `text` most like `passage`, for telling the model what it should have copied."""
    if not passage or not text:
        return None
    matcher = difflib.SequenceMatcher(None, text, passage, autojunk=False)
    match = matcher.find_longest_match(0, len(text), 0, len(passage))
    if match.size < 8:
        return None
    start = max(0, match.a - match.b)
    end = min(len(text), start + len(passage))
    return text[start:end]


def _not_found(label: str, passage: str, text: str) -> str:
    message = f"{label} {_clip(passage)!r} is not in the article."
    near = closest_passage(text, passage)
    if near:
        message += f" The closest passage is {_clip(near)!r}: copy the article's words exactly."
    else:
        message += " Copy the article's words exactly, or leave the item out."
    return message


def evidence_error(passage: str, index: int = 0) -> str | None:
    """Why `passage` cannot serve as evidence, or None when the current article holds it.

    Exact, normalized (quotes, dashes, spaces, case) and close fuzzy matches all pass: the
    normalization step replaces them by the article's own words, so a retry would only cost.
    """
    article = _ARTICLE.get()
    if article is None:
        return None
    if not passage.strip():
        return f"evidence[{index}] is empty: give a passage of the article."
    if article.align(passage) is not None:
        return None
    return _not_found(f"evidence[{index}]", passage, article.text)


def quote_error(content: str, evidence: Sequence[str] = ()) -> str | None:
    """Why a direct quote's content is not the article's words, or None when it is.

    The content is the article's words when it occurs in the article as a whole (exact,
    normalized or fuzzy), or when it is the quoted parts of one statement joined in order (a
    quote split around its attribution, or fragments of one sentence): each part must then be
    in the article, in order, close together and near the statement's evidence (`parts`).
    """
    article = _ARTICLE.get()
    if article is None or article.align(content) is not None:
        return None
    if article.parts(content, within=article.region(evidence)) is not None:
        return None
    return (
        _not_found("This direct quote", content, article.text)
        + " Give the quoted words in the article's order; if the article does not quote them, "
        "use kind 'indirect'."
    )


def locate(text: str, passage: str) -> tuple[int, int] | None:
    """Character offsets of the first exact occurrence of `passage` in `text`, or None."""
    if not passage:
        return None
    start = text.find(passage)
    if start < 0:
        return None
    return start, start + len(passage)


# --------------------------------------------------------------------------- alignment

MatchStatus = Literal["exact", "normalized", "fuzzy"]

_CHAR_MAP = {
    **dict.fromkeys('“”„‟«»"″〝〞＂', '"'),
    **dict.fromkeys("‘’‚‛'′`´", "'"),
    **dict.fromkeys("‐‑‒–—―−﹘﹣－", "-"),
}
_FUZZY_MIN_WORDS = 4
_FUZZY_RATIO = 0.85
PART_GAP_WORDS = 40
"""How many article words may separate two parts of one quote (an attribution between them)."""
PART_SLACK = 300
"""How far (characters) outside its evidence a split quote's parts may start or end."""
_WORD = re.compile(r"\w+")


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """`text` with quotes, dashes, whitespace and case made uniform, and where each char came from.

    Returns the normalized string and, for each of its characters, the index of the original
    character it stands for, so a match in the normalized text maps back to original offsets
    (whatever the accents, CJK characters or emoji around it).
    """
    out: list[str] = []
    where: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space and out and out[-1] != "-":  # "a - b" and "a—b" compare equal
                out.append(" ")
                where.append(i)
            in_space = True
            continue
        in_space = False
        if ch == "…":
            out.extend("...")
            where.extend((i, i, i))
            continue
        mapped = _CHAR_MAP.get(ch)
        if mapped is None:
            lower = ch.lower()
            mapped = lower if len(lower) == 1 else ch
        if mapped == "-" and out and out[-1] == " ":
            out.pop()
            where.pop()
        out.append(mapped)
        where.append(i)
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


_TRANSLATE = str.maketrans({**_CHAR_MAP, "…": "..."})
_SPACES = re.compile(r"\s+")
_DASH_SPACE = re.compile(r" ?- ?")


def normalize_text(text: str) -> str:
    """The normalized form used for comparisons: the same string `normalize_with_map` builds.

    Done with `str.translate` and two substitutions instead of a Python loop: it runs for every
    passage of every item, where the per-character map is not needed.
    """
    out = _SPACES.sub(" ", text.translate(_TRANSLATE)).strip()
    out = _DASH_SPACE.sub("-", out)
    lower = out.lower()
    if len(lower) == len(out):
        return lower
    return "".join(c if len(low := c.lower()) != 1 else low for c in out)


@dataclass(frozen=True)
class Alignment:
    """Where a passage stands in the article, and how closely it matched."""

    start: int
    end: int
    status: MatchStatus


def _all_occurrences(haystack: str, needle: str) -> list[int]:
    found: list[int] = []
    start = haystack.find(needle)
    while start >= 0:
        found.append(start)
        start = haystack.find(needle, start + 1)
    return found


SCAN_LIMIT = 20_000
"""Texts up to this many characters are searched with `str.find`; longer ones through a word
index, so aligning the passages of an article costs time linear in the article, not in passages
times characters (a long article has proportionally many items)."""


class _WordStarts:
    """Where each word of a text starts, to find a needle through one of its inner words.

    A word bounded by non-word characters inside the needle is the same word wherever the needle
    occurs, so the needle's occurrences are among that word's starts, shifted back by the word's
    offset in the needle. The rarest such word is used: the cost of a search is the number of
    times that word occurs, not the length of the text.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: dict[str, list[int]] = {}
        for m in _WORD.finditer(text):
            self.starts.setdefault(m.group(), []).append(m.start())

    def find_all(self, needle: str) -> list[int]:
        inner = [
            m
            for m in _WORD.finditer(needle)
            if m.start() > 0 and m.end() < len(needle)  # bounded inside the needle on both sides
        ]
        if not inner:
            return _all_occurrences(self.text, needle)
        anchor = min(inner, key=lambda m: len(self.starts.get(m.group(), ())))
        text, offset = self.text, anchor.start()
        return [
            start
            for at in self.starts.get(anchor.group(), ())
            if (start := at - offset) >= 0 and text.startswith(needle, start)
        ]


class ArticleIndex:
    """One article prepared for aligning many passages: normalized text, words, index maps."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._norm: tuple[str, list[int]] | None = None
        self._word_index: tuple[list[tuple[int, int, str]], dict[str, list[int]]] | None = None
        self._finders: dict[bool, _WordStarts] = {}
        self._found: dict[str, list[Alignment]] = {}

    @property
    def norm(self) -> str:
        """The normalized text, built on first need: exact matches, the common case, skip it."""
        if self._norm is None:
            self._norm = normalize_with_map(self.text)
        return self._norm[0]

    @property
    def _where(self) -> list[int]:
        self.norm  # noqa: B018 - builds the map
        assert self._norm is not None
        return self._norm[1]

    @property
    def _words(self) -> list[tuple[int, int, str]]:
        return self._word_table()[0]

    @property
    def _positions(self) -> dict[str, list[int]]:
        return self._word_table()[1]

    def _word_table(self) -> tuple[list[tuple[int, int, str]], dict[str, list[int]]]:
        if self._word_index is None:
            words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(self.norm)]
            positions: dict[str, list[int]] = {}
            for i, (_, _, word) in enumerate(words):
                positions.setdefault(word, []).append(i)
            self._word_index = (words, positions)
        return self._word_index

    def _orig(self, nstart: int, nend: int) -> tuple[int, int]:
        return self._where[nstart], self._where[nend - 1] + 1

    def _find_all(self, needle: str, normalized: bool) -> list[int]:
        haystack = self.norm if normalized else self.text
        if len(haystack) <= SCAN_LIMIT:
            return _all_occurrences(haystack, needle)
        finder = self._finders.get(normalized)
        if finder is None:
            finder = self._finders[normalized] = _WordStarts(haystack)
        return finder.find_all(needle)

    def occurrences(self, passage: str) -> list[Alignment]:
        """Every exact occurrence of `passage`; failing that, every normalized one.

        Remembered per passage: items of one article often cite the same words, and a passage
        repeated through a text would otherwise be searched once per item citing it."""
        if not passage or not passage.strip():
            return []
        known = self._found.get(passage)
        if known is not None:
            return known
        exact = self._find_all(passage, normalized=False)
        if exact:
            found = [Alignment(s, s + len(passage), "exact") for s in exact]
        else:
            needle = normalize_text(passage)
            found = (
                [
                    Alignment(*self._orig(s, s + len(needle)), "normalized")
                    for s in self._find_all(needle, True)
                ]
                if needle
                else []
            )
        self._found[passage] = found
        return found

    def fuzzy(self, passage: str, within: tuple[int, int] | None = None) -> Alignment | None:
        """The stretch of words most like `passage` when it is close enough (word-level ratio).

        Candidate windows are anchored on the passage's rarest words, so the cost stays small
        on long articles. `within` (original offsets) restricts the search to part of the text.
        """
        words = _WORD.findall(normalize_text(passage))
        if len(words) < _FUZZY_MIN_WORDS:
            return None
        anchors = sorted(
            ((len(self._positions.get(w, ())), k, w) for k, w in enumerate(words) if w in self._positions),
        )[:3]
        starts = {max(0, j - k) for _, k, w in anchors for j in self._positions[w]}
        best: tuple[float, int, int] | None = None
        slack = max(1, len(words) // 10)
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(words)
        text_words = [w for _, _, w in self._words]
        for s in sorted(starts):
            for size in range(len(words) - slack, len(words) + slack + 1):
                window = text_words[s : s + size]
                if not window:
                    continue
                matcher.set_seq1(window)
                if matcher.real_quick_ratio() < _FUZZY_RATIO or matcher.quick_ratio() < _FUZZY_RATIO:
                    continue
                ratio = matcher.ratio()
                if best is None or ratio > best[0]:
                    best = (ratio, s, s + len(window))
        if best is None or best[0] < _FUZZY_RATIO:
            return None
        _, first, last = best
        start, end = self._orig(self._words[first][0], self._words[last - 1][1])
        if within is not None and not (within[0] <= start and end <= within[1]):
            return None
        return Alignment(start, end, "fuzzy")

    def align(
        self, passage: str, *, taken: set[int] | frozenset[int] = frozenset(), near: int | None = None
    ) -> Alignment | None:
        """Align one passage: exact, then normalized, then fuzzy.

        A passage that occurs several times maps to the occurrence the item means: the one
        nearest `near` when the caller knows where the item is, otherwise the first occurrence
        whose start is not `taken` by an earlier item citing the same words (the nth item that
        cites a repeated sentence gets its nth occurrence).
        """
        found = self.occurrences(passage)
        if not found:
            return self.fuzzy(passage)
        if near is not None:
            return min(found, key=lambda a: (abs(a.start - near), a.start))
        return next((a for a in found if a.start not in taken), found[0])

    def region(self, passages: Sequence[str], slack: int = PART_SLACK) -> tuple[int, int] | None:
        """The stretch of text a statement's evidence covers, widened by `slack` on each side;
        None when no passage aligns (then nothing constrains where the parts stand)."""
        found = [a for a in (self.align(p) for p in passages if p and p.strip()) if a is not None]
        if not found:
            return None
        start = min(a.start for a in found)
        end = max(a.end for a in found)
        return max(0, start - slack), min(len(self.text), end + slack)

    def parts(
        self, content: str, within: tuple[int, int] | None = None, max_gap: int = PART_GAP_WORDS
    ) -> list[Alignment] | None:
        """Where the parts of a content joined from several stretches of the article stand.

        "smart as hell, full of s---" is "smart as hell," and "full of s---." with an attribution
        between them. Words are compared normalized (case, quotes, dashes; punctuation between
        words ignored), so how the parts were joined does not matter. The content's words must be
        consecutive runs of article words, in the article's order, each run after the previous
        one by at most `max_gap` words, the first starting inside `within` (original offsets)
        and the last ending inside it. The longest run is taken at each step, so the cost is
        linear in the number of times each word occurs. None when the content is not made so.
        """
        wanted = _WORD.findall(normalize_text(content))
        if len(wanted) < 2:
            return None
        words = self._words
        positions = self._positions
        runs: list[tuple[int, int]] = []  # (first article word, word count)
        i, after = 0, -1
        while i < len(wanted):
            best: tuple[int, int] | None = None
            for j in positions.get(wanted[i], ()):
                if j <= after or (runs and j - after - 1 > max_gap):
                    continue
                if not runs and within is not None and not within[0] <= self._where[words[j][0]] < within[1]:
                    continue
                length = 0
                while (
                    i + length < len(wanted)
                    and j + length < len(words)
                    and words[j + length][2] == wanted[i + length]
                ):
                    length += 1
                if best is None or length > best[1]:
                    best = (j, length)
            if best is None or (best[1] < 2 and i + best[1] < len(wanted)):
                return None  # a word not found, or a one-word run in the middle: not this content
            runs.append(best)
            i += best[1]
            after = best[0] + best[1] - 1
        spans = [Alignment(*self._orig(words[j][0], words[j + n - 1][1]), "normalized") for j, n in runs]
        if within is not None and spans[-1].end > within[1]:
            return None
        return spans
