"""The offline summary: the article's lead, trimmed and attributed to the article.

Without a model, the only neutral summary is the article's own: news copy puts what happened
in its first sentences (the lead), so the summary is the first one or two sentences after the
headline and the dateline, up to `MAX_WORDS` words, introduced as what the article says
("The article reports: ..."). It adds no judgement and no word that is not the article's, apart
from that attribution and an ellipsis where the lead is cut. A colon rather than "reports that"
keeps the lead's words as written: lower-casing its first word would need to know whether
"Talks" or "Tobias" opens it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarizer.engines.rules.statements import is_headline
from summarizer.engines.rules.text import Sentence

MAX_WORDS = 45
"""Words of the article's lead that the summary keeps."""

ENOUGH_WORDS = 20
"""A first sentence shorter than this (a kicker, a one-line quote) takes the next one too."""

_DATELINE = re.compile(
    r"\A\s*[A-Z][A-Z .’'-]+?(?:,\s+[A-Z][\w .’'-]{1,30}?)*(?:\s*\([^)]{1,30}\))?\s+(?:—|–|--|-)\s+"
)


def lead_summary(text: str, sents: Sequence[Sentence]) -> str:
    """Two or three neutral lines of the article's own lead, attributed to the article."""
    body = [s for s in sents if not (s.paragraph == 0 and is_headline(s.text(text)))] or list(sents)
    words: list[str] = []
    for sent in body:
        words.extend(_DATELINE.sub("", sent.text(text)).split() if not words else sent.text(text).split())
        if len(words) >= ENOUGH_WORDS:
            break
    if not words:
        return "The article has no text to summarize."
    cut = len(words) > MAX_WORDS
    words = words[:MAX_WORDS]
    lead = " ".join(words).rstrip(",;:")
    return f"The article reports: {lead}{'…' if cut else ''}"
