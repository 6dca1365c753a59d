"""The library's entry points: an article in, a grounded `ArticleSummary` out.

    >>> from summarizer import summarize
    >>> summary = summarize(open("article.txt").read())  # doctest: +SKIP

`Summarizer` keeps one engine (and its HTTP connections) for many articles; `summarize` and
`asummarize` are one-shot conveniences around it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from summarizer import engines
from summarizer.article import Article, from_text, parse_date
from summarizer.normalize.pipeline import normalize
from summarizer.schema import ArticleSummary

if TYPE_CHECKING:
    from summarizer.engines.llm import LLMConfig


def as_article(
    article: str | Article,
    *,
    published: dt.date | str | None = None,
    id: str | None = None,
    title: str | None = None,
) -> Article:
    """An `Article` from a string (a leading `date YYYY-MM-DD` header is read) or an Article."""
    if isinstance(article, str):
        article = from_text(article, id=id or "article")
    elif not isinstance(article, Article):
        raise TypeError(f"expected str or Article, got {type(article).__name__}")
    changes: dict[str, Any] = {}
    if published is not None:
        changes["published"] = parse_date(published)
    if id is not None:
        changes["id"] = id
    if title is not None:
        changes["title"] = title
    return replace(article, **changes) if changes else article


ENGINES = ("auto", *engines.engine_names())
"""The names `engine=` accepts: auto, then every registered engine (summarizer.engines)."""


def choose_engine(engine: str = "auto", settings: dict[str, Any] | None = None) -> str:
    """The engine's name: `auto` takes the LLM when one is configured (a key or a base URL, as
    arguments or in the environment), the offline rules engine otherwise."""
    return engines.choose(engine, settings or {})


class Summarizer:
    """Summarizes articles with one engine, reusing it (and its connections) between articles."""

    def __init__(self, config: LLMConfig | None = None, *, engine: str = "auto", **settings: Any) -> None:
        """`engine` is auto or a registered engine (llm, rules). For the LLM: `config`, or the
        settings of `LLMConfig.resolve` (model, base_url, api_key, mode, max_retries...), and
        `context_tokens` / `passes` for long articles (`LongConfig.resolve`)."""
        if config is not None:
            settings = {**settings, "config": config}
            engine = "llm"
        reader_settings = {k: settings.pop(k) for k in engines.READER_SETTINGS if k in settings}
        self.engine_name = choose_engine(engine, settings)
        self._spec = engines.spec(self.engine_name)
        self.engine: engines.Engine = self._spec.build(settings)
        self.config: LLMConfig | None = getattr(self.engine, "config", None)
        self.reader: Any = self._spec.reader(self.engine, reader_settings) if self._spec.reader else None
        """Reads an article in parts that fit the model's context (the LLM's `LongReader`)."""

    def describe(self) -> str:
        """One line saying which engine reads the articles, for the CLI's stderr."""
        return self._spec.describe(self.engine)

    def summarize(self, article: str | Article, **article_fields: Any) -> ArticleSummary:
        """Summarize one article (blocking)."""
        art = as_article(article, **article_fields)
        if self.reader is not None:
            return _summary(art, self.reader.read(art))
        draft, meta = self.engine.extract(art)
        return normalize(art, draft, meta)

    async def asummarize(self, article: str | Article, **article_fields: Any) -> ArticleSummary:
        """Summarize one article (asyncio): many can run at once on one Summarizer."""
        art = as_article(article, **article_fields)
        if self.reader is not None:
            return _summary(art, await self.reader.aread(art))
        draft, meta = await self.engine.aextract(art)
        return normalize(art, draft, meta)


def _summary(article: Article, reading: Any) -> ArticleSummary:
    """Normalize what was read in parts: items grounded in the part each was read from."""
    summary = normalize(article, reading.draft, reading.meta, reading.regions)
    if reading.warnings:
        summary = summary.model_copy(update={"warnings": [*summary.warnings, *reading.warnings]})
    return summary


def summarize(
    article: str | Article,
    *,
    published: dt.date | str | None = None,
    id: str | None = None,
    title: str | None = None,
    engine: str = "auto",
    **settings: Any,
) -> ArticleSummary:
    """Summarize one article: with the configured LLM, or offline with the rules engine.

    `engine` is auto (the LLM when a key or base URL is configured, the rules otherwise), llm
    or rules.

    `settings` are those of `LLMConfig.resolve`: model, base_url, api_key, mode, max_retries,
    http_retries, timeout (seconds for each request's article or part, retries included),
    max_output_tokens, strict; and `context_tokens` / `passes` for long articles, which are read
    in parts that fit the server's context (`engines/long.py`). Unset ones come from the
    environment (OPENAI_API_KEY, OPENAI_BASE_URL, SUMMARIZER_MODEL, SUMMARIZER_MODE,
    SUMMARIZER_TIMEOUT, SUMMARIZER_MAX_OUTPUT_TOKENS, SUMMARIZER_STRICT,
    SUMMARIZER_CONTEXT_TOKENS, SUMMARIZER_PASSES).

    Raises `InputError` for an unreadable article, `ConfigError` when no model is configured,
    `AuthenticationError` / `ServerError` (`ContextLimitError`, `DeadlineError`) /
    `OutputLimitError` / `LLMError` when the model or its server fails.
    """
    return Summarizer(engine=engine, **settings).summarize(article, published=published, id=id, title=title)


async def asummarize(
    article: str | Article,
    *,
    published: dt.date | str | None = None,
    id: str | None = None,
    title: str | None = None,
    engine: str = "auto",
    **settings: Any,
) -> ArticleSummary:
    """The asyncio form of `summarize`."""
    return await Summarizer(engine=engine, **settings).asummarize(
        article, published=published, id=id, title=title
    )
