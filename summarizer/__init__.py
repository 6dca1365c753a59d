"""summarizer: news articles to structured, verifiable JSON.

Meetings (who met whom, where, when), statements (who said what, quoted or reported, through
which channel) and allegations (who accuses whom of what), each pointing at the exact words of
the article that support it.

Public API::

    from summarizer import summarize, asummarize, Summarizer, Article, ArticleSummary
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_EXPORTS = {
    "Summarizer": "summarizer.api",
    "asummarize": "summarizer.api",
    "summarize": "summarizer.api",
    "Article": "summarizer.article",
    "LLMConfig": "summarizer.engines.llm",
    "AuthenticationError": "summarizer.errors",
    "ConfigError": "summarizer.errors",
    "InputError": "summarizer.errors",
    "LLMError": "summarizer.errors",
    "ServerError": "summarizer.errors",
    "SummarizerError": "summarizer.errors",
    "ArticleSummary": "summarizer.schema",
}
"""Where each public name lives. They are imported on first use (PEP 562), so a tool that
imports one module of the package (the CLI's `--help`, which imports `summarizer.errors`) does
not pay for pydantic and both engines."""


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'summarizer' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


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
