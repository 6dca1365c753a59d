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

The article's names (`names.py`: capitalized runs classified as person, place or organization,
with pronoun resolution and full names for surnames) is shared with the allegation reader.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from summarizer.engines.rules.meeting_dates import date_expressions, pick_date
from summarizer.engines.rules.meeting_patterns import (
    _ADDRESSED,
    _CALL,
    _COMMA_CONTINUE,
    _COORDINATED,
    _FAMILY,
    _FUTURE_NOUN,
    _GROUP_PHRASE,
    _GROUP_SUBJECT,
    _INTRANSITIVE_NEXT,
    _LIST_WORDS,
    _LOCATION_AFTER,
    _LOCATION_PLACE,
    _MEETING_NOUN,
    _NOT_PAST,
    _OBJECT_PRONOUN,
    _OCCASION,
    _OWNED,
    _POSSESSOR,
    _PRONOUN_SUBJECT,
    _ROLE_LIST,
    _ROLE_NOUNS,
    _SEPARATE,
    _STOP_WORDS,
    _THEIR_ROLE,
    _TOKEN,
    _TRIGGER,
    _TRIGGER_KINDS,
    _VISITED,
)
from summarizer.engines.rules.names import (
    _COUNTRY_KEYS,
    _HEAD_TITLES,
    _PLACE_BEFORE,
    _PLACE_NAMES,
    Mention,
    article_names,
)
from summarizer.engines.rules.text import Sentence
from summarizer.schema import MeetingDraft

__all__ = ["date_expressions", "find_meetings"]


