"""One entity per person or body within an article.

Engines list entities loosely. The LLM writes "Xi Jinping" in one place, "President Xi" in a
meeting and "the Chinese leader" as a speaker; the rule-based engine sees only surface strings.
Users (and the scorer) need one name per person or body, so after any engine this module merges
the drafted entities and maps every name an item uses (meeting participants, speakers, accusers,
accused) to one canonical name. It is deterministic, uses only the standard library and the
schema's `Entity`, and is cheap enough to run on thousands of articles.

Usage::

    resolver = resolve_entities(text, extraction.entities, mentions)
    speaker = resolver.canonical(statement.speaker)
    entities = resolver.entities

Decisions, each chosen to avoid merging two different people (a wrong merge silently moves a
statement to someone else; a missed merge only leaves a duplicate):

- Titles are kept apart from names. A title is the run of title words (`ROLE_WORDS`, with
  `MODIFIER_WORDS` such as "foreign", "vice", "former" counting only next to a role word) ending
  just before the name, with what precedes it: demonyms, country names and acronyms ("Chinese",
  "U.S.", "UN"), organisation words ("Union leader"), possessives ("Guterres' spokesman"), and
  "of/for X" tails made of `TAIL_WORDS` ("Minister of Foreign Affairs"). What follows must look
  like a name, not an organisation ("Justice Department" keeps its name). A form made only of
  title words and demonyms ("the Chinese leader") is a *description*. Honorifics (Mr., Mrs.,
  Ms.) are stripped but are not recorded as titles.
- Comparison ignores case, diacritics, dots, apostrophes, hyphens and a leading "the"
  (`name_key`), so "U.S." is "US" and "the United Nations" is "United Nations".
- Forms of several words, forms in another script and descriptions identify an entity: two
  drafts sharing one are merged. A single Latin word ("Xi", "Clinton") does not: it merges into
  the one entity that uses it, or whose person name contains it (a surname, a given name, an
  ordered subset of a longer name), and stays on its own when several entities could claim it.
  An ambiguous word is then removed from the aliases of every entity that listed it, so
  `canonical("Clinton")` with Hillary and Bill Clinton present maps to an entity "Clinton" (or
  creates one), never to either of them.
- Acronyms ("UN", "U.N.") merge into the one non-person entity whose words have those initials,
  ignoring "the", "of", "and", "for" ("United Nations").
- A description merges into the one person whose title matches it: the demonyms, countries and
  acronyms of the description must all be in the title ("Chinese" matches "China's"), and its
  role words must be in the title; generic roles ("leader", "chief", "head") require a head's
  title (president, prime minister, secretary-general...). Titles with "vice", "deputy",
  "former"... never match a description that lacks them. Zero or several matches: no merge;
  the description is then an entity of its own (a person), named without its "the"
  ("Chinese leader"), so a statement is never given to the wrong one of two leaders.
- Parenthesised names are aliases: in a name ("Xi Jinping (習近平)") when they are not a photo
  caption word, and in the article ("Xi Jinping (習近平)" after a known form) when they are in
  another script or are the form's acronym.
- The canonical name is the form in the article's main script with the most name words,
  then one that occurs in the article, then the first seen. Other forms are aliases as written,
  deduplicated by `name_key`. The title is the fullest one seen (most words).
- A draft's type wins; otherwise `guess_type`, and a person when the entity has a title.
- Entities are ordered by first occurrence in the article (case-sensitive, whole words;
  descriptions case-insensitively); entities none of whose forms occur follow in input order
  (drafts, then mentions).
- Countries and organisations are never merged by shared words ("China" stays apart from
  "China Global Television Network" and from "Chinese authorities").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from summarizer.normalize.forms import (
    _describer,
    _Form,
    _Group,
    _owner,
    _parse,
    _recordable,
    _WordIndex,
)
from summarizer.normalize.titles import (
    _clean,
    _drop_article,
    _initials,
    _is_acronym,
    _is_latin,
    guess_type,
    name_key,
    split_title,
)
from summarizer.normalize.vocabulary import (
    _TEXT_PARENS,
    COUNTRIES,
    DEMONYMS,
    GROUP_NOUNS,
    MODIFIER_WORDS,
    ORG_WORDS,
    ROLE_WORDS,
    TAIL_WORDS,
)
from summarizer.schema import Entity

__all__ = [
    "COUNTRIES",
    "DEMONYMS",
    "GROUP_NOUNS",
    "MODIFIER_WORDS",
    "ORG_WORDS",
    "ROLE_WORDS",
    "TAIL_WORDS",
    "EntityResolver",
    "guess_type",
    "name_key",
    "resolve_entities",
    "split_title",
]


# --------------------------------------------------------------------------- article text


def _text_parens(text: str) -> list[tuple[str, str]]:
    """(what precedes, what is inside) for every parenthesis of the article."""
    out = []
    for match in _TEXT_PARENS.finditer(text):
        before = text[max(0, match.start() - 120) : match.start()].rstrip()
        out.append((before, _clean(match.group(1))))
    return out


def _text_aliases(parens: Sequence[tuple[str, str]], form: _Form) -> list[_Form]:
    """Names the article puts in parentheses right after `form`: "Xi Jinping (習近平)"."""
    found: list[_Form] = []
    if form.description:
        return found
    for before, inner in parens:
        if not inner or not before.endswith(form.text):
            continue
        edge = len(before) - len(form.text) - 1
        if edge >= 0 and before[edge].isalnum():
            continue
        other_script = _is_latin(inner) != _is_latin(form.text)
        acronym = _is_acronym(inner) and name_key(inner).replace(" ", "") == _initials(form.key)
        if other_script or acronym:
            found.append(_Form(inner, name_key(inner), None, False))
    return found


@lru_cache(maxsize=4096)
def _pattern(form: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)", re.IGNORECASE if ignore_case else 0)


def _position(text: str, form: _Form, seen: dict[tuple[str, bool], int | None]) -> int | None:
    """Where `form` first occurs in the article as a whole word, memoised in `seen`."""
    if not text:
        return None
    spot = (form.text, form.description)
    if spot not in seen:
        seen[spot] = _find_word(text, *spot)
    return seen[spot]


_TOKEN = re.compile(r"\w+")


@lru_cache(maxsize=4)
def _token_starts(text: str, ignore_case: bool) -> tuple[str, dict[str, list[int]]] | None:
    """The text (lower-cased for `ignore_case`) and where each of its words starts, built once
    per article: finding a form then costs the occurrences of its rarest word, not a scan of
    the whole text per form (which made entity resolution quadratic in the article's size)."""
    source = text.lower() if ignore_case else text
    if len(source) != len(text):
        return None
    starts: dict[str, list[int]] = {}
    for match in _TOKEN.finditer(source):
        starts.setdefault(match.group(), []).append(match.start())
    return source, starts


def _is_boundary(haystack: str, start: int, end: int) -> bool:
    before = haystack[start - 1] if start else " "
    after = haystack[end] if end < len(haystack) else " "
    return not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_")


def _find_word(text: str, form: str, ignore_case: bool) -> int | None:
    """First whole-word occurrence of `form`, found through the article's word index: any
    whole-word occurrence has the form's rarest word at the same offset."""
    if not form:
        return None
    index = _token_starts(text, ignore_case)
    needle = form.lower() if ignore_case else form
    tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(needle)] if index else []
    if index is not None and tokens and len(needle) == len(form):
        source, starts = index
        offset, word = min(tokens, key=lambda t: len(starts.get(t[1], ())))
        for position in starts.get(word, ()):
            start = position - offset
            if start < 0 or not source.startswith(needle, start):
                continue
            if _is_boundary(source, start, start + len(needle)):
                return start
        return None
    return _scan_word(text, form, ignore_case)


