"""Meetings read with patterns: who met whom, where, when and at what occasion.

News reports an in-person meeting with a small set of constructions, and this module reads
those, sentence by sentence, with regular expressions and a little bookkeeping of names:

* a verb of meeting with a subject and an object: "X met (with) Y", "X held talks with Y",
  "X hosted Y", "X received Y", "X visited COUNTRY and met Y", "X held separate meetings
  with ...";
* the verb without an object, the subject being everyone who met: "The leaders of A, B and C
  met in ...", "X and Y held talks";
* a noun: "Talks between X and Y ...";
* the passive: "X had been received by Y" ("each ... separately" makes it one meeting per
  guest), and a host added to the meeting just reported: "The meeting, hosted by X, ...".

Who took part is a person when the article names one (a lone surname after a verb of meeting
counts: "Macron received Zelensky"), otherwise a country ("the heads of Kazakhstan, Turkmenistan
and Serbia"; a country list needs such a role, or real country names). Countries listed after
a role ("the prime ministers of A, B and C") become the person the article names later with
that role and country ("Tarvanian Prime Minister Jorik Baltes"). A list met one by one ("met
separately with", "held separate meetings with", "met with the heads of A, B and C") gives one
meeting per pair; people who met together ("met with A and her foreign minister, B"; a summit)
give one meeting.

Pronouns ("where he met") are the last person named; "The two" and "Their foreign ministers"
refer to the meeting just reported. Phone and video calls are not meetings, and neither are
planned ones: only past-tense verbs trigger ("met", never "will meet" or "is due to meet"),
and a sentence about a call is skipped. Neither are "was met with criticism" (passive) and
"where he met his wife" (private life).

`location` is the city after "in" ("in the port city of X"), else a place after "at", else the
country visited, else the meeting just before, else the dateline's city.

`date_text` is the article's own words for when ("Later on Saturday", "last week", "During the
two-day trip"); a sentence without one takes the time of the meeting or sentence just before
it, as news copy does. Normalization resolves the day.

`ArticleNames` (the article's capitalized names, classified as person, place or organization,
with pronoun resolution and full names for surnames) is shared with the allegation reader.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

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
from summarizer.schema import MeetingDraft

__all__ = ["ArticleNames", "Mention", "article_names", "date_expressions", "find_meetings"]

# --------------------------------------------------------------------------- vocabulary


def _words(text: str) -> list[str]:
    return text.split()


_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\."
)
_TIME_WORDS = frozenset(w.lower().rstrip(".") for w in (_WEEKDAYS + "|" + _MONTHS).split("|")) | {"sept"}

_LEADING_STOP = frozenset(
    _words(
        """
    the a an on in at also later earlier meanwhile during since after before last this next but
    and yet while when separately talks their his her its our photo under outside inside neither
    both two three four five some many most every each as if with without from for by to of
    relations trade industry however although though then today yesterday according speaking
    under amid despite opposition state so-called it they he she we there these those that
    beyond what how why where who whether among within because unlike like once until instead now
    still even just only here more all no not one another other such several few either nor
    asked if whatever
    """
    )
)
"""Capitalized words that start a sentence or phrase without being part of a name."""

_PLACE_WORDS = frozenset(
    _words(
        """
    hall palace square street avenue airport base city island islands river delta strait sea bay
    province region mountains valley hotel hôtel palais castle cathedral stadium park bridge
    harbour harbor port
    """
    )
)
_EVENT_WORDS = frozenset(
    _words(
        """
    olympics games summit forum conference ceremony cup festival congress session war crisis
    pandemic election elections easter christmas ramadan
    """
    )
)
_PLACE_NAMES = frozenset(
    " ".join(name.split()).lower()
    for name in """New York|Los Angeles|San Francisco|San Diego|Las Vegas|New Orleans|New Jersey|New Mexico
    |New Hampshire|North Carolina|South Carolina|North Dakota|South Dakota|West Virginia|Rhode Island
    |Des Moines|St. Louis|Salt Lake City|Kansas City|Oklahoma City|Mexico City|New Delhi|Buenos Aires
    |Tel Aviv|Rio de Janeiro|Sao Paulo|São Paulo|Kuala Lumpur|Abu Dhabi|Addis Ababa|Cape Town|Hong Kong
    |Phnom Penh|Ho Chi Minh City|Dar es Salaam|Port-au-Prince|Sri Lanka|Puerto Rico|Silicon Valley
    |Wall Street|Capitol Hill|White House|Downing Street|Middle East|Latin America|South America
    |North America|Central America|Southeast Asia|East Asia|South Asia|Central Asia|West Africa
    |East Africa|North Africa|Western Europe|Eastern Europe|Gaza Strip|West Bank""".split("|")
)
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
                nxt and (_is_title_token(nxt) or _demonym_like(nxt)) and (_demonym_like(tok) or tok.isupper())
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
            elif m.kind in ("place", "other") and m.core.lower() in self.full_names:
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
            country = DEMONYMS.get(_bare(token).lower())
            if country:
                return country.title()  # "German Chancellor X" in an article that never says "Germany"
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
            for m in self.persons
            if any(r in m.title.lower() for r in roles) and self.affiliation(m) == country
        }
        return next(iter(found.values())) if len(found) == 1 else None

    def country_of(self, person: str) -> str | None:
        for m in self.persons:
            if self.full(m.core) == person and self.affiliation(m):
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


# --------------------------------------------------------------------------- dates

_DATE = re.compile(
    rf"""(?:
      (?:(?:[Aa]lso|[Ll]ater|[Ee]arlier)\s+)?(?:[Oo]n\s+)?(?:(?:last|this\s+past|this|past)\s+)?
        (?:{_WEEKDAYS})(?:\s+(?:morning|afternoon|evening|night))?(?:,\s+(?:{_MONTHS})\s+\d{{1,2}})?
    | (?:[Oo]n\s+)?(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,\s+\d{{4}})?
    | (?:[Oo]n\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})(?:\s+\d{{4}})?
    | (?:(?:[Ee]arlier|[Ll]ater)\s+)?(?:[Yy]esterday|[Tt]oday|[Tt]onight|[Ll]ast\s+night|[Tt]his\s+morning)
        (?:\s+(?:morning|afternoon|evening))?
    | (?:[Ee]arlier|[Ll]ater)\s+this\s+(?:week|month|year)|[Ll]ast\s+(?:week|month)|[Tt]his\s+week
    | (?:[Ii]n|[Ee]arly|[Ll]ate|[Mm]id-)\s*(?:January|February|March|April|June|July|August|September
        |October|November|December)(?:\s+\d{{4}})?
    | [Dd]uring\s+(?:the|his|her|their|a|an)\s+(?:[\w-]+\s+){{0,2}}(?:trip|visit|tour|stay)
    )\b""",
    re.X,
)
_DATE_NOT_EVENT = re.compile(r"\b(?:said|says|announced|released|published|reported|told)\s+$")
_RELATIVE_CLAUSE = re.compile(r",\s+(?:who|which|whose)\b[^,;]*(?:,|$)|\bsince\s+[^,;.]*")


def date_expressions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of time expressions in text[start:end], outside relative clauses and 'since' phrases."""
    masked = [(m.start(), m.end()) for m in _RELATIVE_CLAUSE.finditer(text, start, end)]
    out = []
    for m in _DATE.finditer(text, start, end):
        if any(a <= m.start() < b for a, b in masked):
            continue
        out.append((m.start(), m.end()))
    return out


