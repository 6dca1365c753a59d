"""When a meeting took place, in the article's own words: time expressions and which one is the event's.

`date_expressions` finds "on Saturday", "Feb. 4", "last week", "During the two-day trip"...
outside relative clauses and "since" phrases; `pick_date` chooses the one of the meeting (a
fronted one, else the nearest, never one of a verb of saying: "said on Monday"). Normalization
resolves the words to a day.
"""

from __future__ import annotations

import re

from summarizer.engines.rules.names import _MONTHS, _WEEKDAYS

__all__ = ["date_expressions", "pick_date"]

# --------------------------------------------------------------------------- dates

_DATE = re.compile(
    rf"""(?:
      (?:(?:[Aa]lso|[Ll]ater|[Ee]arlier)\s+)?(?:[Oo]n\s+)?(?:(?:last|this\s+past|this|past)\s+)?
        (?:{_WEEKDAYS})(?:\s+(?:morning|afternoon|evening|night))?(?:,\s+(?:{_MONTHS})\s+\d{{1,2}})?
    | (?:[Oo]n\s+)?(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,\s+\d{{4}})?
    | (?:[Oo]n\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})(?:\s+\d{{4}})?
    | (?:(?:[Ee]arlier|[Ll]ater)\s+)?(?:[Yy]esterday|[Tt]oday|[Tt]onight|[Ll]ast\s+night|[Tt]his\s+morning)
        (?:\s+(?:morning|afternoon|evening))?
    | (?:[Ee]arlier|[Ll]ater)\s+this\s+(?:week|month|year)|[Ll]ast\s+(?:week|month)|[Tt]his\s+week
    | (?:[Ii]n|[Ee]arly|[Ll]ate|[Mm]id-)\s*(?:January|February|March|April|June|July|August|September
        |October|November|December)(?:\s+\d{{4}})?
    | [Dd]uring\s+(?:the|his|her|their|a|an)\s+(?:[\w-]+\s+){{0,2}}(?:trip|visit|tour|stay)
    )\b""",
    re.X,
)
_DATE_NOT_EVENT = re.compile(r"\b(?:said|says|announced|released|published|reported|told)\s+$")
_RELATIVE_CLAUSE = re.compile(r",\s+(?:who|which|whose)\b[^,;]*(?:,|$)|\bsince\s+[^,;.]*")


def date_expressions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of time expressions in text[start:end], outside relative clauses and 'since' phrases."""
    masked = [(m.start(), m.end()) for m in _RELATIVE_CLAUSE.finditer(text, start, end)]
    out = []
    for m in _DATE.finditer(text, start, end):
        if any(a <= m.start() < b for a, b in masked):
            continue
        out.append((m.start(), m.end()))
    return out


def pick_date(text: str, spans: list[tuple[int, int]], anchor: int, clause_start: int) -> str | None:
    """The time expression of the event at `anchor`: a fronted one, else the nearest one."""
    if not spans:
        return None

    def cost(span: tuple[int, int]) -> tuple[int, int, int]:
        said = bool(_DATE_NOT_EVENT.search(text[max(0, span[0] - 30) : span[0]]))
        fronted = span[0] <= clause_start + 2 and text[span[1] : span[1] + 1] == ","
        return (1 if said else 0, 0 if fronted else 1, abs(span[0] - anchor))

    best = min(spans, key=cost)
    return text[best[0] : best[1]]
