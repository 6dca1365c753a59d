"""The one seam every engine plugs into: what it takes, what it returns, how it is chosen.

An engine reads one `Article` and returns its draft (`ArticleExtraction`: items with evidence
as passages, not yet grounded) and the `Meta` saying how it was made; normalization then
decides what is published, whichever engine wrote the draft. Engines do not inherit from
anything: any object with `extract` and `aextract` of these shapes is one (`Engine` is a
`typing.Protocol`).

Engines are registered by name with a factory and a test of whether the settings configure
them, so `summarizer.api` chooses among them instead of naming them, and a new engine (an NLP
tier, a chunked reader, a remote worker) is one `register` call away. Factories import their
engine when called: registering the LLM engine costs nothing until it is used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from summarizer.errors import ConfigError

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.schema import ArticleExtraction, Meta


@runtime_checkable
class Engine(Protocol):
    """Reads articles into drafts. One instance serves many articles (and, for `aextract`,
    many at once on one event loop)."""

    def extract(self, article: Article) -> tuple[ArticleExtraction, Meta]:
        """The draft of one article and how it was made (blocking)."""
        ...

    async def aextract(self, article: Article) -> tuple[ArticleExtraction, Meta]:
        """The same, for asyncio."""
        ...


Settings = Mapping[str, Any]


@dataclass(frozen=True)
class EngineSpec:
    """A registered engine: how to build it and how to say what it is."""

    name: str
    build: Callable[[Settings], Engine]
    """Builds the engine from the library's keyword settings (model, base_url, ...)."""
    configured: Callable[[Settings], bool]
    """Whether these settings (or the environment) configure this engine, for `auto`."""
    describe: Callable[[Engine], str]
    """One line for stderr: which engine reads the articles, and where."""
    priority: int = 0
    """`auto` takes the configured engine of highest priority."""
    reader: Callable[[Engine, Settings], Any] | None = None
    """Optional: builds a reader around the engine for articles longer than one request
    (`read(article)` / `aread(article)` giving a draft, its meta, the parts' regions and
    warnings), from the settings named in `READER_SETTINGS`."""


READER_SETTINGS = ("context_tokens", "passes")
"""Settings that go to an engine's reader, not to the engine itself."""


_REGISTRY: dict[str, EngineSpec] = {}


def register(spec: EngineSpec) -> None:
    """Make an engine available by name (a later registration of the same name replaces it)."""
    if spec.name == "auto":
        raise ValueError("'auto' is not an engine name: it chooses among them")
    _REGISTRY[spec.name] = spec


def engine_names() -> tuple[str, ...]:
    """The registered engines, highest priority first."""
    return tuple(s.name for s in sorted(_REGISTRY.values(), key=lambda s: -s.priority))


def spec(name: str) -> EngineSpec:
    """The registered engine called `name`."""
    found = _REGISTRY.get(name)
    if found is None:
        raise ConfigError(f"unknown engine {name!r}: choose auto, {', '.join(engine_names())}")
    return found


def choose(name: str, settings: Settings) -> str:
    """The engine to use: `name` itself, or for `auto` the configured engine of highest priority."""
    if name != "auto":
        return spec(name).name
    for candidate in engine_names():
        if _REGISTRY[candidate].configured(settings):
            return candidate
    raise ConfigError("no engine is configured")
