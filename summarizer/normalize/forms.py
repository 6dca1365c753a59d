"""The forms of a name and the groups of forms that are one entity, with the tests that merge
them (a surname into a full name, a description into the one person whose title fits it).

Used by entity resolution (`entities.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from summarizer.normalize.titles import (
    _affiliation,
    _bare,
    _classify,
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
    _CAPTION_WORDS,
    _CONNECTORS,
    _GENERIC_ROLES,
    _HEAD_PAIRS,
    _HEAD_WORDS,
    _HONORIFICS,
    _NOT_THE_HOLDER,
    _PARENS,
    _PARTICLES,
)
from summarizer.schema import EntityType

# --------------------------------------------------------------------------- forms and groups


@dataclass(frozen=True)
class _Form:
    """One way the article (or an engine) writes an entity: a name without title, or a description."""

    text: str
    key: str
    title: str | None
    description: bool

    @property
    def words(self) -> list[str]:
        return self.key.split()

    @property
    def strong(self) -> bool:
        """Whether the form identifies an entity by itself (not a lone Latin word like "Xi")."""
        return self.description or len(self.text.split()) > 1 or not _is_latin(self.text)


def _paren_ok(inner: str, outer: str) -> bool:
    """Whether a parenthesised part of a written name is another name for it, not a caption."""
    if not inner or any(c.isdigit() for c in inner):
        return False
    if _is_latin(inner) != _is_latin(outer) or _is_acronym(inner):
        return True
    return inner[:1].isupper() and name_key(inner) not in _CAPTION_WORDS


@lru_cache(maxsize=65536)
def _parse(raw: str, strip_titles: bool) -> tuple[_Form, ...]:
    """The forms one written name contributes: itself without title, then parenthesised names."""
    inner = [_clean(m) for m in _PARENS.findall(raw)]
    base = _clean(_PARENS.sub("", raw))
    forms: list[_Form] = []
    if base:
        title, name, description = split_title(base) if strip_titles else (None, base, False)
        if description:
            forms.append(_Form(base, name_key(base), None, True))
        else:
            name = _drop_article(name)
            forms.append(_Form(name, name_key(name), title, False))
    for part in inner:
        if _paren_ok(part, base):
            forms.append(_Form(part, name_key(part), None, False))
    return tuple(f for f in forms if f.key)


def _recordable(title: str | None) -> bool:
    """Whether a title is worth publishing: "Mr." alone is not."""
    return title is not None and not all(w.lower() in _HONORIFICS for w in title.split())


@dataclass
class _Group:
    """Entity under construction: every form and title seen for it, and the drafts' types."""

    forms: list[_Form]
    types: list[EntityType]
    titles: list[str]
    order: int
    keys: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.keys = {f.key for f in self.forms}
        self.words = {w for f in self.forms for w in f.words}

    def absorb(self, other: _Group) -> None:
        """Take `other`'s forms, types and titles, keeping input order (first seen first)."""
        if other.order < self.order:
            self.forms[:0], self.types[:0], self.titles[:0] = other.forms, other.types, other.titles
            self.order = other.order
        else:
            self.forms.extend(other.forms)
            self.types.extend(other.types)
            self.titles.extend(other.titles)
        self.keys |= other.keys
        self.words |= other.words

    @property
    def named(self) -> list[_Form]:
        return [f for f in self.forms if not f.description]

    @property
    def strong(self) -> bool:
        return any(f.strong and not f.description for f in self.forms)

    def person_ish(self) -> bool:
        """Whether this can be a person, whose name parts may stand alone ("Xi", "Guterres")."""
        if "person" in self.types:
            return True
        if any(t != "other" for t in self.types):
            return False
        return bool(self.titles) or any(guess_type(f.text) == "person" for f in self.named)

    def part_absorbable(self) -> bool:
        """Whether a short form of this group may be a part of someone's name (not "China")."""
        if any(t not in ("person", "other") for t in self.types):
            return False
        return self.types != [] or all(guess_type(f.text) in ("person", "other") for f in self.named)


def _subsequence(short: Sequence[str], long: Sequence[str]) -> bool:
    """Whether `short` is `long` with words left out, in order: "xi" in "xi jinping"."""
    if len(short) >= len(long):
        return False
    it = iter(long)
    return all(word in it for word in short)


