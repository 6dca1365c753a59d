"""The names of one article: capitalized runs classified as person, place or organization.

Shared by the meeting and allegation readers (computed once per article): a run of capitalized
words is split into its title and its name ("Tarvanian Prime Minister Jorik Baltes"), classified
(person, place, organization, group, adjective, bare title), and looked up: the fullest form of
a surname ("Varga" -> "Anselm Varga"), the last person named before a pronoun, the country a
titled person belongs to. Word lists live in `data/` (see each file's header).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from summarizer.engines.rules.data import load_lines, load_words
from summarizer.engines.rules.text import Sentence, names_in
from summarizer.normalize.entities import (
    COUNTRIES,
    DEMONYMS,
    GROUP_NOUNS,
    MODIFIER_WORDS,
    ORG_WORDS,
    ROLE_WORDS,
    TAIL_WORDS,
)

__all__ = ["ArticleNames", "Mention", "article_names", "core_words", "demonym_of"]

# --------------------------------------------------------------------------- vocabulary


def _words(text: str) -> list[str]:
    return text.split()


_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\."
)
_TIME_WORDS = frozenset(w.lower().rstrip(".") for w in (_WEEKDAYS + "|" + _MONTHS).split("|")) | {"sept"}

_LEADING_STOP = load_words("leading_stop_words.txt")
"""Capitalized words that start a sentence or phrase without being part of a name."""

_PLACE_WORDS = load_words("place_words.txt")
_EVENT_WORDS = load_words("event_words.txt")
_PLACE_NAMES = frozenset(load_lines("place_names.txt"))
"""Well-known places of more than one word, which would otherwise read as a person's name."""
_TITLE_WORDS = ROLE_WORDS | MODIFIER_WORDS | TAIL_WORDS | {"un", "u.n.", "eu", "nato", "of", "for"}
_PARTICLES = frozenset(
    _words(
        """
    al el bin ibn bint ben abu van von der den de da di du la le dos das del ter zu
    """
    )
)
_AFFILIATIONS = frozenset(
    _words(
        "republican democrat democratic libertarian green conservative labour liberal socialist independent"
    )
)
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_DEMONYM_SUFFIX = re.compile(r"(?:ian|ean|an|ese|ish|ic|i|ch|ese)$")
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_COUNTRY_KEYS = frozenset(c.lower() for c in COUNTRIES)
_HEAD_TITLES = ("president", "prime minister", "chancellor", "premier", "king", "queen", "emir", "sultan")


@lru_cache(maxsize=16384)
def _bare(token: str) -> str:
    return _POSSESSIVE.sub("", token.strip(',;:!?()"“”«»')).rstrip(".") if token else token


@lru_cache(maxsize=16384)
def _is_title_token(token: str) -> bool:
    word = _bare(token).lower()
    if word in _TITLE_WORDS or word + "." in _TITLE_WORDS:
        return True
    parts = word.split("-")
    return len(parts) > 1 and all(p in _TITLE_WORDS for p in parts)


@lru_cache(maxsize=16384)
def _demonym_like(token: str) -> bool:
    word = _bare(token).lower()
    return word in DEMONYMS or (bool(_DEMONYM_SUFFIX.search(word)) and len(word) > 4)


@lru_cache(maxsize=16384)
def _stem(word: str) -> str:
    word = word.lower()
    stem = word.rstrip("aeiouy")
    return stem if len(stem) >= 4 else word


@lru_cache(maxsize=16384)
def demonym_of(adjective: str, country: str) -> bool:
    """Whether `adjective` names `country`'s people ("Tarvanian" -> "Tarvania", "Chinese" -> "China")."""
    adj, land = _bare(adjective).lower(), _bare(country).lower()
    if adj == land:
        return False
    if DEMONYMS.get(adj, "").replace(" ", "") == land.replace(" ", ""):
        return True
    return len(land) >= 4 and adj.startswith(_stem(land)) and len(adj) - len(_stem(land)) <= 4


_FUNCTION_WORDS = frozenset(
    _words(
        """
        on in at and or to for with by from of as said says say has have had is are was were will would
        could may might can must should did does do not also then when where while after before since
        until during over under about against into onto than that which who
        """
    )
)


# --------------------------------------------------------------------------- names of an article


@dataclass(slots=True)
class Mention:
    """A capitalized name in the article: where, as written, and what it is taken to be."""

    start: int
    end: int
    raw: str
    core: str
    title: str
    kind: str  # person, place, org, adj, title, none
    possessor: bool = False  # "Qadira's chief negotiator": names an owner, not a participant
    affiliation: str | None = None  # the country a titled person belongs to


_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|outside|inside)\s+(?:the\s+)?|\b(?:city|town|village|capital|port|region|province)"
    r"\s+of\s+)$"
)
_OF_AFTER = re.compile(r"\s+of\s+(?:the\s+)?$")
_OF_COUNTRY = re.compile(r"\s+of\s+([A-Z][\w’'-]+)")
_DATELINE = re.compile(
    r"\A\s*(?P<city>[A-Z][A-Z .’'-]+?)(?:,\s+(?P<where>[A-Z][\w .’'-]+?))?\s+(?:—|–|--)\s+"
)


