"""The offline engine: news language read with patterns, no model, no network.

Deterministic and fast (regular expressions over sentences with offsets), it hands its drafts
to the same normalization as the LLM engine, so its items are grounded the same way; since it
only ever quotes the article's own words, every item is grounded by construction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarizer.article import Article
from summarizer.engines.rules.allegations import find_allegations
from summarizer.engines.rules.allegations_speech import find_spoken_allegations
from summarizer.engines.rules.meetings import find_meetings
from summarizer.engines.rules.speakers import is_headline
from summarizer.engines.rules.statements import read_statements
from summarizer.engines.rules.summary import lead_summary
from summarizer.engines.rules.text import Sentence, sentences
from summarizer.normalize.entities import guess_type, split_title
from summarizer.normalize.quotes import find_quotes
from summarizer.schema import ArticleExtraction, Entity, Meta

RULES_VERSION = "2"
"""Bumped whenever the rules change what they find: part of `meta.prompt_version` for this engine."""


_PERSON_NAME = re.compile(
    r"\b[A-Z][a-z][\w’'-]*(?:\s+(?:al-|el-|de\s+|van\s+|von\s+|bin\s+)?[A-Z][a-z][\w’'-]*){1,3}"
)


def entity_drafts(text: str, sents: Sequence[Sentence] = ()) -> list[Entity]:
    """The people the article names in full ("Xi Jinping"), once each, without their titles.

    They let normalization merge a later "Xi" or "President Xi" into "Xi Jinping". Bodies and
    countries come from the items that name them.
    """
    seen: dict[str, Entity] = {}
    start = 0
    if sents and sents[0].paragraph == 0 and is_headline(sents[0].text(text)):
        # "..., Lindsey Graham Says.": a headline's Title Case would make "Lindsey Graham Says" a name
        start = next((s.start for s in sents if s.paragraph > 0), 0)
    for match in _PERSON_NAME.finditer(text, start):
        title, name, is_description = split_title(match.group())
        words = name.split()
        while words and any(word in _NOT_NAMES for word in words):
            words.pop(0)  # "Human Rights Michelle Bachelet": the name is what follows the last such word
        name = " ".join(words)
        if is_description or name in seen or len(words) < 2 or guess_type(name) != "person":
            continue
        seen[name] = Entity(name=name, type="person", title=title if name in match.group() else None)
    return list(seen.values())


_NOT_NAMES = frozenset(
    (
        "The This That These Those It He She They We In On At For And But Or If When While After "
        "Before House Senate Department Ministry Party Committee Times News Post Journal Agency "
        "Council Union Court Commission Office Network Association University Bank Army Police "
        "Government Games Olympics Affairs Rights Monday Tuesday Wednesday Thursday Friday Saturday "
        "Sunday January February March April May June July August September October November December"
    ).split()
)


class RulesEngine:
    """Reads articles with patterns. Stateless: one instance serves any number of articles."""

    name = "rules"

    def extract(self, article: Article) -> tuple[ArticleExtraction, Meta]:
        text = article.text
        quotes = find_quotes(text)
        sents = sentences(text, quotes)
        statements, pronouns = read_statements(text, sents, quotes)
        allegations = find_allegations(text, sents)
        taken = [passage for item in allegations for passage in item.evidence]
        draft = ArticleExtraction(
            summary=lead_summary(text, sents),
            entities=entity_drafts(text, sents),
            statements=[s for s, _, _ in statements],
            meetings=find_meetings(text, sents, article.published, pronouns),
            allegations=[*allegations, *find_spoken_allegations(text, sents, statements, taken)],
        )
        return draft, Meta(engine="rules", prompt_version=f"rules-{RULES_VERSION}")

    async def aextract(self, article: Article) -> tuple[ArticleExtraction, Meta]:
        """The asyncio form: the rules need no I/O, so this is `extract`."""
        return self.extract(article)
