"""Word lists and pattern tables of the offline engine, as text files beside this module.

Each file says in its header comment what it holds and how it is read; `load_words` and
`load_patterns` read them once. They ship inside the wheel with the package.
"""

from __future__ import annotations

import re
from functools import cache

from summarizer import wordlists


def _lines(name: str) -> tuple[str, ...]:
    return wordlists.lines(__name__, name)


@cache
def load_words(name: str) -> frozenset[str]:
    """The words of a list file (any number per line, `#` starts a comment line), lower-cased."""
    return frozenset(word.lower() for line in _lines(name) for word in line.split())


@cache
def load_lines(name: str) -> tuple[str, ...]:
    """The lines of a list file whose entries hold spaces ("new york"), lower-cased, in file order."""
    return tuple(" ".join(line.lower().split()) for line in _lines(name))


@cache
def load_patterns(name: str) -> tuple[str, ...]:
    """The regular-expression alternatives of a pattern file, one per line, in file order."""
    return tuple(_lines(name))


@cache
def load_regex(name: str, flags: int = 0) -> re.Pattern[str]:
    """One regular expression matching any line of a pattern file as whole words."""
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in load_patterns(name)) + r")\b", flags)
