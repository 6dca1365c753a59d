"""The LLM engine end to end, replayed from cassettes recorded against the scripted server."""

from __future__ import annotations

import asyncio
import json

import pytest
from conftest import ROOT, SEED, TEST_KEY, TESTS

from summarizer import Summarizer, asummarize
from summarizer.article import read_path
from summarizer.errors import AuthenticationError, ServerError
from summarizer.resources import prompt_version
from summarizer.schema import ArticleSummary


def assert_grounded(summary: ArticleSummary, text: str) -> int:
    """Every evidence span of every item is the article's exact words; returns how many."""
    count = 0
    for item in [*summary.meetings, *summary.statements, *summary.allegations]:
        assert item.evidence, item
        for ev in item.evidence:
            assert text[ev.start : ev.end] == ev.text
            count += 1
    for st in summary.statements:
        if st.kind == "direct":
            assert st.content in text
    return count


def cassette_requests(cassette) -> list[dict]:
    """The JSON bodies of the requests in this test's cassette (recorded or replayed)."""
    return [json.loads(r.body) for r in cassette.requests]


def make(model: str, base_url: str, **kw) -> Summarizer:
    settings = {"mode": "json_schema", "max_retries": 1, "http_retries": 0} | kw
    return Summarizer(model=f"stub/{model}", base_url=base_url, api_key=TEST_KEY, **settings)


@pytest.mark.vcr
def test_seed_article_yields_grounded_statements_meetings_and_allegations(llm_base_url):
    article = read_path(SEED)
    summary = make("seed", llm_base_url).summarize(article)

    assert summary.article.id == "000_2c3e132f8f386317"
    assert summary.article.published.isoformat() == "2022-02-07"
    assert summary.article.sha256 == article.sha256
    assert assert_grounded(summary, article.text) >= 15
    assert summary.warnings == []

    speakers = {s.speaker for s in summary.statements}
    assert {"Antonio Guterres", "Xi Jinping"} <= speakers
    xi_direct = [s for s in summary.statements if s.speaker == "Xi Jinping" and s.kind == "direct"]
    assert any(s.content.startswith("China and Egypt share similar visions") for s in xi_direct)
    relayed = [s for s in summary.statements if s.relay]
    assert any(s.channel == "state media" and "China Global Television" in s.relay for s in relayed)
    assert any(s.channel == "spokesman" for s in summary.statements)

    guterres_meeting = summary.meetings[0]
    assert set(guterres_meeting.participants) == {"Antonio Guterres", "Xi Jinping", "Wang Yi"}
    assert guterres_meeting.date == "2022-02-05"
    ev = guterres_meeting.evidence[0]
    assert article.text[ev.start : ev.end].startswith("Guterres met with Chinese President Xi")

    accused = [a.accused for a in summary.allegations]
    assert ["China"] in accused
    assert any(a.accuser == "Campaigners" for a in summary.allegations)

    xi = next(e for e in summary.entities if e.name == "Xi Jinping")
    assert "習近平" in xi.aliases and xi.title == "Chinese President"

    assert summary.meta.engine == "llm" and summary.meta.model == "stub/seed"
    assert summary.meta.prompt_version == prompt_version()
    assert summary.meta.usage.total_tokens > 0 and summary.meta.attempts == 1


@pytest.mark.vcr
def test_seed_article_in_tools_mode_gives_the_same_summary(llm_base_url, vcr):
    article = read_path(SEED)
    summary = make("seed", llm_base_url, mode="tools").summarize(article)
    assert summary.meta.mode == "tools"
    assert assert_grounded(summary, article.text) >= 15
    (body,) = cassette_requests(vcr)
    assert body["tools"][0]["function"]["name"] == "ArticleExtraction"
    assert body["temperature"] == 0


@pytest.mark.vcr
def test_request_is_deterministic_and_sends_the_article_alone_as_user_message(llm_base_url, vcr):
    article = read_path(SEED)
    make("seed", llm_base_url).summarize(article)
    (body,) = cassette_requests(vcr)
    system, user = body["messages"]
    assert user == {"role": "user", "content": article.text}
    assert "2022-02-07" in system["content"]
    assert body["temperature"] == 0
    assert body["response_format"]["type"] == "json_schema"


@pytest.mark.vcr
def test_request_carries_the_strict_schema_with_strict_true_and_an_output_limit(llm_base_url, vcr):
    from test_strict_schema import strict_violations

    from summarizer.engines.calls import output_budget

    article = read_path(SEED)
    make("seed", llm_base_url).summarize(article)
    (body,) = cassette_requests(vcr)
    wrapper = body["response_format"]["json_schema"]
    assert wrapper["strict"] is True and wrapper["name"] == "ArticleExtraction"
    assert strict_violations(wrapper["schema"]) == []
    assert body["max_tokens"] == output_budget(article.text) and "max_completion_tokens" not in body


