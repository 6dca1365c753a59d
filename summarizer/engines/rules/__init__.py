"""The offline engine: news language read with patterns, no model, no network.

Deterministic and fast (regular expressions over sentences with offsets), it hands its drafts
to the same normalization as the LLM engine, so its items are grounded the same way; since it
only ever quotes the article's own words, every item is grounded by construction.
"""

from __future__ import annotations

from summarizer.article import Article
from summarizer.engines.rules.statements import find_statements
from summarizer.engines.rules.text import sentences
from summarizer.normalize.quotes import find_quotes
from summarizer.schema import ArticleExtraction, Meta

try:  # being written alongside; see engines/rules/meetings.py and allegations.py
    from summarizer.engines.rules.allegations import find_allegations
    from summarizer.engines.rules.meetings import find_meetings
except ImportError:  # pragma: no cover
    find_meetings = find_allegations = None  # type: ignore[assignment]

RULES_VERSION = "1"
"""Bumped whenever the rules change what they find: part of `meta.prompt_version` for this engine."""


class RulesEngine:
    """Reads articles with patterns. Stateless: one instance serves any number of articles."""

    name = "rules"

    def extract(self, article: Article) -> tuple[ArticleExtraction, Meta]:
        text = article.text
        quotes = find_quotes(text)
        sents = sentences(text, quotes)
        draft = ArticleExtraction(
            summary="",
            statements=find_statements(text, sents, quotes),
            meetings=find_meetings(text, sents, article.published) if find_meetings else [],
            allegations=find_allegations(text, sents) if find_allegations else [],
        )
        return draft, Meta(engine="rules", prompt_version=f"rules-{RULES_VERSION}")
