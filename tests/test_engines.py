"""The engine seam: engines are chosen by name from a registry, never named by the library."""

from __future__ import annotations

import pytest

from summarizer import engines
from summarizer.api import Summarizer, choose_engine
from summarizer.article import Article
from summarizer.engines.base import _REGISTRY, EngineSpec
from summarizer.engines.rules import RulesEngine
from summarizer.errors import ConfigError
from summarizer.schema import ArticleExtraction, Meta, StatementDraft


class FirstSentence:
    """A third engine, written against the interface alone: the first sentence as a statement."""

    def extract(self, article: Article) -> tuple[ArticleExtraction, Meta]:
        sentence = article.text.split(". ")[0] + "."
        speaker = sentence.split()[0]
        statement = StatementDraft(speaker=speaker, content=sentence, kind="indirect", evidence=[sentence])
        return ArticleExtraction(summary=sentence, statements=[statement]), Meta(engine="first-sentence")

    async def aextract(self, article: Article) -> tuple[ArticleExtraction, Meta]:
        return self.extract(article)


@pytest.fixture
def third_engine():
    saved = dict(_REGISTRY)
    engines.register(
        EngineSpec(
            "first-sentence",
            lambda settings: FirstSentence(),
            lambda settings: bool(settings.get("first_sentence")),
            lambda engine: "engine: first-sentence",
            priority=20,
        )
    )
    yield
    _REGISTRY.clear()
    _REGISTRY.update(saved)


def test_a_registered_engine_plugs_into_the_library_without_editing_it(third_engine):
    summarizer = Summarizer(engine="first-sentence")
    summary = summarizer.summarize("Ruiz said the port would reopen. Nobody else spoke.")
    assert summarizer.describe() == "engine: first-sentence"
    assert [(s.speaker, s.content) for s in summary.statements] == [
        ("Ruiz", "Ruiz said the port would reopen.")
    ]
    assert summary.statements[0].evidence[0].start == 0 and summary.meta.engine == "first-sentence"


def test_auto_takes_the_configured_engine_of_highest_priority(third_engine, no_llm_env):
    assert choose_engine("auto", {"first_sentence": True}) == "first-sentence"
    assert choose_engine("auto", {}) == "rules"
    assert choose_engine("auto", {"base_url": "http://127.0.0.1:9/v1"}) == "llm"


def test_an_unknown_engine_is_a_config_error_naming_the_choices():
    with pytest.raises(ConfigError, match=r"unknown engine 'nlp': choose auto, llm, rules"):
        Summarizer(engine="nlp")


def test_both_built_in_engines_satisfy_the_interface():
    from summarizer.engines.llm import LLMConfig, LLMEngine

    assert isinstance(RulesEngine(), engines.Engine)
    llm = LLMEngine(LLMConfig.resolve(base_url="http://127.0.0.1:9/v1", model="m", env={}))
    assert isinstance(llm, engines.Engine)
    assert engines.engine_names() == ("llm", "rules")
