"""The vocabularies of entity resolution: title words, countries, demonyms, organization and
group words.

The long lists are data files in `summarizer/normalize/data/`, each saying in its header what it
holds; the short tables that the code's logic depends on word by word stay here.
"""

from __future__ import annotations

import re

from summarizer import wordlists

_DATA = "summarizer.normalize.data"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --------------------------------------------------------------------------- vocabularies

ROLE_WORDS = wordlists.words(_DATA, "role_words.txt")
"""Words that are a title on their own ("President Xi", "spokesman Zhao Lijian")."""

MODIFIER_WORDS = wordlists.words(_DATA, "modifier_words.txt")
"""Words that belong to a title only next to a role word ("Foreign Minister", "General Motors"
is not a title)."""

TAIL_WORDS = wordlists.words(_DATA, "tail_words.txt")
"""Words of the "of X"/"for X" part of a title ("Minister of Foreign Affairs", "Secretary of
State", "High Commissioner for Human Rights")."""

_HONORIFICS = _words("mr mr. mrs mrs. ms ms. miss mx mx.")
_HEAD_WORDS = _words(
    """
    president premier chancellor king queen emperor empress monarch emir amir sultan pope leader
    chief head chairman chairwoman chairperson chair mayor governor taoiseach
    """
)
_HEAD_PAIRS = (
    frozenset({"prime", "minister"}),
    frozenset({"secretary", "general"}),
    frozenset({"general", "secretary"}),
    frozenset({"director", "general"}),
)
_GENERIC_ROLES = _words("leader chief head boss top")
_NOT_THE_HOLDER = _words("vice deputy former ex assistant under late elect")
_CONNECTORS = _words("the of for and &")
_PARTICLES = _words("al el bin ibn bint ben abu van von der den de da di du la le dos das del y ter zu")
_SUFFIXES = _words("jr jr. sr sr. ii iii iv v")
_CAPTION_WORDS = _words("l r c left right center centre pictured file photo above below top inset")
_INITIALS_SKIP = _words("the of and for &")

COUNTRIES = wordlists.entries(_DATA, "countries.txt")
"""Country (and territory) names, with the common short forms ("U.S.", "UK", "Britain")."""

_COUNTRY_SAME = wordlists.pairs(_DATA, "country_aliases.txt")

DEMONYMS: dict[str, str] = wordlists.pairs(_DATA, "demonyms.txt")
"""Demonym -> country key, so "Chinese" in a description matches
"China's" in a title. Regional adjectives ("European", "Arab") map to themselves."""

ORG_WORDS = wordlists.words(_DATA, "org_words.txt")
"""A name containing one of these words is an organization ("Chinese Ministry of Foreign
Affairs", "China Global Television Network")."""

GROUP_NOUNS = wordlists.words(_DATA, "group_nouns.txt")
"""Plural nouns naming a group of people ("Campaigners", "Chinese authorities")."""

_EVENT_WORDS = _words("olympics games summit war crisis pandemic conference forum ceremony cup")

_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,6}$|^[A-Z]\.?(?:[A-Z]\.?){1,5}$")
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_PARENS = re.compile(r"\s*[(（]([^()（）]*)[)）]")
_TEXT_PARENS = re.compile(r"[(（]([^()（）\n]{1,80})[)）]")
_APOSTROPHES = frozenset("'’`´ʼ.")
_EDGE_QUOTES = '"“”«»„‟'