def _words(text: str) -> list[str]:
    return text.split()


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
        self._date_spans: dict[int, list[tuple[int, int]]] = {}
        self._sent_starts = [s.start for s in sents]
        self.pronouns: Mapping[int, tuple[str | None, str | None]] = {}

    # ------------------------------------------------------------------ told with a noun
    # `_NounReader` (below) reads meetings told with a noun; the verb reader hands them to it.

    def _noun(self, index: int, start: int, trig: re.Match[str], kind: str, separate: bool) -> None:
        raise NotImplementedError

    def _groups(self, start: int, end: int) -> list[str]:
        raise NotImplementedError

    def _pronoun_object(self, pos: int, sent_start: int, trig_start: int) -> list[str]:
        raise NotImplementedError

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
        places = [
            m
            for m in mentions
            if m.kind == "place" and (" " not in m.core or m.core.lower() in _COUNTRY_KEYS)
        ]
        return list(dict.fromkeys(m.core for m in places)), True

    def _map_countries(self, countries: list[str], role: str | None) -> list[str]:
        """Countries listed after a role become the person the article names with it."""
        if not role:
            return countries
        role = role.lower()
        roles: tuple[str, ...]
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

    def _they(self, pos: int) -> list[str]:
        """ "They" as the last two or more people named together ("Senator Brody and
        Governor Marsh") in this sentence or the two before; empty when none were."""
        i = bisect.bisect_right(self._sent_starts, pos) - 1
        persons = [
            m
            for m in self.names.within(self.sents[max(0, i - 2)].start, pos)
            if m.kind == "person" and not m.possessor
        ]
        for k in range(len(persons) - 1, 0, -1):
            first, second = persons[k - 1], persons[k]
            if (
                _COORDINATED.fullmatch(self.text, first.end, second.start)
                and " and " in self.text[first.end : second.start + 1]
            ):
                return list(dict.fromkeys(self.names.full(m.core) for m in (first, second)))
        return []

    def _pronoun(self, pronoun: str, pos: int) -> str | None:
        """Whom "he"/"she" (or "his"/"her") means at `pos`: the person most often named in this
        sentence and the three before (the most recent on a tie), when the statement reader's
        running referent for that pronoun is among them; else that most salient person."""
        i = bisect.bisect_right(self._sent_starts, pos) - 1
        if i < 0:
            return None
        window = self.names.within(self.sents[max(0, i - 3)].start, pos)
        counts: dict[str, tuple[int, int]] = {}
        for m in window:
            if m.kind == "person" and not m.possessor:
                name = self.names.full(m.core)
                counts[name] = (counts.get(name, (0, 0))[0] + 1, m.start)
        if not counts:
            return None
        he, she = self.pronouns.get(self.sents[i].start, (None, None))
        tracked = he if pronoun.lower() in ("he", "his", "him") else she
        for name in counts:
            if tracked and (tracked == name or tracked.endswith(" " + name.split()[-1])):
                return name
        return max(counts, key=lambda n: counts[n])

    def _subject(self, sent_start: int, trig_start: int) -> list[str]:
        text = self.text
        pre = text[sent_start:trig_start]
        pron = _PRONOUN_SUBJECT.search(pre)
        if pron:
            if pron["p"].lower() == "they":
                return self._they(sent_start) or self._previous_group(sent_start)
            known = self._pronoun(pron["p"], sent_start)
            if known:
                return [known]
            person = self.names.person_before(sent_start + pron.start())
            return [self.names.full(person.core)] if person else []
        if _GROUP_SUBJECT.search(pre):
            return self._previous_group(sent_start)
        mentions = self.names.within(sent_start, trig_start)
        persons = [m for m in mentions if m.kind == "person" and not m.possessor]
        if persons:
            # "Mr. Pell and Ada Perrin, the trade envoy, began talks": both are the subject
            chain = [persons[-1]]
            for m in reversed(persons[:-1]):
                if not _COORDINATED.fullmatch(text, m.end, chain[0].start):
                    break
                chain.insert(0, m)
            return list(dict.fromkeys(self.names.full(m.core) for m in chain))
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
            theirs = [self.names.country_of(p) for p in self._previous_group(sent_start)]
            return [c for c in dict.fromkeys(theirs) if c] if all(theirs) else []
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

    def _dates_in(self, index: int) -> list[tuple[int, int]]:
        """The time expressions of one sentence, found once however many triggers it holds."""
        if index not in self._date_spans:
            sent = self.sents[index]
            self._date_spans[index] = date_expressions(self.text, sent.start, sent.end)
        return self._date_spans[index]

    def _date(self, index: int, anchor: int) -> str | None:
        sent = self.sents[index]
        clause_start = max(sent.start, self.names.body_start)
        found = pick_date(self.text, self._dates_in(index), anchor, clause_start)
        if found:
            return found
        if self.meetings and index - self.meetings[-1].sentence <= 2 and self.meetings[-1].date_text:
            return self.meetings[-1].date_text
        if index > 0:
            spans = self._dates_in(index - 1)
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
        kind = next(k for k in _TRIGGER_KINDS if trig[k])
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

        if kind == "joined":
            # "they crashed the meeting", "Macron joined the talks": more people at the meeting
            # just reported
            joiners = self._subject(start, trig.start())
            reported = self.meetings[-1] if self.meetings else None
            if joiners and reported and index - reported.sentence <= 2:
                for m in self.meetings:
                    if m.sentence == reported.sentence:
                        m.participants = list(dict.fromkeys([*m.participants, *joiners]))
                        m.evidence.append(text[sent.start : sent.end])
            return

        if kind in ("noun_with", "noun_of"):
            self._noun(index, start, trig, kind, separate)
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
        if not countries or not objects:
            objects, countries = [*objects, *self._groups(trig.end(), obj_end)], False
        pronoun = self._pronoun_object(trig.end(), start, trig.start())
        if pronoun:
            objects, countries = [*pronoun, *(o for o in objects if o not in pronoun)], False
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
        subject = subject[:1] if separate else subject
        participants = [*subject, *(o for o in objects if o not in subject)]
        self._add(index, participants, trig.start(), obj_end, separate)