def _scan_word(text: str, form: str, ignore_case: bool) -> int | None:
    """First whole-word occurrence of `form` (str.find, then a boundary check: no regex to build)."""
    if ignore_case:
        haystack, needle = text.lower(), form.lower()
        if len(haystack) != len(text):  # a rare letter changes length when lower-cased
            match = _pattern(form, True).search(text)
            return match.start() if match else None
    else:
        haystack, needle = text, form
    start = haystack.find(needle)
    while start >= 0:
        if _is_boundary(haystack, start, start + len(needle)):
            return start
        start = haystack.find(needle, start + 1)
    return None


def _mostly_latin(text: str) -> bool:
    if text[:4000].isascii():
        return True
    letters = [c for c in text[:4000] if c.isalpha()]
    return not letters or sum(_is_latin(c) for c in letters) * 2 >= len(letters)


# --------------------------------------------------------------------------- building entities


_LOWER_NAME_PARTS = frozenset(
    {"of", "the", "and", "for", "al", "el", "de", "du", "da", "von", "van", "bin", "la", "le"}
)


def _proper(text: str) -> bool:
    """Whether `text` is written as a proper name ("United Nations", "Xinhua", "Abdel-Fattah
    al-Sissi"), not a description ("the world body", "China's state-run Xinhua news agency")."""
    for token in text.replace("-", " ").split():
        letters = [c for c in token if c.isalpha()]
        if letters and letters[0].islower() and token.lower() not in _LOWER_NAME_PARTS:
            return False
    return True