def _pick_date(text: str, spans: list[tuple[int, int]], anchor: int, clause_start: int) -> str | None:
    """The time expression of the event at `anchor`: a fronted one, else the nearest one."""
    if not spans:
        return None

    def cost(span: tuple[int, int]) -> tuple[int, int, int]:
        said = bool(_DATE_NOT_EVENT.search(text[max(0, span[0] - 30) : span[0]]))
        fronted = span[0] <= clause_start + 2 and text[span[1] : span[1] + 1] == ","
        return (1 if said else 0, 0 if fronted else 1, abs(span[0] - anchor))

    best = min(spans, key=cost)
    return text[best[0] : best[1]]


# --------------------------------------------------------------------------- triggers

_TRIGGER = re.compile(
    r"""\b(?:
      (?P<passive>(?:was|were|been|being|be)\s+(?:(?:\w+ly|each)\s+)?(?:hosted|received|welcomed)
        (?:\s+\w+ly)?\s+by)
    | (?P<ptc_by>(?:hosted|chaired|mediated)\s+by)
    | (?P<met>met|meets)(?P<met_adv>(?:\s+(?:separately|jointly|privately|briefly|again|individually|also))*)
        (?P<met_with>\s+with)?
    | (?P<held>held|holds)\s+(?P<held_adj>(?:[\w-]+\s+){0,2}?)(?:talks|meetings?|discussions
        |an?\s+(?:[\w-]+\s+){0,2}?(?:meeting|summit))(?P<held_with>\s+with)?
    | (?P<between>(?:[Tt]alks|[Mm]eetings?|[Dd]iscussions|[Ss]ummit)\s+between)
    | (?P<hosted>hosted|received|welcomed)
    | (?P<visited>visited)
    )\b""",
    re.X,
)
_NOT_PAST = re.compile(
    r"\b(?:not|never|n't|to|will|would|shall|could|may|might|can|cannot)\s+(?:\w+\s+){0,1}$|\b(?:was|were)\s+$"
)
_CALL = re.compile(
    r"\b(?:phone|telephone|video\s*call|videoconference|video\s+link|virtual(?:ly)?|by\s+call|on\s+a\s+call)\b",
    re.I,
)
_FUTURE_NOUN = re.compile(
    r"\b(?:will|would|due\s+to|expected|planned|scheduled|set\s+to|upcoming|next|proposed|possible)\b"
)
_SEPARATE = re.compile(r"\b(?:separately|separate|individually|each|respectively|bilateral|one-on-one)\b")
_PRONOUN_SUBJECT = re.compile(
    r"\b(?P<p>[Hh]e|[Ss]he|[Tt]hey)\s+(?:(?:also|then|later|had|has|have|separately|briefly|first|"
    r"subsequently|reportedly|each|again)\s+)*$"
)
_GROUP_SUBJECT = re.compile(
    r"(?:\b[Tt]he\s+two(?:\s+(?:leaders|men|women|ministers|sides|officials|presidents))?|\b[Bb]oth"
    r"(?:\s+(?:leaders|men|women|ministers))?)\s+(?:(?:had|have|has|each|also|then|later)\s+)*$"
)
_THEIR_ROLE = re.compile(
    r"\b[Tt]heir\s+(?P<role>(?:foreign|defen[cs]e|finance|trade|economy|interior|justice|energy)\s+"
    r"ministers|deputies|envoys|negotiators|delegations)\s+(?:(?:had|have|also|then|later)\s+)*$"
)
_MEETING_NOUN = re.compile(
    r"\b(?:[Tt]he|[Tt]his|[Tt]hat)\s+(?:meeting|talks|session|summit|discussions)\s*,?\s*$"
)
_ROLE_LIST = re.compile(
    r"\b(?P<role>(?:(?:prime|foreign|defen[cs]e|finance|trade|interior|economy|justice|energy)\s+)?"
    r"(?:heads?|leaders?|presidents?|ministers?|premiers?|chancellors?|kings?|counterparts?)"
    r"(?:\s+of\s+(?:state|government))?)\s+of\s+(?:the\s+)?$"
)
_STOP_WORDS = frozenset(
    _words(
        """
    in at on during to after before last this yesterday today earlier later when where while as
    amid about since until from ahead following over near who which that said says told agreed
    discussed urged signed to into inside outside under against because despite with without
    than but so then and/or
    """
    )
)
_FUNCTION_WORDS = frozenset(
    _words(
        """
        on in at and or to for with by from of as said says say has have had is are was were will would
        could may might can must should did does do not also then when where while after before since
        until during over under about against into onto than that which who
        """
    )
)
_OWNED = re.compile(r"\b(?:his|her|their|its|our|my|your)\s+$")
_FAMILY = re.compile(
    r"\b(?:wife|husband|girlfriend|boyfriend|fiancée?|partner|son|daughter|mother|father|brother|sister)\b"
)
_LIST_WORDS = frozenset(
    _words("and of the also had have has each then later separately jointly finally first prime foreign")
)
_INTRANSITIVE_NEXT = re.compile(
    r"\s*(?:[,.;:]|(?:in|on|at|for|during|last|yesterday|today|earlier|later|this|behind|again|twice|overnight"
    r"|until|to|over|after|before|amid|privately|briefly)\b)"
)
_COMMA_CONTINUE = frozenset({"and", "the", "a", "an", "his", "her", "their", "its"})
_ROLE_NOUNS = ROLE_WORDS | frozenset(
    _words(
        """
        counterpart counterparts negotiator heads leaders ministers envoys representatives officials
        delegation delegations commanders figure
        """
    )
)
_TOKEN = re.compile(r"\S+")
_LOCATION_AFTER = re.compile(
    r"\b(?P<prep>in|at)\s+(?:the\s+)?(?:(?:[\w’'-]+\s+){0,3}?(?:city|town|village|capital|port|region|province|resort"
    r"|district)\s+of\s+|(?:[\w’'-]+\s+){0,2}?(?:capital|city|town),?\s+)?(?=[A-Z])"
)
_LOCATION_PLACE = re.compile(
    r"\bat\s+(?:the|a|an|his|her|their)\s+(?P<loc>(?:[a-z]+\s+)?(?:palace|residence|embassy|headquarters"
    r"|ministry|base|hall|house))\b"
)
_VISITED = re.compile(r"\bvisited\s+(?=[A-Z])")
_OCCASION = (
    re.compile(
        r"\bon\s+the\s+sidelines\s+of\s+(?:the\s+|a\s+|an\s+)?(?P<occ>.+?)(?=\s+(?:in|on|at|last|this|yesterday)\b"
        r"|[,.;]|$)"
    ),
    re.compile(r"\b(?:after|before|while)\s+attending\s+(?:the\s+|a\s+|an\s+)?(?P<occ>[^,.;]+?)(?=[,.;]|$)"),
    re.compile(r"\bfor\s+(?:a|the)\s+(?P<occ>summit(?:\s+on\s+[^,.;]+?)?)(?=[,.;]|\s+in\b|\s+at\b|$)"),
)


