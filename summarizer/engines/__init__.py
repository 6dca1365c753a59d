"""The engines, registered by name (see `summarizer.engines.base`): `llm` and `rules`.

Their modules are imported by the factories below, when an engine is built, not here.
"""

from __future__ import annotations

from typing import Any

from summarizer.engines.base import (
    READER_SETTINGS,
    Engine,
    EngineSpec,
    Settings,
    choose,
    engine_names,
    register,
    spec,
)

__all__ = ["READER_SETTINGS", "Engine", "EngineSpec", "choose", "engine_names", "register", "spec"]


def _build_llm(settings: Settings) -> Engine:
    from summarizer.engines.llm import LLMConfig, LLMEngine

    config = settings.get("config")
    if config is None:
        config = LLMConfig.resolve(**{k: v for k, v in settings.items() if k != "config"})
    return LLMEngine(config)


def _llm_configured(settings: Settings) -> bool:
    from summarizer.engines.llm import is_configured

    return bool(
        settings.get("config") or settings.get("api_key") or settings.get("base_url") or is_configured()
    )


def _describe_llm(engine: Any) -> str:
    from summarizer.engines.llm import public_url

    config = engine.config
    where = public_url(config.base_url) if config.base_url else "OpenAI"
    return f"engine: llm ({config.model} at {where})"


def _long_reader(engine: Any, settings: Settings) -> Any:
    from summarizer.engines.long import LongConfig, LongReader

    return LongReader(engine, LongConfig.resolve(**settings))


def _build_rules(settings: Settings) -> Engine:
    from summarizer.engines.rules import RulesEngine

    return RulesEngine()


register(EngineSpec("llm", _build_llm, _llm_configured, _describe_llm, priority=10, reader=_long_reader))
register(
    EngineSpec(
        "rules",
        _build_rules,
        lambda settings: True,  # always available: no model, no network
        lambda engine: "engine: rules (offline; no OPENAI_API_KEY or OPENAI_BASE_URL configured)",
        priority=0,
    )
)