@lru_cache(maxsize=16384)
def _split_run(raw: str) -> tuple[str, str, bool]:
    """(title, core, trailing possessive) of one capitalized run."""
    tokens = raw.split()
    while tokens and tokens[-1].endswith(".") and len(_bare(tokens[-1])) > 2 and tokens[-1][:-1].isalpha():
        tokens[-1] = tokens[-1][:-1]
        break
    while tokens and (
        tokens[0].lower().strip(",") in _LEADING_STOP or _bare(tokens[0]).lower() in _TIME_WORDS
    ):
        tokens = tokens[1:]
    while tokens and _bare(tokens[-1]).lower() in _TIME_WORDS:
        tokens = tokens[:-1]
    if not tokens:
        return "", "", False
    possessive = bool(_POSSESSIVE.search(tokens[-1]))
    title: list[str] = []
    for i in range(len(tokens) - 2, -1, -1):
        if _POSSESSIVE.search(tokens[i]):
            title, tokens = tokens[: i + 1], tokens[i + 1 :]
            break
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if (
            _is_title_token(tok)
            or (nxt[:1].isupper() and _bare(tok).lower() in _AFFILIATIONS)
            or (
                nxt
                and (_is_title_token(nxt) or _bare(nxt).lower() in DEMONYMS)
                and (_demonym_like(tok) or tok.isupper())
            )
        ):
            i += 1
            continue
        break
    if i and i == len(tokens) and not title:
        # all title words: "Chinese Minister", a description, not a name
        return " ".join(tokens), "", possessive
    title, tokens = [*title, *tokens[:i]], tokens[i:]
    for k in range(len(tokens) - 2, -1, -1):
        # a title inside the run: "What Mr. Obama", "UN High Commissioner for Human Rights Miriam X"
        if _is_title_token(tokens[k]) and any(_bare(t).lower() not in _SUFFIXES for t in tokens[k + 1 :]):
            title, tokens = [*title, *tokens[: k + 1]], tokens[k + 1 :]
            break
    core = [_bare(t) if j == len(tokens) - 1 else t for j, t in enumerate(tokens)]
    if len(core) > 3 and not any(t.lower() in _PARTICLES for t in core):
        title, core = [*title, *core[:-2]], core[-2:]
    return " ".join(title), " ".join(core), possessive


@lru_cache(maxsize=16384)
def _classify_run(raw: str) -> tuple[str, str, bool, str]:
    """(title, core, trailing possessive, kind) of one capitalized run."""
    title, core, possessive = _split_run(raw)
    return title, core, possessive, _kind(title, core, raw)


def _kind(title: str, core: str, raw: str) -> str:
    if not core:
        return "title" if title else "none"
    words = [_bare(w).lower() for w in core.split()]
    if any(w in ORG_WORDS for w in words):
        return "org"
    if any(w in _PLACE_WORDS for w in words) and len(words) > 1:
        return "place"
    if any(w in _EVENT_WORDS for w in words):
        return "org"
    if core.lower() in _COUNTRY_KEYS or core.lower() in _PLACE_NAMES:
        return "place"
    if len(words) == 1 and words[0] in GROUP_NOUNS:
        return "group"
    if raw.isupper() and len(raw) > 3:
        return "place"
    if len(words) >= 2:
        return "person"
    if title and any(_bare(t).lower() in ROLE_WORDS for t in title.split()):
        return "person"
    return "place"