@dataclass
class _Meeting:
    participants: list[str]
    sentence: int
    location: str | None
    date_text: str | None
    occasion: str | None
    evidence: list[str] = field(default_factory=list)


class _Reader:
    def __init__(self, text: str, sents: Sequence[Sentence], published: datetime.date | None) -> None:
        self.text = text
        self.sents = sents
        self.published = published
        self.names = article_names(text, sents)
        self.meetings: list[_Meeting] = []

    # ------------------------------------------------------------------ names in a span

    def _object(self, start: int, limit: int) -> tuple[int, list[Mention]]:
        """The noun phrase after a verb: where it ends and the names in it."""
        text = self.text
        end = start
        prev_word = ""
        comma = paren = named = False
        for tok in _TOKEN.finditer(text, start, limit):
            word = tok.group()
            bare = word.strip(',;:.!?()"“”«»').lower()
            if word[:1].isdigit():
                break
            if paren:
                end = tok.end()
                paren = not word.endswith(")")
                continue
            if word[:1] == "(":
                paren = not word.endswith(")")
                end = tok.end()
                continue
            if word[:1] in "—–":
                break
            if comma and word[:1].islower() and bare not in _COMMA_CONTINUE:
                break
            if word[:1].islower():
                if bare in _STOP_WORDS or (bare == "for" and named and prev_word not in _ROLE_NOUNS):
                    break
                if bare.endswith("ed") and bare not in _ROLE_NOUNS and prev_word in ("and", ""):
                    break
            end = tok.end()
            named = named or word[:1].isupper()
            prev_word = bare
            comma = word.endswith(",")
            if word[-1:] in ".;:!?)" and not (word[-1] == "." and len(bare) <= 4 and bare.isalpha()):
                break
        return end, self.names.within(start, end)

    def _participants(self, mentions: list[Mention]) -> tuple[list[str], bool]:
        """Names of the people in a phrase, else its countries; and whether they are countries."""
        persons = [m for m in mentions if m.kind == "person" and not m.possessor]
        if persons:
            return list(dict.fromkeys(self.names.full(m.core) for m in persons)), False
        places = [m for m in mentions if m.kind == "place" and " " not in m.core]
        return list(dict.fromkeys(m.core for m in places)), True

    def _map_countries(self, countries: list[str], role: str | None) -> list[str]:
        """Countries listed after a role become the person the article names with it."""
        if not role:
            return countries
        role = role.lower()
        if "prime" in role or "government" in role:
            roles = (
                ("prime minister", "premier", "chancellor") if "government" in role else ("prime minister",)
            )
        elif "president" in role:
            roles = ("president",)
        elif "chancellor" in role:
            roles = ("chancellor",)
        elif "minister" in role:
            roles = (role.rsplit(" ", 1)[0] + " minister",) if " " in role else ("minister",)
        else:
            roles = _HEAD_TITLES
        out = []
        for country in countries:
            person = self.names.person_with(country, roles)
            out.append(self.names.full(person.core) if person else country)
        return out

    def _subject(self, sent_start: int, trig_start: int) -> list[str]:
        text = self.text
        pre = text[sent_start:trig_start]
        pron = _PRONOUN_SUBJECT.search(pre)
        if pron:
            if pron["p"].lower() == "they":
                return self._previous_group(sent_start)
            person = self.names.person_before(sent_start + pron.start())
            return [self.names.full(person.core)] if person else []
        if _GROUP_SUBJECT.search(pre):
            return self._previous_group(sent_start)
        mentions = self.names.within(sent_start, trig_start)
        persons = [m for m in mentions if m.kind == "person" and not m.possessor]
        if persons:
            return [self.names.full(persons[-1].core)]
        places = [
            m
            for m in mentions
            if m.kind == "place"
            and " " not in m.core
            and not _PLACE_BEFORE.search(text[max(0, m.start - 40) : m.start])
        ]
        return [places[-1].core] if places else []

    def _group(self, sent_start: int, trig_start: int) -> list[str]:
        """Everyone named before an intransitive verb: "The leaders of A, B and C met"."""
        pre = self.text[sent_start:trig_start]
        if _GROUP_SUBJECT.search(pre) or _PRONOUN_SUBJECT.search(pre):
            return self._previous_group(sent_start)
        their = _THEIR_ROLE.search(pre)
        if their:
            countries = [self.names.country_of(p) for p in self._previous_group(sent_start)]
            return [c for c in dict.fromkeys(countries) if c] if all(countries) else []
        mentions = [
            m
            for m in self.names.within(self._list_start(sent_start, trig_start), trig_start)
            if not _PLACE_BEFORE.search(self.text[max(0, m.start - 40) : m.start])
        ]
        names, countries = self._participants(mentions)
        if countries and len(names) >= 2:
            first = next(m for m in mentions if m.core == names[0])
            role = _ROLE_LIST.search(self.text[max(sent_start, first.start - 60) : first.start])
            if not role and not all(c.lower() in _COUNTRY_KEYS for c in names):
                return []  # "ministers from the Group of Seven met": not a list of countries
            names = self._map_countries(names, role["role"] if role else "leaders")
        return names if len(names) >= 2 else []

    def _list_start(self, lo: int, hi: int) -> int:
        """Start of the list of names just before `hi`: "The leaders of A, B and C" / "A and B"."""
        start = hi
        for tok in reversed(list(_TOKEN.finditer(self.text, lo, hi))):
            word = tok.group()
            bare = word.strip(",").lower()
            if word[:1].isupper() or bare in _LIST_WORDS or bare in _ROLE_NOUNS:
                if word[:1] in "—–":
                    break
                start = tok.start()
                continue
            break
        return start

    def _previous_group(self, before: int) -> list[str]:
        if not self.meetings:
            return []
        last = self.meetings[-1]
        if before - self.sents[last.sentence].end > 1500:
            return []
        return list(last.participants)

    # ------------------------------------------------------------------ place, time, occasion

    def _location(self, sent: Sentence, trig_end: int) -> str | None:
        text = self.text
        for lo, hi in ((trig_end, sent.end), (sent.start, trig_end)):
            for preposition in ("in", "at"):
                for m in _LOCATION_AFTER.finditer(text, lo, hi):
                    if m["prep"] != preposition:
                        continue
                    for mention in self.names.within(m.end(), min(sent.end, m.end() + 60)):
                        usable = mention.kind == "place" or (preposition == "at" and mention.kind == "org")
                        if mention.start == m.end() and usable and not mention.possessor:
                            return mention.core
            place = _LOCATION_PLACE.search(text, lo, hi)
            if place:
                return place["loc"]
        visited = _VISITED.search(text, sent.start, sent.end)
        if visited:
            for mention in self.names.within(visited.end(), sent.end):
                if mention.start == visited.end() and mention.kind == "place":
                    return mention.core
        return None

    def _occasion(self, sent: Sentence) -> str | None:
        for pattern in _OCCASION:
            m = pattern.search(self.text, sent.start, sent.end)
            if m:
                return m["occ"].strip()
        return None

    def _date(self, index: int, anchor: int) -> str | None:
        sent = self.sents[index]
        clause_start = max(sent.start, self.names.body_start)
        found = _pick_date(self.text, date_expressions(self.text, sent.start, sent.end), anchor, clause_start)
        if found:
            return found
        if self.meetings and index - self.meetings[-1].sentence <= 2 and self.meetings[-1].date_text:
            return self.meetings[-1].date_text
        if index > 0:
            prev = self.sents[index - 1]
            spans = date_expressions(self.text, prev.start, prev.end)
            if spans:
                return self.text[spans[-1][0] : spans[-1][1]]
        return None

    # ------------------------------------------------------------------ one sentence

    def sentence(self, index: int) -> None:
        sent = self.sents[index]
        text = self.text
        start = max(sent.start, self.names.body_start)  # after a dateline ("GENEVA —")
        triggers = list(_TRIGGER.finditer(text, start, sent.end))
        if not triggers or _CALL.search(text, sent.start, sent.end):
            return
        for trig in triggers:
            pre = text[max(start, trig.start() - 30) : trig.start()]
            if _NOT_PAST.search(pre):
                continue
            self._trigger(index, start, trig)

    def _add(self, index: int, participants: list[str], anchor: int, trig_end: int, separate: bool) -> None:
        sent = self.sents[index]
        evidence = self.text[sent.start : sent.end]
        location = self._location(sent, trig_end)
        if location is None and self.meetings and index - self.meetings[-1].sentence <= 2:
            location = self.meetings[-1].location
        if location is None:
            location = self.names.dateline_city
        date_text = self._date(index, anchor)
        occasion = self._occasion(sent)
        host, *guests = participants
        groups = [[host, g] for g in guests] if separate else [participants]
        for group in groups:
            group = list(dict.fromkeys(group))
            if len(group) < 2:
                continue
            self.meetings.append(_Meeting(group, index, location, date_text, occasion, [evidence]))

    def _trigger(self, index: int, start: int, trig: re.Match[str]) -> None:
        sent = self.sents[index]
        text = self.text
        kind = next(
            k for k in ("passive", "ptc_by", "met", "held", "between", "hosted", "visited") if trig[k]
        )
        separate = bool(_SEPARATE.search(text, start, trig.end()))

        if kind == "ptc_by":
            if not _MEETING_NOUN.search(text[start : trig.start()].rstrip(", ")) or not self.meetings:
                return
            _, mentions = self._object(trig.end(), sent.end)
            hosts, _ = self._participants(mentions)
            last = self.meetings[-1]
            if hosts and index - last.sentence <= 2:
                for m in self.meetings:
                    if m.sentence == last.sentence:
                        m.participants = list(dict.fromkeys([*m.participants, *hosts]))
                        m.evidence.append(text[sent.start : sent.end])
            return

        if kind == "passive":
            _, mentions = self._object(trig.end(), sent.end)
            hosts, _ = self._participants(mentions)
            guests = self._subject(start, trig.start())
            if _GROUP_SUBJECT.search(text[start : trig.start()]):
                guests = self._previous_group(sent.start)
            if hosts and guests:
                self._add(index, [hosts[0], *guests], trig.start(), trig.end(), separate or len(guests) > 1)
            return

        if kind == "between":
            if _FUTURE_NOUN.search(text, sent.start, sent.end):
                return
            _, mentions = self._object(trig.end(), sent.end)
            people, _ = self._participants(mentions)
            if len(people) >= 2:
                self._add(index, people, trig.start(), trig.end(), separate)
            return

        transitive = True
        if kind == "met":
            transitive = bool(trig["met_with"]) or not _INTRANSITIVE_NEXT.match(text, trig.end(), sent.end)
        elif kind == "held":
            transitive = bool(trig["held_with"])
        if not transitive:
            group = self._group(start, trig.start())
            if len(group) >= 2:
                self._add(index, group, trig.start(), trig.end(), False)
            return

        obj_end, mentions = self._object(trig.end(), sent.end)
        objects, countries = self._participants(mentions)
        if not objects:
            return
        if kind == "visited" and countries:
            return  # "visited Tarvania": a place, not a host
        if _FAMILY.search(text, trig.end(), obj_end):
            return  # "where he met his wife": a private life, not a meeting the news reports
        if countries:
            first = next(m for m in mentions if m.core == objects[0])
            role_match = _ROLE_LIST.search(text[trig.end() : first.start])
            if not role_match and not all(c.lower() in _COUNTRY_KEYS for c in objects):
                # a lone unknown word after a verb of meeting is a person named by surname only
                # ("Macron received Zelensky"); a known place is not
                lone = {
                    m.core
                    for m in mentions
                    if " " not in m.raw.strip()
                    and not _OWNED.search(text, max(trig.end(), m.start - 8), m.start)
                }
                objects = [
                    c
                    for c in objects
                    if c in lone and c not in self.names.places and c.lower() not in _PLACE_NAMES
                ]
                countries = False
                if not objects:
                    return
        if countries:
            role = role_match["role"] if role_match else None
            if role and len(objects) > 1 and role.endswith("s"):
                separate = True
            objects = self._map_countries(objects, role)
        subject = self._subject(start, trig.start())
        if not subject:
            return
        self._add(index, [subject[0], *objects], trig.start(), obj_end, separate)


def find_meetings(
    text: str, sents: Sequence[Sentence], published: datetime.date | None
) -> list[MeetingDraft]:
    """Every in-person meeting the article reports as having taken place, one draft per meeting.

    `sents` are `sentences(text, find_quotes(text))`; each draft's evidence is the sentence (or
    sentences) it was read from, so it is grounded by construction.
    """
    if not _TRIGGER.search(text):
        return []
    reader = _Reader(text, sents, published)
    for index in range(len(sents)):
        reader.sentence(index)
    drafts = []
    for m in reader.meetings:
        drafts.append(
            MeetingDraft(
                participants=m.participants,
                location=m.location,
                date_text=m.date_text,
                occasion=m.occasion,
                evidence=list(dict.fromkeys(m.evidence)),
            )
        )
    return drafts
