"""summarizer: news articles to structured, verifiable JSON.

Meetings (who met whom, where, when), statements (who said what, quoted or reported, through
which channel) and allegations (who accuses whom of what), each pointing at the exact words of
the article that support it.

Public API::

    from summarizer import summarize, asummarize, Summarizer, Article, ArticleSummary
"""

from summarizer.api import Summarizer, asummarize, summarize
from summarizer.article import Article
from summarizer.engines.llm import LLMConfig
from summarizer.errors import (
    AuthenticationError,
    ConfigError,
    InputError,
    LLMError,
    ServerError,
    SummarizerError,
)
from summarizer.schema import ArticleSummary

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleSummary",
    "AuthenticationError",
    "ConfigError",
    "InputError",
    "LLMConfig",
    "LLMError",
    "ServerError",
    "Summarizer",
    "SummarizerError",
    "__version__",
    "asummarize",
    "summarize",
]