@pytest.mark.vcr
def test_invented_quote_is_retried_then_dropped_or_demoted_with_warnings(llm_base_url, vcr):
    article = read_path(SEED)
    summary = make("invented_quote", llm_base_url, max_retries=1).summarize(article)

    # the quote with invented evidence is gone; the one whose evidence is real is kept as a
    # paraphrase, never as a quote; everything grounded is kept
    contents = [s.content for s in summary.statements]
    assert not any("never accept lectures" in c for c in contents)
    demoted = [s for s in summary.statements if "the same vision for a fair world" in s.content]
    assert [s.kind for s in demoted] == ["indirect"]
    assert len(summary.statements) == 9
    assert_grounded(summary, article.text)
    codes = [w.code for w in summary.warnings]
    assert codes == ["ungrounded_evidence", "ungrounded_item", "quote_not_in_article"]
    assert summary.meta.attempts == 2

    # the retry told the model precisely what was wrong
    _first, retry = cassette_requests(vcr)
    feedback = json.dumps(retry["messages"][2:], ensure_ascii=False)
    assert "is not in the article" in feedback
    assert "never accept lectures" in feedback
    assert "The closest passage is" in feedback


@pytest.mark.vcr
def test_invented_quote_corrected_on_retry_leaves_no_warning(llm_base_url):
    article = read_path(SEED)
    summary = make("invented_then_fixed", llm_base_url, mode="tools").summarize(article)
    assert summary.warnings == []
    assert summary.meta.attempts == 2
    assert summary.meta.usage.total_tokens > 0
    assert_grounded(summary, article.text)


@pytest.mark.vcr
def test_server_error_after_http_retries_raises_server_error_counting_the_requests(llm_base_url):
    with pytest.raises(ServerError, match=r"answered HTTP 500 \(2 requests; no retry left\)") as info:
        make("server_error", llm_base_url, http_retries=1).summarize(read_path(SEED))
    assert info.value.requests == 2


@pytest.mark.vcr
def test_refused_key_raises_authentication_error_without_the_key(llm_base_url):
    with pytest.raises(AuthenticationError) as info:
        make("auth_refused", llm_base_url).summarize(read_path(SEED))
    assert "refused the API key" in str(info.value)
    assert TEST_KEY not in str(info.value)


@pytest.mark.vcr
def test_article_with_template_syntax_reaches_the_model_byte_for_byte(llm_base_url, vcr):
    article = read_path(TESTS / "data" / "template_article.txt")
    assert "{{ budget_total }}" in article.text and "{% if approved %}" in article.text
    summary = make("template", llm_base_url).summarize(article)

    (body,) = cassette_requests(vcr)
    assert body["messages"][1]["content"] == article.text
    assert_grounded(summary, article.text)
    quote = next(s for s in summary.statements if s.kind == "direct")
    assert "{% if approved %}" in quote.content
    assert summary.meetings[0].date == "2024-03-11"


@pytest.mark.vcr
def test_asummarize_gives_the_same_summary_as_summarize(llm_base_url):
    text = SEED.read_text(encoding="utf-8")
    summary = asyncio.run(
        asummarize(
            text,
            id="000_2c3e132f8f386317",
            model="stub/seed",
            base_url=llm_base_url,
            api_key=TEST_KEY,
            mode="json_schema",
        )
    )
    assert summary.article.published.isoformat() == "2022-02-07"
    assert_grounded(summary, read_path(SEED).text)
    assert len(summary.statements) == 8


def test_cassettes_hold_no_key_and_no_authorization_header():
    for path in (ROOT / "cassettes").rglob("*.yaml"):
        content = path.read_text(encoding="utf-8")
        assert TEST_KEY not in content, path
        assert "authorization" not in content.lower(), path


@pytest.mark.vcr
def test_an_answer_that_is_never_json_fails_with_one_clear_error(llm_base_url):
    from summarizer.errors import LLMError

    with pytest.raises(LLMError) as info:
        make("malformed", llm_base_url, max_retries=1).summarize(read_path(SEED))
    assert str(info.value) == (
        "the model gave no valid summary in 2 answers (2 requests): "
        "the answer is not JSON (Invalid JSON: expected value at line 1 column 1)"
    )
    assert info.value.requests == 2 and info.value.usage.total_tokens > 0