def _fullest_title(titles: Sequence[str]) -> str | None:
    usable = [t for t in titles if _recordable(t)]
    if not usable:
        return None
    return max(enumerate(usable), key=lambda p: (len(p[1].split()), len(p[1]), -p[0]))[1]


def _entity(
    group: _Group, latin: bool, known_words: set[str], in_text: Callable[[_Form], bool] = bool
) -> Entity:
    """The published entity for a group: canonical name, type, aliases, fullest title."""
    named = group.named
    if named:
        best = max(
            enumerate(named),
            key=lambda p: (
                _is_latin(p[1].text) == latin,
                _proper(p[1].text),
                len(p[1].words),
                in_text(p[1]),
                -p[0],
            ),
        )[1]
        name = best.text
    else:
        name = _drop_article(group.forms[0].text)
    canonical_key = name_key(name)
    aliases: list[str] = []
    seen = {canonical_key}
    for form in group.forms:
        if form.key not in seen:
            seen.add(form.key)
            aliases.append(form.text)
    title = _fullest_title(group.titles)
    etype = next((t for t in group.types if t), None)
    if etype is None:
        etype = guess_type(name)
        if etype == "other":
            etype = next(
                (t for t in (guess_type(f.text) for f in named) if t in ("country", "organization")),
                "other",
            )
        if etype == "other" and (title or not named or canonical_key in known_words):
            etype = "person"
    return Entity(name=name, type=etype or "other", aliases=aliases, title=title)


def _draft_group(entity: Entity, order: int) -> _Group | None:
    strip = entity.type in ("person", "other")
    forms = [f for raw in (entity.name, *entity.aliases) for f in _parse(raw, strip)]
    if not forms:
        return None
    titles = [t for t in (entity.title, *(f.title for f in forms)) if t]
    return _Group(forms=forms, types=[entity.type], titles=titles, order=order)


def _mention_group(mention: str, order: int) -> _Group | None:
    forms = list(_parse(mention, True))
    if not forms:
        return None
    return _Group(forms=forms, types=[], titles=[f.title for f in forms if f.title], order=order)