class _NounReader(_Reader):
    """Meetings told with a noun: "her meeting with Brody", "a meeting of the leaders of A, B and C"."""

    def _groups(self, start: int, end: int) -> list[str]:
        """Lower-case parties in an object: "congressional leaders", "other Burmese leaders"."""
        out = []
        for m in _GROUP_PHRASE.finditer(self.text, start, end):
            phrase = m.group()
            if phrase[:1].islower() or " " in phrase:
                out.append(phrase)
        return out

    def _pronoun_object(self, pos: int, sent_start: int, trig_start: int) -> list[str]:
        """ "met with her": the last person named before, other than the subject."""
        m = _OBJECT_PRONOUN.match(self.text, pos)
        if not m or m["p"] == "them":
            return []
        subject = self._subject(sent_start, trig_start)
        known = self._pronoun(m["p"], sent_start)
        if known and not (subject and known == subject[0]):
            return [known]
        person = self.names.person_before(sent_start)
        while person is not None and subject and self.names.full(person.core) == subject[0]:
            person = self.names.person_before(person.start)
        return [self.names.full(person.core)] if person else []

    def _owner(self, sent_start: int, trig_start: int) -> list[str]:
        """Whose meeting it is: "her meeting", "Brody's meeting", or who "attended a meeting"."""
        pre = self.text[max(sent_start, trig_start - 80) : trig_start]
        owner = _POSSESSOR.search(pre)
        if owner and owner["pron"]:
            if owner["pron"] == "their":
                return self._previous_group(sent_start)
            known = self._pronoun(owner["pron"], sent_start)
            if known:
                return [known]
            person = self.names.person_before(trig_start - len(pre) + owner.start())
            return [self.names.full(person.core)] if person else []
        if owner and owner["name"]:
            mentions = self.names.within(trig_start - len(pre) + owner.start(), trig_start)
            persons = [m for m in mentions if m.kind == "person"]
            if persons:
                return [self.names.full(persons[-1].core)]
            places = [m.core for m in mentions if m.kind == "place"]
            return places[-1:]
        addressed = _ADDRESSED.search(pre)
        if addressed:
            return self._subject(sent_start, trig_start - len(pre) + addressed.start())
        return []

    def _noun(self, index: int, start: int, trig: re.Match[str], kind: str, separate: bool) -> None:
        sent = self.sents[index]
        if _FUTURE_NOUN.search(self.text, max(start, trig.start() - 40), trig.start()):
            return
        obj_end, mentions = self._object(trig.end(), sent.end)
        objects, countries = self._participants(mentions)
        if countries and objects:
            first = next(m for m in mentions if m.core == objects[0])
            role = _ROLE_LIST.search(self.text[trig.end() : first.start])
            if role and kind == "noun_with":
                objects = self._map_countries(objects, role["role"])
            elif role:
                pass  # "a meeting of the leaders of A, B and C": the countries, whoever led them then
            elif not all(c.lower() in _COUNTRY_KEYS for c in objects):
                # a lone unknown word is a person named by surname only ("her meeting with Brody")
                objects = [
                    m.core
                    for m in mentions
                    if m.core in objects
                    and " " not in m.raw.strip()
                    and m.core not in self.names.places
                    and m.core.lower() not in _PLACE_NAMES
                    and m.core.lower() not in _COUNTRY_KEYS
                ]
                countries = False
        if not countries or not objects:
            objects = [*objects, *self._groups(trig.end(), obj_end)]
        if not objects:
            objects = self._pronoun_object(trig.end(), start, trig.start())
        owner = self._owner(start, trig.start())
        if kind == "noun_of":
            participants = [*owner, *objects] if owner or len(objects) >= 2 else []
            if participants:
                self._add(index, participants, trig.start(), obj_end, False)
            return
        if owner and objects:
            self._add(index, [owner[0], *objects], trig.start(), obj_end, separate)


def find_meetings(
    text: str,
    sents: Sequence[Sentence],
    published: datetime.date | None,
    pronouns: Mapping[int, tuple[str | None, str | None]] | None = None,
) -> list[MeetingDraft]:
    """Every in-person meeting the article reports as having taken place, one draft per meeting.

    `sents` are `sentences(text, find_quotes(text))`; each draft's evidence is the sentence (or
    sentences) it was read from, so it is grounded by construction.
    """
    if not _TRIGGER.search(text):
        return []
    reader = _NounReader(text, sents, published)
    reader.pronouns = pronouns or {}
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
