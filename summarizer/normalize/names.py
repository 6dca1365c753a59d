"""Names must be in the article: no speaker, participant, accuser or accused the text never names.

A model knows the world: asked who spoke, it may write "Vladimir Putin" for an article that says
only "the Kremlin", or a full name the article never spells out. A reader cannot check such a
name against the text, so it is worse than no name at all. After entity merging, every name an
item uses must be one the article uses itself:

- a name is *in the article* when its normalized form occurs in the text, or when every one of
  its words does (so "Hillary Clinton" passes an article that writes "Hillary Rodham Clinton",
  and "the Clinton campaign" one that writes "Clinton's campaign"); words are compared
  normalized (case, quotes, dashes), as evidence is;
- an entity whose canonical name is not in the article is renamed to the fullest of its aliases
  that is; an entity none of whose forms is in the article is dropped;
- then a statement whose speaker is not in the article is dropped (`unknown`, the speaker of a
  quote the article attributes to no one, is not a name and stays), and so is an allegation none
  of whose accused is; an accuser, a relay or a participant not in it is removed (a meeting left with
  fewer than two participants is dropped). Each change is a warning.

The summary is prose and is not cut: a capitalized word in it that the article never uses gets a
warning (`summary_name_not_in_article`), so a reader knows to check it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from summarizer.normalize.grounding import ArticleIndex, normalize_text
from summarizer.schema import UNKNOWN_SPEAKER, Allegation, Entity, Meeting, Statement

_WORD = re.compile(r"\w+")
_CAPITALIZED = re.compile(r"(?<![\w'’])[A-Z][\w'’.-]*\w")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[\n(\"“‘])\s*$")

Warn = Callable[[str, str, "str | None"], None]


@dataclass
class NameCheck:
    """The article's words, and the names already judged (many items repeat one name)."""

    index: ArticleIndex
    _words: set[str] = field(init=False)
    _norm: str = field(init=False)
    _seen: dict[str, bool] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        # `normalize_text` builds the same string as the index's offset-mapped `norm`, without the
        # per-character map (a Python loop): names need no offsets
        self._norm = normalize_text(self.index.text)
        self._words = set(_WORD.findall(self._norm))

    def mentioned(self, name: str | None) -> bool:
        """Whether the article uses `name` (as a whole, or every word of it)."""
        if not name or not name.strip():
            return False
        hit = self._seen.get(name)
        if hit is None:
            norm = normalize_text(name)
            words = _WORD.findall(norm)
            # the word test first: it is a set look-up, where the substring test scans the text
            hit = bool(norm) and (
                (bool(words) and all(w in self._words for w in words)) or norm in self._norm
            )
            self._seen[name] = hit
        return hit

    def unknown_words(self, prose: str) -> list[str]:
        """Capitalized words of `prose` (but for a sentence's first) that the article never uses."""
        out: list[str] = []
        for match in _CAPITALIZED.finditer(prose):
            word = match.group()
            if _SENTENCE_START.search(prose, max(0, match.start() - 4), match.start()) or match.start() == 0:
                continue  # "The", "A": capitalized by the sentence, not as a name
            parts = _WORD.findall(normalize_text(word))
            if parts and not all(p in self._words for p in parts) and word not in out:
                out.append(word)
        return out


def _fullest(names: list[str]) -> str:
    """The name among `names` to call an entity by: a proper name ("UN") before a description
    ("the world body"), then the one of most words, then the longest."""
    return max(names, key=lambda n: (n.lstrip("“\"'‘")[:1].isupper(), len(n.split()), len(n)))


def check_entities(
    check: NameCheck, entities: list[Entity], warn: Warn
) -> tuple[list[Entity], dict[str, str]]:
    """Entities named as the article names them, and the map from each old canonical name."""
    kept: list[Entity] = []
    renamed: dict[str, str] = {}
    for entity in entities:
        if entity.name == UNKNOWN_SPEAKER:
            continue  # not a name: the article does not say who
        if check.mentioned(entity.name):
            aliases = [a for a in entity.aliases if check.mentioned(a)]
            kept.append(entity.model_copy(update={"aliases": aliases}))
            continue
        forms = [a for a in entity.aliases if check.mentioned(a)]
        if not forms:
            warn("name_not_in_article", f"entity {entity.name!r} is not named in the article; dropped", None)
            continue
        name = _fullest(forms)
        warn(
            "name_not_in_article",
            f"entity {entity.name!r} is not written so in the article; named {name!r} as the article does",
            None,
        )
        renamed[entity.name] = name
        kept.append(entity.model_copy(update={"name": name, "aliases": [a for a in forms if a != name]}))
    return kept, renamed


def check_items(
    check: NameCheck,
    renamed: dict[str, str],
    meetings: list[tuple[str, Meeting]],
    statements: list[tuple[str, Statement]],
    allegations: list[tuple[str, Allegation]],
    warn: Warn,
) -> tuple[list[Meeting], list[Statement], list[Allegation]]:
    """The items whose names the article uses; each label is the item's place in the draft."""

    def name(n: str) -> str:
        return renamed.get(n, n)

    kept_meetings: list[Meeting] = []
    for label, m in meetings:
        people = [name(p) for p in m.participants]
        present = list(dict.fromkeys(p for p in people if check.mentioned(p)))
        absent = [p for p in people if not check.mentioned(p)]
        if absent and len(present) < 2:
            warn("name_not_in_article", f"participants not named in the article: {absent}; dropped", label)
            continue
        if absent:
            warn("name_not_in_article", f"participants not named in the article, removed: {absent}", label)
        kept_meetings.append(m.model_copy(update={"participants": present}))

    kept_statements: list[Statement] = []
    for label, s in statements:
        speaker = name(s.speaker)
        if speaker != UNKNOWN_SPEAKER and not check.mentioned(speaker):
            warn("name_not_in_article", f"speaker {speaker!r} is not named in the article; dropped", label)
            continue
        relay = s.relay
        if relay and not check.mentioned(relay):
            warn("name_not_in_article", f"relay {relay!r} is not named in the article; set to null", label)
            relay = None
        kept_statements.append(s.model_copy(update={"speaker": speaker, "relay": relay}))

    kept_allegations: list[Allegation] = []
    for label, a in allegations:
        accused = [name(x) for x in a.accused]
        present = list(dict.fromkeys(x for x in accused if check.mentioned(x)))
        accuser = name(a.accuser) if a.accuser else None
        if accuser and not check.mentioned(accuser):
            warn(
                "name_not_in_article", f"accuser {accuser!r} is not named in the article; set to null", label
            )
            accuser = None
        if not present:
            warn("name_not_in_article", f"no accused named in the article ({accused}); dropped", label)
            continue
        if len(present) < len(set(accused)):
            absent = [x for x in accused if x not in present]
            warn("name_not_in_article", f"accused not named in the article, removed: {absent}", label)
        kept_allegations.append(a.model_copy(update={"accuser": accuser, "accused": present}))
    return kept_meetings, kept_statements, kept_allegations


def check_summary(check: NameCheck, summary: str, warn: Warn) -> None:
    """Warn about capitalized words of the summary that the article never uses."""
    unknown = check.unknown_words(summary)
    if unknown:
        warn(
            "summary_name_not_in_article",
            f"the summary uses words the article does not: {', '.join(unknown[:8])}",
            "summary",
        )
