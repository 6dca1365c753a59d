"""Accusations made in what someone says, or in the article's own voice, read from a word list.

Political reporting accuses far more often than it writes "accused ... of": a senator's quote
calls a rival "a disgusting fraud", an op-ed says a candidate "regularly incites violence", a
report says a bank was fined "for scamming its customers". `allegations.py` reads the fixed
constructions; this reader reads the rest with one rule per source of the words:

* a **statement** (from `statements.py`) whose content names a wrongdoing
  (`data/wrongdoing.txt`: fraud, lied, racist, illegally, cover-up, blamed, investigated...)
  is an allegation by its speaker;
* a **sentence in the article's voice** (no statement read from it) naming a wrongdoing is an
  allegation with no accuser (ANNOTATION.md: "the article itself may be the accuser").

The accused is the party the words are about: the first person (else organization) named in
the content who is not the speaker; else, for "he"/"she"/"his"/"her", the last person named
before who is not the speaker. An accusation naming nobody is not reported. The claim is the
statement's content (the sentence, in the article's voice), so the item stays the article's
own words. A sentence already read by `allegations.py` is left to it.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from summarizer.engines.rules.data import load_regex, load_words
from summarizer.engines.rules.names import ArticleNames, Mention, article_names
from summarizer.engines.rules.statements import is_headline
from summarizer.engines.rules.text import Sentence
from summarizer.schema import AllegationDraft, StatementDraft

__all__ = ["find_spoken_allegations"]

_TOPIC_AFTER = re.compile(
    r"[- ](?:justice|reform|movement|controversy|issues?|debate|past|laws?|bills?)\b", re.I
)
_LEADING_PRONOUN = re.compile(r"\W*(?:he|she|he’s|she’s|he's|she's|his|her)\b", re.I)
_PRONOUN = re.compile(r"\b(?:he|she|him|his|her|hers)\b", re.I)
_NEGATED = re.compile(
    r"\b(?:not|never|no|nobody|without|deny|denies|denied"
    r"|will|would|unable\s+to|wants?\s+to|whether|if)\b[^,.;:!?]{0,60}$",
    re.I,
)
"""A wrongdoing denied or only supposed: "has never lied", "will be unable to ... accuse"."""
_MAX_CLAIM_WORDS = 60


def _words(name: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[\w’'-]+", name) if len(w) > 2}


class _Wrongdoing:
    """The article's wrongdoing words, found once (every span is then a bisection, not a scan)."""

    def __init__(self, text: str) -> None:
        self.text = text
        lowered = text.lower()
        if len(lowered) == len(text):  # the same offsets: match lower case, three times faster than re.I
            self.matches = list(load_regex("wrongdoing.txt").finditer(lowered))
        else:  # a character whose lower case is longer ("İ"): offsets would shift
            self.matches = list(load_regex("wrongdoing.txt", re.I).finditer(text))
        self.starts = [m.start() for m in self.matches]

    def within(self, start: int, end: int) -> list[re.Match[str]]:
        """The wrongdoing words of text[start:end], except negated ones and "anti-corruption"."""
        text = self.text
        found = []
        for m in self.matches[bisect.bisect_left(self.starts, start) : bisect.bisect_left(self.starts, end)]:
            if m.end() > end or text[max(0, m.start() - 5) : m.start()].lower().endswith("anti-"):
                continue
            if not _NEGATED.search(text, max(start, m.start() - 80), m.start()):
                found.append(m)
        return found


_PASSIVE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?$", re.I)
_BY = re.compile(r"\s+by\s+")
_LEGAL = load_words("legal_process.txt")
_OBJECT_VERBS = load_words("object_accusations.txt")
_PARTY_NOUNS = "|".join(sorted(load_words("party_nouns.txt"), key=len, reverse=True))
_DOER = re.compile(rf"(?P<party>(?:\b[a-z]+[- ])?\b(?:{_PARTY_NOUNS}))\s+(?:\w+ly\s+)?$")
_PARTY = re.compile(
    r"(?:\b(?:a|an|the|other|some|many|several|local|[a-z]+-[a-z]+|white|black|federal|state)\s+){0,2}"
    rf"\b(?:{_PARTY_NOUNS})\b"
)
_NOT_NAME_START = frozenset("so as who was i a an the from if but and or".split())