def _merge(groups: list[_Group]) -> list[_Group]:
    """Merge the groups that are one entity, in three passes: identifying forms, parts, descriptions."""
    # 1. Same strong form (several words, another script, a description), or same primary name.
    parent = list(range(len(groups)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for i, group in enumerate(groups):
        keys = [("strong", f.key) for f in group.forms if f.strong]
        keys.append(("primary", group.forms[0].key))
        for k in keys:
            a, b = root(first.setdefault(k, i)), root(i)
            if a != b:
                parent[max(a, b)] = min(a, b)
    merged: list[_Group] = []
    homes: dict[int, _Group] = {}
    for i, group in enumerate(groups):
        home = homes.get(root(i))
        if home is None:
            homes[root(i)] = group
            merged.append(group)
        else:
            home.absorb(group)
    # 2. Lone words and acronyms into the one entity they are part of.
    index = _WordIndex(merged)
    changed = True
    while changed:
        changed = False
        for group in sorted(merged, key=lambda g: (max(len(f.words) for f in g.forms), g.order)):
            owner = _owner(group, merged, index)
            if owner is not None:
                index.remove(group)
                owner.absorb(group)
                index.add(owner)
                merged.remove(group)
                changed = True
    # 3. Descriptions into the one person whose title fits.
    for group in list(merged):
        owner = _describer(group, merged)
        if owner is not None:
            owner.absorb(group)
            merged.remove(group)
    return merged


def _person_words(groups: Iterable[_Group]) -> set[str]:
    """Words of the persons' full names: a lone one of them ("Clinton") is a person too."""
    return {w for g in groups if g.person_ish() for f in g.named if len(f.words) > 1 for w in f.words}


def _drop_shared_aliases(entities: list[Entity]) -> None:
    """An alias claimed by several entities is ambiguous: keep it only where it is the name."""
    holders: dict[str, list[int]] = {}
    for i, entity in enumerate(entities):
        for alias in entity.aliases:
            holders.setdefault(name_key(alias), []).append(i)
    names = {name_key(e.name) for e in entities}
    for key, owners in holders.items():
        if len(owners) > 1 or key in names:
            for i in owners:
                entities[i].aliases = [a for a in entities[i].aliases if name_key(a) != key]


def resolve_entities(text: str, drafts: Sequence[Entity], mentions: Iterable[str]) -> EntityResolver:
    """Merge an engine's entities and the names its items use into one entity per person or body.

    `text` is the article (used for "NAME (OTHER)" aliases, the article's script and the order
    of entities); `drafts` are the engine's entities (may be empty, repeat themselves, carry
    titles inside names or spread aliases over several entries); `mentions` are every name the
    items use. Every mention is then known to the returned resolver, whose `canonical` maps it
    without creating entities.
    """
    groups: list[_Group] = []
    for draft in drafts:
        group = _draft_group(draft, len(groups))
        if group is not None:
            groups.append(group)
    for mention in dict.fromkeys(mentions):  # a name used by many items is one mention
        group = _mention_group(mention, len(groups))
        if group is not None:
            groups.append(group)
    parens = _text_parens(text)
    if parens:
        for group in groups:
            for form in list(group.forms):
                for alias in _text_aliases(parens, form):
                    if alias.key not in group.keys:
                        group.forms.append(alias)
                        group.keys.add(alias.key)
                        group.words.update(alias.words)
    merged = _merge(groups)
    seen: dict[tuple[str, bool], int | None] = {}

    def first_seen(group: _Group) -> tuple[bool, int, int]:
        positions = [p for p in (_position(text, f, seen) for f in group.forms) if p is not None]
        return (not positions, min(positions, default=0), group.order)

    def in_text(form: _Form) -> bool:
        return _position(text, form, seen) is not None

    merged.sort(key=first_seen)
    latin = _mostly_latin(text)
    person_words = _person_words(merged)
    entities = [_entity(g, latin, person_words, in_text) for g in merged]
    _drop_shared_aliases(entities)
    return EntityResolver(entities=entities)


# --------------------------------------------------------------------------- resolver


@dataclass
class EntityResolver:
    """The article's entities, and the map from any written name to its canonical name.

    `entities` are merged and canonical, in first-mention order. `canonical(name)` accepts a
    canonical name, an alias, a titled form ("President Xi"), a parenthesised form or a
    description the entities know. A name it does not know is attached to the one entity it is
    unambiguously part of (a surname, an acronym, a description fitting one title) and becomes
    an alias there, or else becomes a new entity appended to `entities`; either way later calls
    agree with this one. A resolver can also be built directly from finished entities.
    """

    entities: list[Entity] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)
    _groups: list[_Group] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for i, entity in enumerate(self.entities):
            self._add_keys(i, entity)

    def _add_keys(self, i: int, entity: Entity) -> None:
        for name in (entity.name, *entity.aliases):
            key = name_key(name)
            if key:
                self._index.setdefault(key, i)

    def _as_groups(self) -> list[_Group]:
        if self._groups is None:
            self._groups = []
            for i, entity in enumerate(self.entities):
                group = _draft_group(entity, i) or _Group([], [entity.type], [], i)
                self._groups.append(group)
        return self._groups

    def entity(self, name: str) -> Entity:
        """The entity `name` stands for (created as `canonical` would when unknown)."""
        return self.entities[self._resolve(name)]

    def canonical(self, name: str) -> str:
        """The canonical name for any name, alias, titled form or description of an entity.

        Unknown names become new entities, cleaned of titles, and are returned cleaned.
        An empty name comes back stripped, with no entity made for it.
        """
        if not _clean(name):
            return name.strip()
        return self.entities[self._resolve(name)].name

    def _resolve(self, name: str) -> int:
        cleaned = _clean(name)
        hit = self._index.get(name_key(cleaned))
        if hit is not None:
            return hit
        forms = _parse(cleaned, True)
        for form in forms:
            hit = self._index.get(form.key)
            if hit is not None:
                return hit
        group = _Group(list(forms), [], [f.title for f in forms if f.title], len(self.entities))
        if not forms:
            group = _Group([_Form(cleaned, cleaned.casefold(), None, False)], [], [], len(self.entities))
        groups = self._as_groups()
        owner = _owner(group, groups) or _describer(group, groups)
        if owner is not None:
            i = next(n for n, g in enumerate(groups) if g is owner)
            entity = self.entities[i]
            known = {name_key(a) for a in (entity.name, *entity.aliases)}
            for form in group.forms:
                if form.key not in known:
                    entity.aliases.append(form.text)
                    known.add(form.key)
            title = _fullest_title([t for t in (entity.title, *group.titles) if t])
            entity.title = title
            owner.absorb(group)
            self._add_keys(i, entity)
            return i
        entity = _entity(group, True, _person_words(groups))
        self.entities.append(entity)
        groups.append(_draft_group(entity, len(groups)) or group)
        self._add_keys(len(self.entities) - 1, entity)
        return len(self.entities) - 1
