"""Names and titles apart: the comparison key of a name, what kind of entity a name is, and the
title ("Chinese President") kept apart from the name ("Xi Jinping").

Used by entity resolution (`entities.py`) and by the offline engine's readers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from summarizer.normalize.vocabulary import (
    _ACRONYM,
    _APOSTROPHES,
    _CONNECTORS,
    _COUNTRY_SAME,
    _EDGE_QUOTES,
    _EVENT_WORDS,
    _INITIALS_SKIP,
    _PARENS,
    _PARTICLES,
    _POSSESSIVE,
    _SUFFIXES,
    COUNTRIES,
    DEMONYMS,
    GROUP_NOUNS,
    MODIFIER_WORDS,
    ORG_WORDS,
    ROLE_WORDS,
    TAIL_WORDS,
)
from summarizer.schema import EntityType

# --------------------------------------------------------------------------- strings


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The comparison form of a name: two names with the same key are the same written name.

    Case, diacritics, dots and apostrophes are dropped ("U.S." == "US", "Sissi" == "Sissí"),
    hyphens and other punctuation become spaces ("Abdel-Fattah" == "Abdel Fattah"), a
    possessive and a leading "the" are removed. Other scripts are kept as they are.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"(?:['’]s|(?<=s)['’])(?=\s|$)", "", text)
    chars = []
    for c in text:
        if c.isalnum():
            chars.append(c)
        elif c not in _APOSTROPHES:
            chars.append(" ")
    tokens = "".join(chars).split()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(tokens)


@lru_cache(maxsize=65536)
def _is_latin(text: str) -> bool:
    """Whether every letter of `text` is Latin: the script test for canonical names."""
    return all(unicodedata.name(c, "").startswith("LATIN") for c in text if c.isalpha())


def _clean(text: str) -> str:
    """Whitespace collapsed; edge quotes, trailing punctuation and a final possessive removed."""
    text = " ".join(text.split()).strip(" ,;:!?").strip(_EDGE_QUOTES).strip()
    return _POSSESSIVE.sub("", text).strip()


def _drop_article(text: str) -> str:
    return text[4:] if text[:4].lower() == "the " and len(text) > 4 else text


def _bare(token: str) -> str:
    """A token without trailing punctuation and possessive: "Minister's," -> "Minister"."""
    return _POSSESSIVE.sub("", token.rstrip(",;:"))


def _initials(key: str) -> str:
    """Initials of a multi-word key, skipping "the/of/and/for": "united nations" -> "un"."""
    words = [w for w in key.split() if w not in _INITIALS_SKIP]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def _is_acronym(text: str) -> bool:
    return bool(_ACRONYM.match(text))


# --------------------------------------------------------------------------- token classes


@lru_cache(maxsize=65536)
def _title_word(token: str) -> tuple[bool, bool]:
    """(is a title word, is a role word) for one token; hyphenated titles count part by part."""
    word = _bare(token).lower()
    if word in ROLE_WORDS:
        return True, True
    if word in MODIFIER_WORDS:
        return True, False
    parts = re.split(r"[-‐–]", word)
    if len(parts) > 1 and all(p in ROLE_WORDS or p in MODIFIER_WORDS for p in parts):
        return True, any(p in ROLE_WORDS for p in parts)
    return False, False


_COUNTRY_KEYS = frozenset(name_key(c) for c in COUNTRIES)


@lru_cache(maxsize=65536)
def _affiliation_word(token: str) -> bool:
    """A demonym, country, acronym or their possessive: "Chinese", "China's", "U.S.", "UN"."""
    bare = _bare(token)
    key = name_key(bare)
    return (
        key in DEMONYMS
        or key in _COUNTRY_KEYS
        or (_is_acronym(bare) and not _title_word(bare)[0])
        or _DEMONYM_SHAPE.fullmatch(bare) is not None
    )


_DEMONYM_SHAPE = re.compile(r"[A-Z][a-z]{2,}(?:ian|ean|ese|ish|iot|ani|eni|ari)")
"""A capitalized word shaped like a demonym ("Veldorian", "Marenian", "Congolese", "Azerbaijani"),
for countries the lists do not hold; it counts only where a title word follows it."""


def _affiliation(token: str) -> str:
    """The country or body a title word names, shared by its forms: "Chinese" -> "china"."""
    key = name_key(_bare(token))
    key = DEMONYMS.get(key, key)
    return _COUNTRY_SAME.get(key, key)


def _namey(token: str) -> bool:
    """A token that can be part of a personal name: capitalized, another script, or a particle."""
    if any(c.isdigit() for c in token) or not token:
        return False
    first = token[0]
    if first.isupper() or (first.isalpha() and not _is_latin(first)):
        return True
    return re.split(r"[-‐–]", token.lower())[0] in _PARTICLES


# --------------------------------------------------------------------------- types


@lru_cache(maxsize=65536)
def guess_type(name: str) -> EntityType:
    """The type of a name no engine typed, from its words alone.

    Countries from `COUNTRIES`; organizations from `ORG_WORDS` or a lone acronym ("UN");
    groups from a plural noun (`GROUP_NOUNS`, or a lowercase plural as the last word);
    persons from a title or a description ("President Xi", "the UN chief") or from 2 to 5
    capitalized words; everything else (a lone surname, an event) "other".
    """
    base = _drop_article(_clean(_PARENS.sub("", name)))
    key = name_key(base)
    if not key:
        return "other"
    if key in _COUNTRY_KEYS:
        return "country"
    title, _, description = split_title(base)
    if title or description:
        return "person"
    tokens, words = base.split(), key.split()
    if len(tokens) == 1 and _is_acronym(tokens[0]):
        return "organization"
    if any(w in ORG_WORDS for w in words):
        return "organization"
    last = tokens[-1]
    if words[-1] in GROUP_NOUNS or (len(tokens) > 1 and last.islower() and last.endswith("s")):
        return "group"
    if any(w in _EVENT_WORDS for w in words):
        return "other"
    if (
        2 <= len(tokens) <= 5
        and all(_namey(t) for t in tokens)
        and not all(_affiliation_word(t) or _title_word(t)[0] for t in tokens)
    ):
        return "person"
    return "other"


# --------------------------------------------------------------------------- titles


def _tail_end(tokens: Sequence[str], start: int) -> int:
    """End of an "of/for X" title tail starting at `tokens[start]` ("of"), or `start` if none."""
    i = start + 1
    if i < len(tokens) and tokens[i].lower() == "the":
        i += 1
    end = i
    while end < len(tokens):
        word = _bare(tokens[end]).lower()
        if word in TAIL_WORDS or word in ("and", "&") or _affiliation_word(tokens[end]):
            end += 1
        else:
            break
    while end > i and tokens[end - 1].lower() in ("and", "&"):
        end -= 1
    return end if end > i else start


def _classify(tokens: Sequence[str]) -> list[str]:
    """One letter per token: R role, M modifier, L title tail, D affiliation, N anything else.

    Modifiers in a run of title words without any role word are turned back to N, so
    "General Motors" and "High Court" keep their names.
    """
    kinds: list[str] = []
    i = 0
    while i < len(tokens):
        is_title, is_role = _title_word(tokens[i])
        if is_title:
            kinds.append("R" if is_role else "M")
            i += 1
            continue
        if tokens[i].lower() in ("of", "for") and kinds and kinds[-1] in "RML":
            end = _tail_end(tokens, i)
            if end > i:
                kinds.extend("L" * (end - i))
                i = end
                continue
        kinds.append("D" if _affiliation_word(tokens[i]) else "N")
        i += 1
    start = 0
    while start < len(kinds):
        if kinds[start] in "RML":
            end = start
            while end < len(kinds) and kinds[end] in "RML":
                end += 1
            if "R" not in kinds[start:end]:
                for j in range(start, end):
                    kinds[j] = "N" if kinds[j] == "M" else kinds[j]
            start = end
        else:
            start += 1
    return kinds


def _name_like(tokens: Sequence[str]) -> bool:
    if not tokens or not _namey(tokens[0]):
        return False
    if all(_bare(t).lower() in _SUFFIXES for t in tokens):
        return False
    return guess_type(" ".join(tokens)) not in ("organization", "country", "group")


def _title_prefix_ok(tokens: Sequence[str], kinds: Sequence[str], end: int) -> bool:
    """Whether `tokens[:end]` reads as a title, so "Martin Luther King Jr." keeps its name.

    Besides title words and affiliations, a title may hold connectors, organisation words
    ("Union leader"), possessives ("Guterres' spokesman"); anything else only when the role
    word is lowercase, news style for a role after a body's name ("rights group director").
    """
    last_role = max(i for i in range(end) if kinds[i] == "R")
    if tokens[last_role][:1].islower():
        return True
    for token, kind in zip(tokens[:end], kinds[:end], strict=True):
        if kind != "N":
            continue
        word = _bare(token).lower()
        if word in _CONNECTORS or word in ORG_WORDS or _title_word(token)[0]:
            continue
        if _POSSESSIVE.search(token.rstrip(",")):
            continue
        return False
    return True


_PARTY_WORDS = frozenset({"republican", "democrat", "democratic", "gop", "labour", "conservative", "rival"})
"""Party labels news copy puts before a name ("Republican Donald Trump"): a title, not a name."""


def _capitalized_prefix(tokens: Sequence[str]) -> bool:
    """A title in title case ("Homeland Security Secretary"): every word capitalized or a connector."""
    return all(t[:1].isupper() or t.lower() in _CONNECTORS for t in tokens)


@lru_cache(maxsize=65536)
def split_title(name: str) -> tuple[str | None, str, bool]:
    """Split a written name into (title, name, is_description).

    "Chinese President Xi Jinping" -> ("Chinese President", "Xi Jinping", False);
    "Chinese Minister of Foreign Affairs Wang Yi" -> ("Chinese Minister of Foreign Affairs",
    "Wang Yi", False); "Xi Jinping, the Chinese president" -> ("the Chinese president",
    "Xi Jinping", False); "the UN chief" -> (None, "the UN chief", True): a description, made
    only of title words and affiliations. Anything else comes back unchanged with no title.
    """
    text = " ".join(name.split())
    if "," in text:
        head, _, rest = text.partition(",")
        rest = rest.strip()
        if rest and split_title(rest)[2] and split_title(head)[1] and not split_title(head)[2]:
            title, head_name, _ = split_title(head)
            return (title or _drop_article(rest)), head_name, False
    tokens = _drop_article(text).split()
    if not tokens:
        return None, "", False
    kinds = _classify(tokens)
    ends = [
        i + 1
        for i, kind in enumerate(kinds)
        if kind in "RML" and (i + 1 == len(kinds) or kinds[i + 1] not in "RML")
    ]
    for end in reversed(ends):
        after = tokens[end:]
        if (
            after
            and _name_like(after)
            and (
                _title_prefix_ok(tokens, kinds, end)
                or (len(after) >= 2 and _capitalized_prefix(tokens[:end]))
            )
        ):
            return " ".join(tokens[:end]).rstrip(","), " ".join(after), False
    party = 0
    while party < len(tokens) and _bare(tokens[party]).lower() in _PARTY_WORDS:
        party += 1
    if party and len(tokens) - party >= 2 and _name_like(tokens[party:]):
        return " ".join(tokens[:party]), " ".join(tokens[party:]), False
    if "R" in kinds and all(k != "N" or t.lower() in _CONNECTORS for k, t in zip(kinds, tokens, strict=True)):
        return None, text, True
    return None, text, False