class _Parties:
    def __init__(self, text: str, names: ArticleNames) -> None:
        self.text = text
        self.names = names
        self._article_counts: Counter[str] | None = None

    def _name(self, m: Mention) -> str:
        if m.kind == "person":
            name = self.names.full(m.core)
        else:  # an organization keeps all its words: "the Internal Revenue Service"
            name = re.sub(r"^(?:[Tt]he|[Aa]n?)\s+", "", m.raw).rstrip(".,;:")
            name = re.sub(r"['’]s?$", "", name)
        first = name.split()[0].lower() if name.split() else ""
        return "" if first in _NOT_NAME_START or "I" in name.split() else name

    def _first(self, start: int, end: int, speaker_words: set[str], groups: bool = False) -> str | None:
        """The first person (else organization, else with `groups` a party noun such as "police
        officers") named in text[start:end] who is not the speaker."""
        found = [m for m in self.names.within(start, end) if m.kind in ("person", "org")]
        for kind in ("person", "org"):
            for m in found:
                name = self._name(m)
                if m.kind == kind and name and not (_words(name) & speaker_words):
                    return name
        group = _PARTY.search(self.text, start, end) if groups else None
        return group.group().strip() if group else None

    def accused(self, start: int, end: int, speaker: str | None, cues: list[re.Match[str]]) -> str | None:
        """The party the words at text[start:end] are about; not the speaker.

        "X was killed by Y": a passive act makes its subject the victim, and the accused is the
        agent after "by" (nobody when none is named); a passive legal process ("X was
        investigated") keeps its subject as the accused.
        """
        text = self.text
        speaker_words = _words(speaker or "")
        active = []
        for m in cues:
            passive = _PASSIVE.search(text, max(start, m.start() - 20), m.start())
            if passive and m.group().lower() not in _LEGAL:
                by = _BY.match(text, m.end()) or re.compile(r"[^,;.]{0,40}?\s+by\s+").match(text, m.end())
                agent = self._first(by.end(), min(end, by.end() + 60), speaker_words, True) if by else None
                if agent:
                    return agent
                continue
            active.append(m)
        if not active:
            return None
        for m in active:
            if m.group().lower() in _OBJECT_VERBS:
                # "blamed the night staff", "was suing the shipping company": the object is accused
                target = self._first(m.end(), min(end, m.end() + 60), speaker_words, groups=True)
                if target:
                    return target
        if _LEADING_PRONOUN.match(text, start, end):
            # "He has said hateful things ...": the words are about someone named before
            salient = self._salient(start, speaker_words)
            if salient:
                return salient
        for m in active:
            doer = _DOER.search(text, max(start, m.start() - 30), m.start())
            if doer:  # "guards beating prisoners", "the police killings of"
                return doer["party"].strip()
        found = self._first(start, end, speaker_words)
        if found:
            return found
        if _PRONOUN.search(text, start, end):
            return self._salient(start, speaker_words)
        return None

    def subject_of(self, name: str, start: int, cue: re.Match[str]) -> bool:
        """Whether `name` does the act `cue` names: mentioned (or a pronoun) in the 120 characters
        before it, or the agent of a passive ("was assaulted by Officer Dern")."""
        words = _words(name)
        lo, hi = max(start, cue.start() - 120), cue.start()
        if _PRONOUN.search(self.text, lo, hi):
            return True
        if name in self.text[lo:hi]:
            return True
        by = re.compile(r"[^,;.]{0,40}?\bby\s+").match(self.text, cue.end())
        if by:
            lo, hi = by.end(), by.end() + 60
            if name in self.text[lo:hi]:
                return True
        return any(
            _words(self._name(m)) & words for m in self.names.within(lo, hi) if m.kind in ("person", "org")
        ) or any(
            _words(self._name(m)) & words
            for m in self.names.within(max(start, cue.start() - 120), cue.start())
            if m.kind in ("person", "org")
        )

    def _salient(self, pos: int, speaker_words: set[str]) -> str | None:
        """The person "he"/"she" most likely means at `pos`: of the people named in the 1,500
        characters before, not the speaker, the one the article names most (the last on a tie)."""
        article_counts = self._counts()
        best: tuple[int, int, str] | None = None
        for m in self.names.within(max(0, pos - 1500), pos):
            if m.kind != "person":
                continue
            name = self.names.full(m.core)
            if _words(name) & speaker_words or name.split()[0].lower() in _NOT_NAME_START:
                continue
            key = (article_counts[name], m.start, name)
            best = key if best is None or key > best else best
        return best[2] if best else None

    def _counts(self) -> Counter[str]:
        if self._article_counts is None:
            self._article_counts = Counter(self.names.full(m.core) for m in self.names.persons)
        return self._article_counts

    def topic(self, speaker: str | None) -> str | None:
        """The person the article names most, other than the speaker: whom an unnamed "you" or
        an opinion piece's quotes are about."""
        speaker_words = _words(speaker or "")
        for name, _ in self._counts().most_common(3):
            if not (_words(name) & speaker_words) and name.split()[0].lower() not in _NOT_NAME_START:
                return name
        return None