class ArticleNames:
    """The capitalized names of one article, classified, with pronoun and surname resolution."""

    def __init__(self, text: str, sents: Sequence[Sentence]) -> None:
        self.text = text
        dateline = _DATELINE.match(text)
        self.body_start = dateline.end() if dateline else 0
        self.dateline_city = dateline["city"].title() if dateline else None
        self.dateline_place = dateline["where"] if dateline and dateline["where"] else None
        self.mentions: list[Mention] = []
        person_tokens: dict[str, Counter[str]] = {}
        self.places: set[str] = set()
        places = self.places
        for start, end in _runs(text, sents):
            raw = text[start:end]
            title, core, possessive, kind = _classify_run(raw)
            if core and _PLACE_BEFORE.search(text, max(0, start - 40), start):
                places.add(core)
            self.mentions.append(Mention(start, end, raw, core, title, kind, possessor=possessive))
        for m in self.mentions:
            if m.kind == "person" and " " in m.core and m.core not in places:
                for word in core_words(m.core):
                    person_tokens.setdefault(word, Counter())[m.core] += 1
        self.full_names: dict[str, str] = {}
        for word, fulls in person_tokens.items():
            longest = max(fulls, key=lambda f: (len(f.split()), f))
            if all(set(core_words(f)) <= set(core_words(longest)) for f in fulls):
                self.full_names[word] = longest
                continue
            # "Hillary Clinton" 20 times, "Injecting Clinton" once: the name is the usual form
            (best, n), *rest = fulls.most_common()
            if n >= 2 * rest[0][1]:
                self.full_names[word] = best
        for m in self.mentions:
            if m.kind == "person" and m.core in places:
                m.kind = "place"
            elif (
                m.kind in ("place", "other")
                and m.core.lower() in self.full_names
                and m.core.lower() not in _COUNTRY_KEYS
            ):
                m.kind = "person"
            elif m.kind == "person" and len(m.core.split()) == 1 and not m.title:
                m.kind = "person" if m.core.lower() in self.full_names else "place"
        self._countries = {m.core for m in self.mentions if m.kind == "place" and " " not in m.core}
        for m in self.mentions:
            if (
                m.kind == "place"
                and " " not in m.core
                and self._follows_lowercase(m)
                and _demonym_like(m.core)
                and m.core.lower() not in _COUNTRY_KEYS
            ):
                m.kind = "adj"
        self.persons = [m for m in self.mentions if m.kind == "person"]
        self._affiliated: dict[str, list[Mention]] | None = None
        self._person_starts = [m.start for m in self.persons]
        self._starts = [m.start for m in self.mentions]

    def _follows_lowercase(self, m: Mention) -> bool:
        rest = self.text[m.end : m.end + 30]
        match = re.match(r"\s+(\S+)", rest)
        if not match:
            return False
        word = match[1].strip(",.;:").lower()
        return (match[1][0].islower() and word not in _FUNCTION_WORDS) or _is_title_token(match[1])

    def _affiliation(self, m: Mention) -> str | None:
        for token in m.title.split():
            bare = _bare(token)
            if _POSSESSIVE.search(token) and bare in self._countries:
                return bare
            for country in self._countries:
                if demonym_of(bare, country):
                    return country
        tail = _OF_COUNTRY.match(self.text, m.end)
        if tail and tail[1] in self._countries:
            return tail[1]
        for token in m.title.split():
            named = DEMONYMS.get(_bare(token).lower())
            if named:
                return named.title()  # "German Chancellor X" in an article that never says "Germany"
        return None

    # ------------------------------------------------------------------ look-ups

    def full(self, core: str) -> str:
        """The fullest form of a person's name the article uses ("Varga" -> "Anselm Varga")."""
        if " " not in core:
            return self.full_names.get(core.lower(), core)
        return core

    def within(self, start: int, end: int) -> list[Mention]:
        lo = bisect.bisect_left(self._starts, start)
        hi = bisect.bisect_left(self._starts, end)
        return [m for m in self.mentions[lo:hi] if m.end <= end]

    def person_before(self, pos: int) -> Mention | None:
        i = bisect.bisect_left(self._person_starts, pos) - 1
        return self.persons[i] if i >= 0 else None

    def affiliation(self, m: Mention) -> str | None:
        """The country a titled person belongs to ("Tarvanian Prime Minister X", "X of Norland")."""
        if m.affiliation is None and m.kind == "person":
            m.affiliation = self._affiliation(m) or ""
        return m.affiliation or None

    def person_with(self, country: str, roles: Sequence[str]) -> Mention | None:
        """The one person the article names with this country and one of these titles."""
        found = {
            self.full(m.core): m
            for m in self._by_country().get(country, ())
            if any(r in m.title.lower() for r in roles)
        }
        return next(iter(found.values())) if len(found) == 1 else None

    def _by_country(self) -> dict[str, list[Mention]]:
        """Titled people by the country they belong to, computed once: look-ups stay linear."""
        if self._affiliated is None:
            self._affiliated = {}
            for m in self.persons:
                if m.title and (country := self.affiliation(m)):
                    self._affiliated.setdefault(country, []).append(m)
        return self._affiliated

    def country_of(self, person: str) -> str | None:
        for members in self._by_country().values():
            for m in members:
                if self.full(m.core) == person:
                    return m.affiliation
        for m in self.persons:
            if not m.title and self.full(m.core) == person and self.affiliation(m):
                return m.affiliation
        return None


@lru_cache(maxsize=16384)
def core_words(core: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in core.split() if w.lower() not in _PARTICLES)


def article_names(text: str, sents: Sequence[Sentence]) -> ArticleNames:
    """The names of `text`, computed once for the meeting and the allegation readers."""
    return _cached_names(text, tuple(sents))


@lru_cache(maxsize=8)
def _cached_names(text: str, sents: tuple[Sentence, ...]) -> ArticleNames:
    return ArticleNames(text, sents)


_RUN_BREAK = re.compile(r"(?<=\w\w\w)[.!?]\s+(?=[A-Z])|\s*\n\s*")


def _runs(text: str, sents: Sequence[Sentence]) -> list[tuple[int, int]]:
    """Capitalized runs, sentence by sentence, cut where a sentence inside a quote ends."""
    out = []
    for sent in sents:
        for start, end in names_in(text, sent.start, sent.end):
            piece_start = start
            for brk in _RUN_BREAK.finditer(text, start, end):
                if brk.start() > piece_start:
                    out.append((piece_start, brk.start()))
                piece_start = brk.end()
            if end > piece_start:
                out.append((piece_start, end))
    return out