def _covered_by(group: _Group, other: _Group) -> bool:
    """Whether `group` is a part of `other`: same forms, name parts ("Xi") or acronyms ("UN").

    Every Latin form of `group` must be a form, an ordered part of a person's name or the
    acronym of a non-person name of `other`, and at least one form must be. A form in another
    script counts neither way when `other` has none in that script: it is a transliteration
    ("習近平" with "Xi" joins "Xi Jinping"), while a second Latin full name ("Bill Clinton")
    is a different person.
    """
    named = group.named
    if not named:
        return False
    parts_ok = group.part_absorbable() and other.person_ish()
    person_words = [f.words for f in other.named] if parts_ok else []
    initials = (
        {_initials(f.key) for f in other.named} - {""}
        if not other.person_ish() and "person" not in group.types
        else set()
    )
    other_scripts = any(not _is_latin(f.text) for f in other.named)
    evidence = False
    for form in named:
        words = form.words
        same = form.key in other.keys
        part = (
            bool(person_words)
            and not all(w in _PARTICLES for w in words)
            and any(_subsequence(words, long) for long in person_words)
        )
        acronym = bool(initials) and _is_acronym(form.text) and form.key.replace(" ", "") in initials
        if same or part or acronym:
            evidence = True
        elif _is_latin(form.text) or other_scripts:
            return False
    return evidence


class _WordIndex:
    """Groups by the words of their forms, so finding a group's owner looks at the few groups
    that could cover it instead of all of them (which made entity resolution quadratic)."""

    def __init__(self, groups: Iterable[_Group]) -> None:
        self.by_word: dict[str, dict[int, _Group]] = {}
        for group in groups:
            self.add(group)

    def add(self, group: _Group) -> None:
        for word in group.words:
            self.by_word.setdefault(word, {})[id(group)] = group

    def remove(self, group: _Group) -> None:
        for word in group.words:
            self.by_word.get(word, {}).pop(id(group), None)

    def pool(self, group: _Group) -> Iterable[_Group] | None:
        """A superset of the groups that can cover `group` by form or name part: such a group
        holds every word of one of its named forms, so it is under that form's rarest word.
        None when a form has no words (then every group must be looked at)."""
        found: dict[int, _Group] = {}
        for form in group.named:
            if not form.words:
                return None
            rarest = min(form.words, key=lambda w: len(self.by_word.get(w, ())))
            found.update(self.by_word.get(rarest, {}))
        return found.values()


def _owner(group: _Group, groups: Iterable[_Group], index: _WordIndex | None = None) -> _Group | None:
    """The one group `group` belongs to, or None when none or several could claim it.

    `index` (of `groups`) narrows the search; acronyms ("UN") are looked for everywhere."""
    if not group.named:
        return None
    acronyms = any(_is_acronym(f.text) for f in group.named)
    pool = index.pool(group) if index is not None and not acronyms else None
    if pool is not None:
        groups = pool
    candidates = [
        g
        for g in groups
        if g is not group and (acronyms or not group.words.isdisjoint(g.words)) and _covered_by(group, g)
    ]
    strong = [g for g in candidates if g.strong]
    if strong:
        candidates = strong
    return candidates[0] if len(candidates) == 1 else None


@lru_cache(maxsize=16384)
def _parts(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(affiliations, role words) of a title or description: ({"china"}, {"foreign", "minister"})."""
    tokens = _drop_article(" ".join(text.split())).split()
    kinds = _classify(tokens)
    affiliations: set[str] = set()
    roles: set[str] = set()
    for token, kind in zip(tokens, kinds, strict=True):
        if kind == "D":
            affiliations.add(_affiliation(token))
        elif kind in "RML":
            word = _bare(token).lower()
            if word in _CONNECTORS:
                continue
            roles.update(p.rstrip(".") for p in re.split(r"[-‐–]", word))
    return frozenset(affiliations), frozenset(roles)


@lru_cache(maxsize=65536)
def _title_matches(description: str, title: str) -> bool:
    """Whether a description ("the Chinese leader") fits someone with `title` ("Chinese President")."""
    want_aff, want_roles = _parts(description)
    have_aff, have_roles = _parts(title)
    if not want_aff <= have_aff:
        return False
    if have_roles & _NOT_THE_HOLDER and not want_roles & _NOT_THE_HOLDER:
        return False
    specific = want_roles - _GENERIC_ROLES
    if specific:
        return specific <= have_roles
    return bool(have_roles & _HEAD_WORDS) or any(pair <= have_roles for pair in _HEAD_PAIRS)


def _describer(group: _Group, groups: Iterable[_Group]) -> _Group | None:
    """The one person a description-only group describes, or None."""
    descriptions = [f.text for f in group.forms if f.description]
    if not descriptions or group.named:
        return None
    candidates = [
        g
        for g in groups
        if g is not group
        and g.named
        and g.person_ish()
        and any(_title_matches(d, t) for d in descriptions for t in g.titles)
    ]
    return candidates[0] if len(candidates) == 1 else None
