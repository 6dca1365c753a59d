"""Word lists and tables kept as text files inside the package, read once.

A list file holds words (any number per line) or entries (one per line); a table file holds
`key = value` pairs, one per line. Lines starting with `#` are comments: each file begins by
saying what it holds and who reads it. They ship in the wheel with the package.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def lines(package: str, name: str) -> tuple[str, ...]:
    """The non-blank, non-comment lines of `name` in `package`, stripped."""
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    return tuple(s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#"))


def words(package: str, name: str) -> frozenset[str]:
    """Every word of a list file, lower-cased."""
    return frozenset(word.lower() for line in lines(package, name) for word in line.split())


def entries(package: str, name: str) -> frozenset[str]:
    """Every line of a list file as one entry (entries hold spaces: "Costa Rica"), as written."""
    return frozenset(" ".join(line.split()) for line in lines(package, name))


def pairs(package: str, name: str) -> dict[str, str]:
    """The `key = value` lines of a table file, in file order."""
    table: dict[str, str] = {}
    for line in lines(package, name):
        key, _, value = line.partition("=")
        table[" ".join(key.split())] = " ".join(value.split())
    return table