def _claim(content: str) -> str:
    words = content.split()
    return " ".join(words[:_MAX_CLAIM_WORDS]).strip(' ,;:“”"«»')


def find_spoken_allegations(
    text: str,
    sents: Sequence[Sentence],
    statements: Iterable[tuple[StatementDraft, int, int]],
    taken: Iterable[str] = (),
) -> list[AllegationDraft]:
    """Allegations in statements and in the article's own sentences, by the wrongdoing they name.

    `statements` are `read_statements`' drafts with their evidence offsets; `taken` are evidence
    passages other readers already made allegations of (their sentences are skipped).
    """
    names = article_names(text, sents)
    parties = _Parties(text, names)
    wrongdoing = _Wrongdoing(text)
    used = set(taken)
    drafts: list[AllegationDraft] = []
    spans: list[tuple[int, int]] = []
    for draft, start, end in statements:
        spans.append((start, end))
        evidence = text[start:end]
        if evidence in used:
            continue
        at = text.find(draft.content, start, end) if draft.content else -1
        c_start, c_end = (at, at + len(draft.content)) if at >= 0 else (start, end)
        cues = wrongdoing.within(c_start, c_end)
        if not cues or draft.content.rstrip(" ”\"’'").endswith("?"):
            continue  # no wrong named, or only asked about ("Did he evade taxes?")
        accused = parties.accused(c_start, c_end, draft.speaker, cues)
        if not accused and draft.kind == "direct":
            accused = parties.topic(draft.speaker)
        if not accused:
            continue
        used.add(evidence)
        drafts.append(
            AllegationDraft(
                accuser=draft.speaker, accused=[accused], claim=_claim(draft.content), evidence=[evidence]
            )
        )
    spans.sort()
    k = 0
    for sent in sents:
        while k < len(spans) and spans[k][1] <= sent.start:
            k += 1
        if k < len(spans) and spans[k][0] < sent.end:
            continue  # someone speaks here: the statement path read it
        evidence = text[sent.start : sent.end]
        if sent.start < names.body_start or evidence in used:
            continue
        if (sent.paragraph == 0 and is_headline(evidence)) or evidence.rstrip(" ”\"’'").endswith("?"):
            continue  # a headline, or a question ("Will the investigations ever stop?"), alleges nothing
        # in the article's voice a wrongdoing word must tell an act ("Quill illegally diverted"),
        # not name a topic ("criminal-justice reform", "the birther movement")
        cues = [m for m in wrongdoing.within(sent.start, sent.end) if not _TOPIC_AFTER.match(text, m.end())]
        accused = parties.accused(sent.start, sent.end, None, cues) if cues else None
        if accused and not parties.subject_of(accused, sent.start, cues[0]):
            accused = None  # the accused is the clause's subject, named before the act
        if not accused:
            continue
        used.add(evidence)
        drafts.append(
            AllegationDraft(accuser=None, accused=[accused], claim=_claim(evidence), evidence=[evidence])
        )
    return drafts
