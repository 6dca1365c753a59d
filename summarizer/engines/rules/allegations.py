"""Allegations read with patterns: who accuses whom of what, and where the accusation stands.

The constructions news uses for an accusation, each read from one sentence:

* "X (has) accused Y of Z", "a report accusing Y of Z" (the accuser is the sentence's subject);
* "Y is/was/has been accused of Z" (no accuser), "Y, who has been accused of Z, ...";
* "Y was charged (on Monday) with Z, the prosecutor's office said" (the accuser is whoever the
  sentence attributes it to), "prosecutors charged Y with Z";
* "X alleged (in a report) that Y did Z, and that ..." (one allegation per "that" clause),
  "allegations that Y did Z", "allegations of Z against Y", "Y allegedly did Z";
* "Campaigners say ...", "opposition parties say ..." (the accused is implied: the party accused
  in the same sentence, else the one accused just before, else the country of the dateline);
* criticism of someone's rule: "shunning Western criticism of their heavy-handed rule" (accuser
  "Western critics"), "has overseen a widespread crackdown on dissent ..., drawing international
  criticism";
* "Y pleaded guilty to Z" (status admitted), "pleaded not guilty" (denied);
* "Y was arrested ... and charged with Z, which he denies" (denied).

Not allegations: negated or hypothetical ones ("has never been charged", "Neither man has been
charged", "may accuse", "will be unable to ... and accuse"). "claimed/contend that" counts only
when the clause names a wrongdoing (fraud, bribery, torture, rigging...).

The status starts as "alleged" and changes when a later sentence answers the accusation: the
accused (or someone of the accused's side: "Tarvanian minister" answers "Tarvania", "Castagne's
lawyer" answers for Castagne) "denied"/"rejected" it (denied), "contests"/"disputes"/"dismissed"
it (disputed) or "admitted" it (admitted). A bare "denied the allegations" with nobody of the
accused's side named answers the accusation reported in the sentences just before.

Every evidence passage is the sentence the allegation was read from, so each item is grounded by
construction. Names are written as the article writes them, cleaned of "the" and possessives;
pronouns are resolved to the last person named.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from summarizer.engines.rules.names import ArticleNames, Mention, article_names, demonym_of
from summarizer.engines.rules.text import Sentence
from summarizer.schema import AllegationDraft

__all__ = ["find_allegations"]

_AUX_TAIL = re.compile(
    r"(?:\s|^)(?:(?:has|have|had|is|are|was|were|been|being|be|also|long|since|now|already|often|sometimes"
    r"|never|not|[a-z]+ly)\s+)*$"
)
_NEGATED = re.compile(r"(?:\b(?:not|never|no\s+longer|nor)\b|n't\b|\b[Nn]either\b)[^,;.]*$")
_BARE_VERB = re.compile(r"(?:accuse|allege|charge|claim)\b")
_MODAL = re.compile(r"\b(?:to|will|would|could|can|cannot|may|might|should|must|shall|unable)\b")
_HYPOTHETICAL = re.compile(
    r"\b(?:to|will|would|could|can|cannot|may|might|should|must|shall|unable\s+to)\s+(?:\w+\s+)?$"
)

_ACTIVE_ACCUSE = re.compile(r"\b(?P<v>accused|accuses|accuse)\s+(?P<acc>(?:(?!\bof\b)[^,;:.!?])+?)\s+of\s+")
_PARTICIPLE_ACCUSE = re.compile(r"\baccusing\s+(?P<acc>(?:(?!\bof\b)[^,;:.!?])+?)\s+of\s+")
_PASSIVE_ACCUSE = re.compile(
    r"\b(?:is|are|was|were|been|being|be|stands?|stood)\s+(?:(?:\w+ly|also|long|widely)\s+)*accused\s+"
    r"(?:by\s+(?P<by>[^,;.]+?)\s+)?of\s+"
)
_PASSIVE_CHARGE = re.compile(
    r"\b(?:is|are|was|were|been|be)\s+(?:(?:formally|also|later|now)\s+)?charged\b(?P<mid>[^,.;]{0,40}?)\s+with\s+"
)
_COORD_CHARGE = re.compile(
    r"\b(?:was|were|been)\s+(?:[\w-]+\s+){1,6}?and\s+(?:later\s+|then\s+|subsequently\s+)?charged\b"
    r"(?P<mid>[^,.;]{0,40}?)\s+with\s+"
)
_ACTIVE_CHARGE = re.compile(
    r"(?<!been )(?<!was )(?<!were )\bcharged\s+"
    r"(?P<acc>(?:(?:former|ex-|the|a|an|two|three|[a-z]+-?[a-z]*)\s+){0,3}[A-Z][^,.;]{0,60}?)\s+with\s+"
)
"""'prosecutors charged (former mayor) Jan Kos with fraud': lowercase titles may precede the name."""
_BY_ACCUSER = re.compile(
    r"\s+by\s+(?P<by>(?:the\s+|some\s+|several\s+|many\s+)?(?:[\w-]+\s+){0,3}"
    r"(?:lawmakers|prosecutors|critics|campaigners|activists|opponents|officials|police|investigators|"
    r"rights\s+groups|groups|rivals|residents|protesters|the\s+opposition|opposition))\b"
)
"""'was accused of taking bribes by opposition lawmakers': the accuser after the claim."""
_ALLEGE = re.compile(
    r"\b(?P<v>alleged|allege|alleges|alleging|claimed|claim|claims|contend|contends|charged)\b"
    r"(?P<mid>[^.;“\"«]{0,60}?)\s+that\s+"
)
_ALLEGATIONS_THAT = re.compile(r"\b(?:allegations?|accusations?)\s+(?:by\s+(?P<by>[^,;.]+?)\s+)?that\s+")
_ALLEGATIONS_OF = re.compile(
    r"\b(?:allegations?|accusations?)\s+of\s+(?P<claim>[^,;.]+?)(?:\s+against\s+(?P<against>[^,;.]+?))?(?=[,;.]|$)"
)
_ALLEGEDLY = re.compile(r"\ballegedly\s+")
_GROUP_SAY = re.compile(
    r"(?P<group>\b(?:(?:[A-Z][\w-]*|human|rights|opposition|international|environmental|transparency)\s+){0,2}"
    r"(?:[Cc]ampaigners|[Aa]ctivists|[Cc]ritics|[Rr]ights\s+groups|[Oo]pponents|[Ww]atchdogs"
    r"|[Oo]pposition\s+(?:parties|groups|leaders|figures|politicians|lawmakers)))\s+"
    r"(?:have\s+|had\s+)?(?:say|says|said|contend|argue|argued)\s+(?:that\s+)?"
)
_CRITICISM = re.compile(
    r"(?:\b(?P<adj>[A-Z][\w-]*|international|widespread|growing|mounting|fierce|strong|domestic)\s+)?"
    r"criticism\s+(?:of|over)\s+(?P<pos>his|her|their|its|the)\s+(?P<claim>[^,.;]+?)(?=\s+as\b|\s+and\b|"
    r"\s+from\b|[,.;]|$)"
)
_DISMISS_BEFORE = re.compile(
    r"\b(?:dismissed|dismisses|dismissing|rejected|rejects|rejecting|brushed\s+aside)\s+$"
)
_CRACKDOWN = re.compile(
    r"\b(?P<claim>(?:(?:has|have|had)\s+)?(?:overseen|oversaw|led|launched|waged|presided\s+over|carried\s+out"
    r"|conducted|orchestrated|ordered|intensified|stepped\s+up)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?crackdown\b"
    r".*?)(?=,?\s+(?:and\s+)?(?:drawing|drew|prompting|sparking|triggering|attracting)\b|[.;]|$)"
)
_PLEADED = re.compile(r"\bpleaded\s+(?P<not>not\s+)?guilty\b(?P<mid>[^,.;]{0,40}?)\s+to\s+")

_CLAIM_END = re.compile(
    r",?\s+(?:and|but)\s+(?:(?:has|have|had|was|were|is|are|will|would|also|then|last|later|said|says|agreed)\b"
    r"|[a-z]+ed\s+(?:to|a|an|the|that|his|her|its|their|on|with|him|them)\b)"
    r"|,\s+(?:the\s+[^,]{1,60}?|a\s+[^,]{1,60}?|an\s+[^,]{1,60}?|his\s+\w+|her\s+\w+|their\s+\w+|officials"
    r"|prosecutors|police)\s+(?:said|say|says|reported|added|announced)\b"
    r"|,\s+(?:a|an)\s+[^,]{0,40}?\s+(?:where|which|who)\b"
    r"|,\s+(?:according|which|while|saying|calling|though|although|even\s+though|despite|he\s+said|she\s+said"
    r"|they\s+said|it\s+said)\b"
    r"|;|\s+[—–]\s+|[.!?]?[”\"»]?\s*$"
)
_ATTRIBUTION = re.compile(
    r",\s+(?P<who>(?:the|a|an)\s+[^,]{1,80}?|[A-Z][^,]{1,60}?)\s+(?:said|says|announced|reported)"
    r"(?:\s+(?:in|on)\s+[^,.]*)?[.]?\s*$"
)
_CLAUSE_VERB = re.compile(
    r"\s+(?:(?P<aux>had|has|have|was|were|is|are|would|will|did|could|should|may|might|must)\b"
    r"|(?!(?:need|red|bed|seed|speed|feed|shed|bred|bleed|hundred|united)\b)(?:[a-z]+ed|took|gave|made|paid"
    r"|hid|stole|sold|bought|sent|kept|left|led|ran|got|won|lost|held|spent|brought|put|set|let|hit|cut|broke"
    r"|wrote|drove|knew|saw|went|came|fled|sought|threw|told|said|took|taught|built|lent|fought|shot|struck"
    r"|stood|became|began|overtook|withheld|misled|forgot|understood|rode|fell|froze|chose|swore|bore|tore)\b"
    r"(?P<modifier>\s+(?:in|by|on|at|from|under|during|since|for|through|with)\b)?)"
)
_SPEECH_THAT = re.compile(r"\s+(?:claimed|said|alleged|told|argued|insisted|testified)\b[^.;]{0,40}?\bthat\b")
_AGENT = re.compile(
    r"\b(?:military|army|regime|government|authorities|police|troops|soldiers|forces|officers|guards|officials"
    r"|ministry|company|firm|leaders?|president|minister|junta|militia|rebels|party)$"
)
_PASSIVE_BEFORE = re.compile(r"\b(?:is|are|was|were|been|be)\s+$")
_PASSIVE_CLAUSE = re.compile(
    r"(?:(?:has|have|had|will|would|could|may|might)\s+)?(?:was|were|is|are|be|been|being)\s+(?:\w+ly\s+)?"
    r"(?:[a-z]+ed|[a-z]+en|held|kept|built|made|taken)\b"
)
_DENIAL = re.compile(
    r"(?<!\bthe )(?<!\ba )(?<!\bits )(?<!\btheir )\b(?P<v>denied|denies|deny|denying|rejected|rejects|reject"
    r"|refuted|refutes|disputed|disputes|dispute|contests|contested|contest|challenged|challenges"
    r"|dismissed|dismisses|admitted|admits|acknowledged|confessed)\b"
)
_ANY_CUE = re.compile(
    r"accus|alleg|charged|claim|contend|[Cc]ampaigners|[Aa]ctivists|[Cc]ritics|[Rr]ights groups|[Oo]pponents"
    r"|[Ww]atchdogs|[Oo]pposition|criticism|crackdown|pleaded"
)
_DENIAL_HINT = re.compile(r"den[iy]|reject|refut|disput|contest|challeng|dismiss|admit|acknowledg|confess")
_WHICH_BEFORE = re.compile(r",\s+which\s+(?:\w+\s+){0,2}?(?:(?:has|have|had)\s+)?(?:\w+ly\s+)?$")
_GENERIC_OBJECT = re.compile(
    r"\s+(?:\w+\s+)?(?:the|these|those|that|this|all|such|them|it)\b\s*(?:\w+\s+)?(?:allegations?|accusations?"
    r"|charges?|claims?|report|reports|criticism)?"
)
_DOCUMENT = re.compile(
    r"\b(?:report|reports|statement|tweets?|posts?|letter|lawsuit|complaint|suit|ad|advert\w*|indictment"
    r"|filing|documents?|memo|video|petition|resolution)$",
    re.I,
)
_DOCUMENT_OWNER = re.compile(
    r"^(?P<owner>(?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*)['’]s?\s+.*\b(?:report|reports|statement|"
    r"tweets?|posts?|letter|lawsuit|complaint|suit|ad|indictment|filing|memo|video)$"
)
_FRONTED = re.compile(r"[^,]{0,30},\s+")
_LEADING_PRONOUN = re.compile(r"(?:He|She)\b")
_APPOSITIVE = re.compile(r",\s+(?:the|a|an|his|her|their|who|which|whose|now|then|aged|\d)")
_NP_STOP = frozenset(
    """that which who whom whose where when while said says say told after before because as if since and but
    or than then though although whether during on in at to for with by from into over under against
    about amid despite including also has have had is are was were been be being did does do not""".split()
)
_GROUP_KEYS = ("campaigners", "activists", "critics", "rights groups", "opponents", "watchdogs", "opposition")
_DETERMINERS = frozenset("the a an its his her their this these those".split())
_PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
_IGNORED_WORDS = frozenset("the a an of and its his her their own three two four several".split())
_POSSESSIVE = re.compile(r"['’]s?$")
_OWNER = re.compile(r"^(?P<owner>.+?)['’]s?\s+(?:office|spokes(?:man|woman|person)|aides?|lawyers?)$")


_ANSWERED_WITHIN = 40
"""A denial answers one of the last this many accusations (bounds the work on huge inputs)."""


@dataclass
class _Item:
    accuser: str | None
    accused: list[str]
    claim: str
    status: str
    sentence: int
    pos: int
    evidence: list[str] = field(default_factory=list)
    implied: bool = False


class _Reader:
    def __init__(self, text: str, sents: Sequence[Sentence]) -> None:
        self.text = text
        self.sents = sents
        self.names: ArticleNames = article_names(text, sents)
        self.items: list[_Item] = []

    # ------------------------------------------------------------------ noun phrases

    def _np_before(self, pos: int, floor: int) -> tuple[str, int, bool]:
        """The noun phrase ending just before `pos` (auxiliaries skipped): text, start, relative."""
        text = self.text
        left = text[floor:pos]
        aux = _AUX_TAIL.search(left)
        cut = floor + (aux.start() if aux else len(left))
        head = text[floor:cut].rstrip()
        relative = False
        rel = re.search(r",\s+(?:who|which)\s*$", head)
        if rel:
            head, relative = head[: rel.start()], True
        elif head.endswith(","):
            # an appositive: "Marko Tenev, the owner of the supplier, is accused"
            inner = head[:-1]
            comma = inner.rfind(",")
            head = inner[:comma] if comma >= 0 and _APPOSITIVE.match(inner, comma) else inner
        tokens = list(re.finditer(r"\S+", head))
        start = len(head)
        for tok in reversed(tokens[-8:]):
            word = tok.group()
            bare = word.strip('“”"«»()').lower()
            if word.rstrip("“”\"«»’'")[-1:] in ",;:—–" or word[:1] in "—–(" or bare in _NP_STOP:
                break
            start = tok.start()
        phrase = head[start:].strip(" ,")
        return phrase, floor + start, relative

    def _np_after(self, pos: int, limit: int) -> tuple[str, int]:
        """The subject of a clause starting at `pos`: the words before its verb."""
        found = [
            m for m in _CLAUSE_VERB.finditer(self.text, pos, min(limit, pos + 120)) if m.start() - pos <= 90
        ]
        for i, m in enumerate(found):
            subject = self.text[pos : m.start()].strip(" ,")
            if m["modifier"] and i + 1 < len(found) and subject.lower() not in _PRONOUNS:
                continue  # "the rules introduced in 2020 were abused": a participle, not the verb
            return subject, m.start()
        return "", pos

    def _party(self, phrase: str, pos: int, other_than: str | None = None) -> str | None:
        """A name as the article writes it, cleaned; a pronoun becomes the last person named."""
        words = phrase.split()
        while words and words[0].lower() in _DETERMINERS and len(words) > 1:
            words = words[1:]
        if not words:
            return None
        phrase = " ".join(words).strip(' ,;:“”"«»')
        if phrase.lower() in _PRONOUNS:
            # the last person named; "X accused him": someone other than the accuser
            person = self.names.person_before(pos)
            while person and other_than and self.names.full(person.core) == other_than:
                person = self.names.person_before(person.start)
            return self.names.full(person.core) if person else None
        if phrase.lower() in ("they", "it", "them", "we", "i", "you", "which", "who"):
            return None
        owner = _OWNER.match(phrase)
        if owner and owner["owner"].split()[-1].lower() in self.names.full_names:
            phrase = owner["owner"]
        phrase = _POSSESSIVE.sub("", phrase) if phrase.endswith(("’s", "'s", "s’", "s'")) else phrase
        mentions = [m for m in self.names.within(pos, pos + len(phrase) + 40) if m.kind == "person"]
        if len(words) <= 6 and mentions and phrase.endswith(mentions[-1].core) and not phrase[:1].islower():
            return self.names.full(mentions[-1].core)
        if " " not in phrase and phrase.lower() in self.names.full_names:
            return self.names.full(phrase)
        return phrase or None

    def _claim(self, start: int, limit: int, relative: bool = False) -> str:
        text = self.text
        end_match = _CLAIM_END.search(text, start, limit)
        end = end_match.start() if end_match else limit
        if relative:
            comma = text.find(",", start, end)
            if comma >= 0:
                end = comma
        return text[start:end].strip(' ,;:“”"«»').strip()

    def _subject(self, sent: Sentence) -> str | None:
        """The sentence's subject when it is named early: a participle's or a second verb's subject."""
        text = self.text
        lead = _FRONTED.match(text, sent.start, sent.end)
        offset = lead.end() if lead else sent.start
        pronoun = _LEADING_PRONOUN.match(text, offset, sent.end)
        if pronoun:
            person = self.names.person_before(offset)
            return self.names.full(person.core) if person else None
        for m in self.names.within(offset, min(sent.end, offset + 60)):
            if m.kind in ("person", "org", "group") or (m.kind == "place" and m.start == offset):
                if m.kind == "person":
                    return self.names.full(m.core)
                return _POSSESSIVE.sub("", re.sub(r"^(?:The|A|An)\s+", "", m.raw)).rstrip(".") or None
        return None

    def _blocked(self, lo: int, pos: int) -> bool:
        """A denied or hypothetical accusation: "has never been charged", "will accuse"."""
        before = self.text[max(lo, pos - 60) : pos]
        if _NEGATED.search(before) or _HYPOTHETICAL.search(before):
            return True
        if _BARE_VERB.match(self.text, pos):
            # "will be unable to turn the crowds ... and accuse": a bare verb under a modal
            clause = re.split(r"[,;:]", self.text[max(lo, pos - 120) : pos])[-1]
            return bool(_MODAL.search(clause))
        return False

    def _accuser(self, phrase: str, at: int, sent: Sentence) -> str | None:
        """Who speaks: the noun phrase before the verb, else the sentence's subject ("and alleged")."""
        owner = _DOCUMENT_OWNER.match(phrase)
        if owner:
            return self._party(owner["owner"], at)
        if phrase and not _DOCUMENT.search(phrase):
            return self._party(phrase, at)
        return self._subject(sent)

    def _add(
        self,
        index: int,
        accuser: str | None,
        accused: str | list[str] | None,
        claim: str,
        pos: int,
        status: str = "alleged",
        implied: bool = False,
    ) -> None:
        if not claim or len(claim.split()) < 1:
            return
        sent = self.sents[index]
        accused_list = [a for a in ([accused] if isinstance(accused, str) else accused or []) if a]
        if not accused_list and not implied:
            return
        self.items.append(
            _Item(
                accuser=accuser,
                accused=accused_list,
                claim=claim,
                status=status,
                sentence=index,
                pos=pos,
                evidence=[self.text[sent.start : sent.end]],
                implied=implied,
            )
        )

    # ------------------------------------------------------------------ patterns

    def sentence(self, index: int) -> None:
        sent = self.sents[index]
        text, lo, hi = self.text, sent.start, sent.end
        lo = max(lo, self.names.body_start) if lo < self.names.body_start else lo
        taken: list[tuple[int, int]] = []

        def free(pos: int) -> bool:
            return not any(a <= pos < b for a, b in taken)

        low = text[lo:hi].lower()
        accus = "accus" in low
        alleg = "alleg" in low
        charged = "charged" in low
        claims = alleg or charged or "claim" in low or "contend" in low
        groups = any(g in low for g in _GROUP_KEYS)
        if not (accus or claims or groups or "criticism" in low or "crackdown" in low or "pleaded" in low):
            return

        for m in _PASSIVE_ACCUSE.finditer(text, lo, hi) if accus else ():
            taken.append((m.start(), m.end()))
            if self._blocked(lo, m.start()):
                continue
            phrase, at, relative = self._np_before(m.start(), lo)
            accuser = self._party(m["by"], m.start("by")) if m["by"] else None
            claim_end = hi
            agent = _BY_ACCUSER.search(text, m.end(), hi) if accuser is None else None
            if agent:
                accuser, claim_end = self._party(agent["by"], agent.start("by")) or agent["by"], agent.start()
            self._add(
                index, accuser, self._party(phrase, at), self._claim(m.end(), claim_end, relative), m.start()
            )
        for m in _ACTIVE_ACCUSE.finditer(text, lo, hi) if accus else ():
            if not free(m.start()) or self._blocked(lo, m.start()):
                continue
            phrase, at, relative = self._np_before(m.start(), lo)
            accuser = self._accuser(phrase, at, sent)
            self._add(
                index,
                accuser,
                self._party(m["acc"], m.start("acc"), other_than=accuser),
                self._claim(m.end(), hi, relative),
                m.start(),
            )
        for m in _PARTICIPLE_ACCUSE.finditer(text, lo, hi) if accus else ():
            phrase, at, _ = self._np_before(m.start(), lo)
            accuser = self._accuser(phrase if _DOCUMENT_OWNER.match(phrase) else "", at, sent)
            self._add(
                index,
                accuser,
                self._party(m["acc"], m.start("acc"), other_than=accuser),
                self._claim(m.end(), hi),
                m.start(),
            )
        for m in _PASSIVE_CHARGE.finditer(text, lo, hi) if charged else ():
            taken.append((m.start(), m.end()))
            if self._blocked(lo, m.start()):
                continue
            phrase, at, relative = self._np_before(m.start(), lo)
            attribution = _ATTRIBUTION.search(text, m.end(), hi)
            accuser = self._party(attribution["who"], attribution.start("who")) if attribution else None
            claim_end = attribution.start() if attribution else hi
            self._add(
                index, accuser, self._party(phrase, at), self._claim(m.end(), claim_end, relative), m.start()
            )
        for m in _COORD_CHARGE.finditer(text, lo, hi) if charged else ():
            if not free(m.start()) or self._blocked(lo, m.start()):
                continue
            taken.append((m.start(), m.end()))
            phrase, at, relative = self._np_before(m.start(), lo)
            self._add(index, None, self._party(phrase, at), self._claim(m.end(), hi, relative), m.start())
        for m in _ACTIVE_CHARGE.finditer(text, lo, hi) if charged else ():
            if not free(m.start()) or self._blocked(lo, m.start()):
                continue
            phrase, at, _ = self._np_before(m.start(), lo)
            self._add(
                index,
                self._accuser(phrase, at, sent),
                self._party(m["acc"], m.start("acc")),
                self._claim(m.end(), hi),
                m.start(),
            )
        for m in _ALLEGE.finditer(text, lo, hi) if claims else ():
            if _PASSIVE_BEFORE.search(text, max(lo, m.start() - 12), m.start()) or self._blocked(
                lo, m.start()
            ):
                continue
            if m["v"] in (
                "claimed",
                "claim",
                "claims",
                "contend",
                "contends",
                "charged",
            ) and not self._accusatory(m.end(), hi):
                continue
            phrase, at, _ = self._np_before(m.start(), lo)
            self._clauses(index, self._accuser(phrase, at, sent), m.end(), hi)
        for m in _ALLEGATIONS_THAT.finditer(text, lo, hi) if accus or alleg else ():
            accuser = self._party(m["by"], m.start("by")) if m["by"] else None
            self._clauses(index, accuser, m.end(), hi)
        for m in _ALLEGATIONS_OF.finditer(text, lo, hi) if accus or alleg else ():
            if m["against"]:
                accused = self._party(m["against"], m.start("against"))
            else:
                persons = [x for x in self.names.within(lo, hi) if x.kind == "person"]
                accused = self.names.full(persons[0].core) if persons else None
            self._add(index, None, accused, m["claim"].strip(), m.start())
        for m in _ALLEGEDLY.finditer(text, lo, hi) if alleg else ():
            if self._blocked(lo, m.start()):
                continue
            phrase, at, relative = self._np_before(m.start(), lo)
            self._add(index, None, self._party(phrase, at), self._claim(m.end(), hi, relative), m.start())
        for m in _GROUP_SAY.finditer(text, lo, hi) if groups else ():
            group = m["group"].strip()
            self._clauses(index, group[:1].upper() + group[1:], m.end(), hi, group_say=True)
        for m in _CRITICISM.finditer(text, lo, hi) if "criticism" in low else ():
            adj = m["adj"]
            accuser = None  # "Western criticism" names no accuser: "Western critics" is not the article's
            accused = self._first_person(lo, m.start()) if m["pos"] != "the" else None
            status = (
                "disputed"
                if _DISMISS_BEFORE.search(text[lo : m.start("adj") if adj else m.start()])
                else "alleged"
            )
            self._add(index, accuser, accused, m["claim"].strip(), m.start(), status)
        for m in _CRACKDOWN.finditer(text, lo, hi) if "crackdown" in low else ():
            phrase, at, _ = self._np_before(m.start(), lo)
            accused = self._party(phrase, at) or self._first_person(lo, m.start())
            claim = re.sub(r"^(?:has|have|had)\s+", "", m["claim"]).strip(" ,")
            self._add(index, None, accused, claim, m.start())
        for m in _PLEADED.finditer(text, lo, hi) if "pleaded" in low else ():
            phrase, at, _ = self._np_before(m.start(), lo)
            status = "denied" if m["not"] else "admitted"
            self._add(index, None, self._party(phrase, at), self._claim(m.end(), hi), m.start(), status)

    def _accusatory(self, start: int, end: int) -> bool:
        return bool(
            re.search(
                r"\b(?:corrupt\w*|brib\w*|fraud\w*|abus\w*|tortur\w*|rigg\w*|embezzl\w*|launder\w*|illegal\w*"
                r"|unlawful\w*|kill\w*|murder\w*|stole|steal\w*|lied|cover\w*\s+up|conceal\w*|violat\w*|crimes?"
                r"|rap(?:e|ed|ing)|assault\w*|harass\w*|misconduct|wrongdoing)\b",
                self.text[start:end],
                re.I,
            )
        )

    def _first_person(self, lo: int, hi: int) -> str | None:
        persons = [m for m in self.names.within(lo, hi) if m.kind == "person"]
        return self.names.full(persons[0].core) if persons else None

    def _clauses(self, index: int, accuser: str | None, start: int, hi: int, group_say: bool = False) -> None:
        """One allegation per "that" clause: "allege that A, and that B".

        The clause's subject is the accused ("that Salas steered ..."); a passive clause ("the vote
        was rigged") or, after "campaigners say", a subject that names nobody ("the real number
        of people ...") leaves the accused implied.
        """
        text = self.text
        bounds = [start]
        for sep in re.finditer(r",?\s+and\s+that\s+", text[start:hi]):
            bounds.append(start + sep.end())
        previous: str | None = None
        for i, clause_start in enumerate(bounds):
            clause_end = hi
            if i + 1 < len(bounds):
                nxt = re.search(r",?\s+and\s+that\s+", text[clause_start:hi])
                clause_end = clause_start + nxt.start() if nxt else hi
            subject, verb_at = self._np_after(clause_start, clause_end)
            if _SPEECH_THAT.match(text, verb_at, clause_end):
                continue  # "alleging that she claimed ... that he ...": the inner claim is read on its own
            passive = bool(_PASSIVE_CLAUSE.match(text, verb_at + 1, clause_end)) if subject else False
            accused = None
            claim_start = clause_start
            names_someone = not group_say or bool(
                re.search(r"(?<!^)\b[A-Z]|^[A-Z](?!he\b|\b)", subject) or _AGENT.search(subject)
            )
            if subject and not passive and names_someone:
                accused = self._party(subject, clause_start, other_than=accuser)
                if accused is None and subject.lower() in _PRONOUNS and previous:
                    accused = previous
                if accused:
                    claim_start = verb_at
            claim = self._claim(claim_start, clause_end)
            if accused:
                previous = accused
                self._add(index, accuser, accused, claim, clause_start)
            elif passive or group_say or not subject:
                self._add(
                    index, accuser, [], self._claim(clause_start, clause_end), clause_start, implied=True
                )

    # ------------------------------------------------------------------ implied parties, status

    def resolve_implied(self) -> None:
        for item in self.items:
            if not item.implied:
                continue
            same = [o for o in self.items if o.sentence == item.sentence and not o.implied and o is not item]
            earlier = [o for o in self.items if o.pos < item.pos and not o.implied]
            if same:
                item.accused = list(same[0].accused)
            elif self.names.dateline_place:
                item.accused = [self.names.dateline_place]
            elif earlier:
                item.accused = list(earlier[-1].accused)
        self.items = [i for i in self.items if i.accused]

    def statuses(self) -> None:
        text = self.text
        if not self.items:
            return
        first = self.items[0].pos
        positions = [o.pos for o in self.items]  # items are in text order
        for index, sent in enumerate(self.sents):
            if sent.end <= first or not _DENIAL_HINT.search(text, sent.start, sent.end):
                continue
            for m in _DENIAL.finditer(text, sent.start, sent.end):
                verb = m["v"]
                if re.search(r"\bcriticism\b", text[m.end() : m.end() + 40]):
                    continue  # the criticism reader set it
                if verb.startswith(("admit", "acknowledg", "confess")):
                    status = "admitted"
                elif verb.startswith(("den", "reject", "refut")):
                    status = "denied"
                else:
                    status = "disputed"
                upto = bisect.bisect_left(positions, m.start())
                before = [
                    o for o in self.items[max(0, upto - _ANSWERED_WITHIN) : upto] if o.status != "admitted"
                ]
                if not before:
                    continue
                if _WHICH_BEFORE.search(text, max(sent.start, m.start() - 30), m.start()):
                    # "charged with espionage, which he denies": the accusation just made
                    for o in before:
                        if o.sentence == index:
                            o.status = status
                    continue
                phrase, at, _ = self._np_before(m.start(), sent.start)
                denier = self._party(phrase, at) or ""
                side = [
                    x
                    for x in self.names.within(sent.start, m.start())
                    if x.kind in ("person", "adj", "place")
                ]
                targets = [o for o in before if self._answers(denier, side, o)]
                if not targets and _GENERIC_OBJECT.match(text, m.end()):
                    recent = [o for o in before if index - o.sentence <= 3]
                    targets = recent[-1:]
                for o in targets:
                    o.status = status
                    o.evidence.append(text[sent.start : sent.end])

    def _answers(self, denier: str, side: list[Mention], item: _Item) -> bool:
        """Whether someone named before the verb speaks for the accused."""
        words = {w.lower().strip("’'s") for w in denier.split()} - _IGNORED_WORDS
        for accused in item.accused:
            acc_words = {w.lower() for w in re.findall(r"[\w-]+", accused)} - _IGNORED_WORDS
            if words & acc_words:
                return True
            for m in side:
                name = self.names.full(m.core) if m.kind == "person" else m.core
                if {w.lower() for w in name.split()} & acc_words:
                    return True
                if m.kind == "person" and (aff := self.names.affiliation(m)) and aff.lower() in acc_words:
                    return True
                tokens = m.title.split() + ([m.core] if m.kind == "adj" else [])
                if any(
                    demonym_of(t, a)
                    for t in tokens
                    for a in re.findall(r"[\w-]+", accused)
                    if a[:1].isupper()
                ):
                    return True
                if any(a.lower() == t.lower() for t in tokens for a in acc_words):
                    return True
        return False


def find_allegations(text: str, sents: Sequence[Sentence]) -> list[AllegationDraft]:
    """Every accusation the article reports, one draft per accusation (two counts are two).

    `sents` are `sentences(text, find_quotes(text))`; each draft's evidence is the sentence it was
    read from (and the sentence that denied it), so every item is grounded by construction.
    """
    if not _ANY_CUE.search(text):
        return []
    reader = _Reader(text, sents)
    for index in range(len(sents)):
        reader.sentence(index)
    reader.items.sort(key=lambda i: i.pos)
    reader.resolve_implied()
    reader.statuses()
    drafts = []
    seen: set[tuple[str, str]] = set()
    for item in reader.items:
        key = (item.claim.lower(), "|".join(item.accused).lower())
        if key in seen or not item.claim:
            continue
        seen.add(key)
        drafts.append(
            AllegationDraft(
                accuser=item.accuser,
                accused=item.accused,
                claim=item.claim,
                status=item.status,  # type: ignore[arg-type]
                evidence=list(dict.fromkeys(item.evidence)),
            )
        )
    return drafts
