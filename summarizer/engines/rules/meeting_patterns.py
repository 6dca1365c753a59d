"""The wording of meetings: the trigger table and the small patterns the meeting reader uses.

`_TRIGGER` finds a verb or noun of meeting ("met with", "held talks with", "her meeting with",
"a meeting of", "joined the talks", "hosted"...), built from `data/meeting_verbs.txt` and
`data/meeting_nouns.txt`; the other patterns tell a planned or negated meeting, a call, a
pronoun or group subject, a role list ("the prime ministers of"), where the object ends, the
place and the occasion. `meetings.py` reads sentences with them.
"""

from __future__ import annotations

import re

from summarizer.engines.rules.data import load_patterns, load_words
from summarizer.normalize.entities import ROLE_WORDS


def _words(text: str) -> list[str]:
    return text.split()


# --------------------------------------------------------------------------- triggers

_MEETING_VERB = "|".join(load_patterns("meeting_verbs.txt"))
_MEETING_NOUNS = "|".join(load_patterns("meeting_nouns.txt"))
_TRIGGER = re.compile(
    rf"""\b(?:
      (?P<passive>(?:was|were|been|being|be)\s+(?:(?:\w+ly|each)\s+)?(?:hosted|received|welcomed)
        (?:\s+\w+ly)?\s+by)
    | (?P<ptc_by>(?:hosted|chaired|mediated)\s+by)
    | (?P<met>{_MEETING_VERB})
        (?P<met_adv>(?:\s+(?:separately|jointly|privately|briefly|again|individually|also))*)
        (?P<met_with>\s+with)?
    | (?P<held>held|holds|had|began|opened)\s+(?P<held_adj>(?:[\w-]+\s+){{0,2}}?)(?:{_MEETING_NOUNS}
        |an?\s+(?:[\w-]+\s+){{0,2}}?(?:{_MEETING_NOUNS}))(?P<held_with>\s+with)?
    | (?P<between>(?:[Tt]alks|[Mm]eetings?|[Dd]iscussions|[Ss]ummit)\s+between)
    | (?P<joined>(?:joined|crashed|entered|attended)\s+(?:the|that|this)\s+(?:[\w-]+\s+){{0,2}}?
        (?:meeting|talks|session|summit|discussions?|negotiations))
    | (?P<noun_with>(?:{_MEETING_NOUNS})\s+with)
    | (?P<noun_of>(?:meeting|summit|gathering)\s+of)
    | (?P<hosted>hosted|received|welcomed)
    | (?P<visited>visited)
    )\b""",
    re.X | re.I,
)
_COORDINATED = re.compile(r"\s*(?:,\s*)?(?:and\s+)?(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov)\.\s+)?")
_TRIGGER_KINDS = (
    "passive", "ptc_by", "met", "held", "between", "joined", "noun_with", "noun_of", "hosted", "visited"
)
_NOT_PAST = re.compile(
    r"\b(?:not|never|n't|to|will|would|shall|could|may|might|can|cannot)\s+(?:\w+\s+){0,1}$|\b(?:was|were)\s+$"
)
_CALL = re.compile(
    r"\b(?:phone|telephone|video\s*call|videoconference|video\s+link|virtual(?:ly)?|by\s+call|on\s+a\s+call)\b",
    re.I,
)
_FUTURE_NOUN = re.compile(
    r"\b(?:will|would|due\s+to|expected|planned|scheduled|set\s+to|upcoming|next|proposed|possible)\b"
)
_SEPARATE = re.compile(r"\b(?:separately|separate|individually|each|respectively|bilateral|one-on-one)\b")
_PRONOUN_SUBJECT = re.compile(
    r"\b(?P<p>[Hh]e|[Ss]he|[Tt]hey)\s+(?:(?:also|then|later|had|has|have|separately|briefly|first|"
    r"subsequently|reportedly|each|again)\s+)*$"
)
_GROUP_SUBJECT = re.compile(
    r"(?:\b[Tt]he\s+two(?:\s+(?:leaders|men|women|ministers|sides|officials|presidents))?|\b[Bb]oth"
    r"(?:\s+(?:leaders|men|women|ministers))?)\s+(?:(?:had|have|has|each|also|then|later)\s+)*$"
)
_THEIR_ROLE = re.compile(
    r"\b[Tt]heir\s+(?P<role>(?:foreign|defen[cs]e|finance|trade|economy|interior|justice|energy)\s+"
    r"ministers|deputies|envoys|negotiators|delegations)\s+(?:(?:had|have|also|then|later)\s+)*$"
)
_MEETING_NOUN = re.compile(
    r"\b(?:[Tt]he|[Tt]his|[Tt]hat)\s+(?:meeting|talks|session|summit|discussions)\s*,?\s*$"
)
_ROLE_LIST = re.compile(
    r"\b(?P<role>(?:(?:prime|foreign|defen[cs]e|finance|trade|interior|economy|justice|energy)\s+)?"
    r"(?:heads?|leaders?|presidents?|ministers?|premiers?|chancellors?|kings?|counterparts?)"
    r"(?:\s+of\s+(?:state|government))?)\s+of\s+(?:the\s+)?$"
)
_STOP_WORDS = frozenset(
    _words(
        """
    in at on during to after before last this yesterday today earlier later when where while as
    amid about since until from ahead following over near who which that said says told agreed
    discussed urged signed to into inside outside under against because despite with without
    than but so then and/or
    """
    )
)
_OWNED = re.compile(r"\b(?:his|her|their|its|our|my|your)\s+$")
_FAMILY = re.compile(
    r"\b(?:wife|husband|girlfriend|boyfriend|fiancée?|partner|son|daughter|mother|father|brother|sister)\b"
)
_LIST_WORDS = frozenset(
    _words("and of the also had have has each then later separately jointly finally first prime foreign")
)
_INTRANSITIVE_NEXT = re.compile(
    r"\s*(?:[,.;:]|(?:in|on|at|for|during|last|yesterday|today|earlier|later|this|behind|again|twice|overnight"
    r"|until|to|over|after|before|amid|privately|briefly)\b)"
)
_COMMA_CONTINUE = frozenset({"and", "the", "a", "an", "his", "her", "their", "its"})
_ROLE_NOUNS = ROLE_WORDS | frozenset(
    _words(
        """
        counterpart counterparts negotiator heads leaders ministers envoys representatives officials
        delegation delegations commanders figure
        """
    )
)
_TOKEN = re.compile(r"\S+")
_LOCATION_AFTER = re.compile(
    r"\b(?P<prep>in|at)\s+(?:the\s+)?(?:(?:[\w’'-]+\s+){0,3}?(?:city|town|village|capital|port|region|province|resort"
    r"|district)\s+of\s+|(?:[\w’'-]+\s+){0,2}?(?:capital|city|town),?\s+)?(?=[A-Z])"
)
_LOCATION_PLACE = re.compile(
    r"\bat\s+(?:the|a|an|his|her|their)\s+(?P<loc>(?:[a-z]+\s+)?(?:palace|residence|embassy|headquarters"
    r"|ministry|base|hall|house))\b"
)
_VISITED = re.compile(r"\bvisited\s+(?=[A-Z])")
_OCCASION = (
    re.compile(
        r"\bon\s+the\s+sidelines\s+of\s+(?:the\s+|a\s+|an\s+)?(?P<occ>.+?)(?=\s+(?:in|on|at|last|this|yesterday)\b"
        r"|[,.;]|$)"
    ),
    re.compile(r"\b(?:after|before|while)\s+attending\s+(?:the\s+|a\s+|an\s+)?(?P<occ>[^,.;]+?)(?=[,.;]|$)"),
    re.compile(r"\bfor\s+(?:a|the)\s+(?P<occ>summit(?:\s+on\s+[^,.;]+?)?)(?=[,.;]|\s+in\b|\s+at\b|$)"),
)



_POSSESSOR = re.compile(
    r"(?:\b(?P<pron>his|her|their)|(?P<name>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3})['’]s?)"
    r"\s+(?:(?:first|last|second|recent|private|closed-door|long|brief|[\w-]+ly|own)\s+){0,2}$"
)
_ADDRESSED = re.compile(
    r"\b(?:told|addressed|attended|joined|crashed|chaired|interrupted|convened|led)\s+(?:an?|the)\s+"
    r"(?:[\w-]+\s+){0,2}$"
)
_GROUP_PHRASE = re.compile(
    r"\b(?:(?!(?:and|or|with|the|a|an|of|to|in|on|at|for|from|by|his|her|their|its|our)\b)"
    rf"(?:[a-z][\w-]*|[A-Z][\w-]*)\s+){{0,3}}"
    rf"(?:{'|'.join(sorted(load_words('group_nouns.txt')))})\b(?!\s+of\b)"
)
_OBJECT_PRONOUN = re.compile(r"\s*(?P<p>him|her|them)\b")
