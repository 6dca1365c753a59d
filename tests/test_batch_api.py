"""The batch workflow (prepare, submit, status, collect), against the loopback stub server's
Files and Batch APIs through the real openai SDK, and from results files written by hand the
way vLLM's run_batch writes them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openai
import pytest
from conftest import SCRIPTS, TEST_KEY
from stub_server import StubServer, serve

from summarizer import batch_api
from summarizer.article import Article
from summarizer.batch_api import (
    BatchStatus,
    collect,
    prepare,
    request_body,
    sidecar_path,
    status,
    submit,
)
from summarizer.engines.llm import LLMConfig, LLMEngine, build_messages
from summarizer.errors import AuthenticationError, InputError, LLMError, ServerError
from summarizer.resources import prompt_version
from summarizer.schema import ArticleExtraction, ArticleSummary

ARTICLES = [
    Article(
        text="The minister said talks would resume on Monday. Officials declined to comment.\n\nMore later.",
        id="a1",
        published=dt.date(2022, 2, 7),
        title="Talks",
        source="Wire",
    ),
    Article(
        text="Ana 😀 told reporters that {{ x }} was fine. A template {% if %} stays text.\n",
        id="emoji-{{ x }}",
    ),
    Article(text="Line one of the report.\r\nA second line\u2028with a separator.", id="a3"),
]


class NoServer:
    """A client that fails the test if it is ever used: collecting a file needs no server."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the client was used ({name}) although no server is needed")


@pytest.fixture
def stub() -> Iterator[StubServer]:
    with StubServer(SCRIPTS) as server:
        yield server


def config(base_url: str = "http://127.0.0.1:9/v1", model: str = "stub/echo", **kw: Any) -> LLMConfig:
    return LLMConfig(model=model, base_url=base_url, api_key=TEST_KEY, http_retries=0, **kw)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().split(b"\n") if line.strip()]


def assert_grounded(row: dict[str, Any], text: str) -> int:
    """The row is a valid summary and every evidence is the article's exact words; returns how many."""
    summary = ArticleSummary.model_validate(row)
    count = 0
    for item in [*summary.meetings, *summary.statements, *summary.allegations]:
        for ev in item.evidence:
            assert text[ev.start : ev.end] == ev.text
            count += 1
    return count


def first_sentence(text: str) -> str:
    head, separator, _ = text.partition(". ")
    return head + "." if separator else text


def answer_for(article: Article) -> str:
    """A grounded draft for `article`, as a model would write it."""
    sentence = first_sentence(article.text)
    speaker = sentence.split()[1] if len(sentence.split()) > 1 else sentence  # a word the article uses
    statement = {"speaker": speaker, "content": sentence, "kind": "indirect", "evidence": [sentence]}
    return json.dumps({"summary": sentence, "statements": [statement]}, ensure_ascii=False)


def vllm_completion(content: str | None, *, tool_arguments: str | None = None) -> dict[str, Any]:
    """A chat.completion as vLLM's OpenAI-compatible layer writes it."""
    tool_calls = []
    if tool_arguments is not None:
        function = {"name": "ArticleExtraction", "arguments": tool_arguments}
        tool_calls = [{"id": "chatcmpl-tool-1", "type": "function", "function": function}]
    message = {"role": "assistant", "content": content, "tool_calls": tool_calls, "reasoning_content": None}
    return {
        "id": "chatcmpl-0d9f",
        "object": "chat.completion",
        "created": 1717171717,
        "model": "Qwen/Qwen2.5-7B-Instruct",
        "choices": [
            {"index": 0, "message": message, "logprobs": None, "finish_reason": "stop", "stop_reason": None}
        ],
        "usage": {
            "prompt_tokens": 900,
            "total_tokens": 960,
            "completion_tokens": 60,
            "prompt_tokens_details": None,
        },
        "prompt_logprobs": None,
    }


def vllm_line(
    custom_id: str, body: dict[str, Any] | None, *, status_code: int = 200, error: Any = None
) -> str:
    """One line of vLLM run_batch's output file (BatchRequestOutput)."""
    response = {"status_code": status_code, "request_id": f"vllm-batch-{custom_id}", "body": body}
    line = {"id": f"vllm-{custom_id}", "custom_id": custom_id, "response": response, "error": error}
    return json.dumps(line, ensure_ascii=False)


def write_results(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- prepare


def test_prepare_writes_one_request_per_article_with_the_text_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "requests.jsonl"
    cfg = config()
    result = prepare(iter(ARTICLES), cfg, out)

    assert (result.count, result.requests_path, result.model, result.mode) == (
        3,
        out,
        "stub/echo",
        "json_schema",
    )
    assert result.articles_path == sidecar_path(out) == tmp_path / "requests.jsonl.articles.jsonl"
    assert result.bytes == out.stat().st_size and result.warnings == ()
    requests = read_jsonl(out)
    assert [r["custom_id"] for r in requests] == ["a1", "emoji-{{ x }}", "a3"]
    for request, article in zip(requests, ARTICLES, strict=True):
        assert (request["method"], request["url"]) == ("POST", "/v1/chat/completions")
        assert request["body"] == request_body(article, cfg)
        assert request["body"]["messages"][1] == {"role": "user", "content": article.text}
        assert request["body"]["temperature"] == 0
    raw = out.read_bytes()
    assert "😀".encode() in raw and b"{{ x }}" in raw  # UTF-8 as written, no \u escapes or templating
    assert raw.count(b"\n") == 3  # one line per request: the texts' own newlines are escaped

    records = read_jsonl(result.articles_path)
    assert [r["id"] for r in records] == ["a1", "emoji-{{ x }}", "a3"]
    assert [r["text"] for r in records] == [a.text for a in ARTICLES]
    assert records[0] | {"text": None} == {
        "id": "a1",
        "text": None,
        "published": "2022-02-07",
        "title": "Talks",
        "source": "Wire",
        "model": "stub/echo",
        "mode": "json_schema",
        "prompt_version": prompt_version(),
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["requests.jsonl", "requests.jsonl.articles.jsonl"]


def test_prepare_warns_when_a_file_is_over_openais_batch_limits(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(batch_api, "OPENAI_MAX_REQUESTS", 2)
    monkeypatch.setattr(batch_api, "OPENAI_MAX_BYTES", 1000)
    result = prepare(ARTICLES, config(), tmp_path / "requests.jsonl")
    assert len(result.warnings) == 2
    assert "at most 2 per batch" in result.warnings[0] and "200 MB" not in result.warnings[0]
    assert "vLLM" in result.warnings[1]


def test_prepare_is_deterministic(tmp_path: Path) -> None:
    prepare(ARTICLES, config(), tmp_path / "one.jsonl")
    prepare(ARTICLES, config(), tmp_path / "two.jsonl")
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


def test_prepare_refuses_duplicate_ids_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "requests.jsonl"
    twice = [*ARTICLES, Article(text="Another text.", id="a1")]
    with pytest.raises(InputError, match=r"'a1' appears twice"):
        prepare(twice, config(), out)
    assert list(tmp_path.iterdir()) == []  # no requests file, no sidecar, no temporary file


def test_prepare_refuses_an_empty_batch_and_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no articles"):
        prepare([], config(), tmp_path / "requests.jsonl")
    with pytest.raises(InputError, match="no folder"):
        prepare(ARTICLES, config(), tmp_path / "missing" / "requests.jsonl")
    assert list(tmp_path.iterdir()) == []


def test_prepare_keeps_an_existing_file_when_it_fails(tmp_path: Path) -> None:
    out = tmp_path / "requests.jsonl"
    prepare(ARTICLES[:1], config(), out)
    before = out.read_bytes()

    def broken() -> Iterator[Article]:
        yield ARTICLES[1]
        raise InputError("bad.txt is not UTF-8 text")

    with pytest.raises(InputError, match="not UTF-8"):
        prepare(broken(), config(), out)
    assert out.read_bytes() == before
    assert len(list(tmp_path.iterdir())) == 2


# --------------------------------------------------------------------------- request bodies


def test_request_body_for_tools_mode_forces_the_tool_call() -> None:
    body = request_body(ARTICLES[0], config(mode="tools"))
    assert "response_format" not in body
    (tool,) = body["tools"]
    assert tool["type"] == "function"
    assert tool["function"]["name"] == "ArticleExtraction"
    assert tool["function"]["description"]
    assert tool["function"]["parameters"]["properties"].keys() == ArticleExtraction.model_fields.keys() - {
        "rejected"  # filled while validating, never asked of the model
    }
    assert body["tool_choice"] == {"type": "function", "function": {"name": "ArticleExtraction"}}
    assert body["messages"] == build_messages(ARTICLES[0])


def test_request_body_for_json_schema_mode_carries_the_strict_draft_schema() -> None:
    from test_strict_schema import strict_violations

    from summarizer.engines.calls import output_budget
    from summarizer.engines.strict_schema import draft_schema

    for mode in ("auto", "json_schema"):
        body = request_body(ARTICLES[1], config(mode=mode))
        assert body["response_format"] == {
            "type": "json_schema",
            "json_schema": {"name": "ArticleExtraction", "schema": draft_schema(), "strict": True},
        }
        assert strict_violations(body["response_format"]["json_schema"]["schema"]) == []
        assert body["max_tokens"] == output_budget(ARTICLES[1].text)
        assert "tools" not in body
        assert body["messages"][1]["content"] == ARTICLES[1].text
    # OpenAI's Batch API gets the limit under the name OpenAI wants for chat completions
    openai_line = request_body(ARTICLES[1], LLMConfig(model="gpt-4o-mini", max_output_tokens=900))
    assert openai_line["max_completion_tokens"] == 900 and "max_tokens" not in openai_line


def test_request_body_for_json_modes_puts_the_schema_in_the_system_message() -> None:
    schema_title = '"title": "ArticleExtraction"'
    plain = request_body(ARTICLES[1], config(mode="json"))
    fenced = request_body(ARTICLES[1], config(mode="md_json"))
    assert plain["response_format"] == {"type": "json_object"}
    assert "response_format" not in fenced and "tools" not in fenced
    for body in (plain, fenced):
        assert schema_title in body["messages"][0]["content"]
        assert body["messages"][1] == {"role": "user", "content": ARTICLES[1].text}
    assert "```json" in fenced["messages"][0]["content"]


@pytest.mark.parametrize("mode", ["json_schema", "tools"])
def test_request_body_is_what_the_engine_sends_on_its_first_try(
    mode: str, stub: StubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[dict[str, Any]] = []
    answer = StubServer.chat_completion

    def record(self: StubServer, raw_body: bytes) -> Any:
        sent.append(json.loads(raw_body))
        return answer(self, raw_body)

    monkeypatch.setattr(StubServer, "chat_completion", record)
    cfg = config(stub.base_url, mode=mode)
    LLMEngine(cfg).extract(ARTICLES[1])
    assert sent[0] == request_body(ARTICLES[1], cfg)


# --------------------------------------------------------------------------- submit, status, collect


@pytest.mark.parametrize("mode", ["auto", "tools", "json", "md_json"])
def test_submit_status_collect_by_batch_id_gives_grounded_summaries(
    mode: str, tmp_path: Path, stub: StubServer
) -> None:
    cfg = config(stub.base_url, mode=mode)
    out = tmp_path / "requests.jsonl"
    prepare(ARTICLES, cfg, out)

    batch_id = submit(out, cfg)
    state = status(batch_id, cfg)
    assert state.id == batch_id and state.status == "completed" and state.finished
    assert (state.request_counts.total, state.request_counts.completed, state.request_counts.failed) == (
        3,
        3,
        0,
    )
    assert state.output_file_id and state.error_file_id is None
    assert json.loads(json.dumps(state.to_dict()))["request_counts"] == {
        "total": 3,
        "completed": 3,
        "failed": 0,
    }

    rows = list(collect(batch_id, out, cfg))
    assert [row["article"]["id"] for row in rows] == [a.id for a in ARTICLES]
    for row, article in zip(rows, ARTICLES, strict=True):
        assert assert_grounded(row, article.text) == 1
        assert row["article"]["sha256"] == article.sha256
        meta = row["meta"]
        assert (meta["engine"], meta["model"], meta["attempts"]) == ("llm", "stub/echo", 1)
        assert meta["mode"] == ("json_schema" if mode == "auto" else mode)
        assert meta["prompt_version"] == prompt_version()
        assert meta["usage"]["total_tokens"] > 0
        assert row["warnings"] == []
    assert rows[0]["article"]["published"] == "2022-02-07" and rows[0]["article"]["title"] == "Talks"
    assert stub.requests == 3


def test_submit_uses_the_batch_api_with_a_24h_window_and_metadata(tmp_path: Path, stub: StubServer) -> None:
    cfg = config(stub.base_url)
    out = prepare(ARTICLES, cfg, tmp_path / "requests.jsonl").requests_path
    batch_id = submit(out, cfg)

    client = openai.OpenAI(base_url=stub.base_url, api_key=TEST_KEY, max_retries=0)
    batch = client.batches.retrieve(batch_id)
    assert (batch.endpoint, batch.completion_window) == ("/v1/chat/completions", "24h")
    assert batch.metadata == {"tool": "summarizer"}
    uploaded = client.files.retrieve(batch.input_file_id)
    assert (uploaded.purpose, uploaded.filename) == ("batch", "requests.jsonl")
    assert client.files.content(batch.input_file_id).read() == out.read_bytes()  # uploaded byte for byte


def test_collect_by_batch_id_reads_the_error_file_too(tmp_path: Path, stub: StubServer) -> None:
    cfg = config(stub.base_url)
    out = tmp_path / "requests.jsonl"
    prepare(ARTICLES, cfg, out)
    lines = read_jsonl(out)
    lines[1]["body"]["model"] = "stub/server_error"  # this article's request fails with a 500
    out.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")

    batch_id = submit(out, cfg)
    state = status(batch_id, cfg)
    assert (state.request_counts.completed, state.request_counts.failed) == (2, 1)
    assert state.error_file_id is not None

    rows = list(collect(batch_id, out, cfg))
    assert [row.get("id") or row["article"]["id"] for row in rows] == [a.id for a in ARTICLES]
    assert rows[1] == {
        "id": "emoji-{{ x }}",
        "error": "the request failed with HTTP 500: The server had an error while processing your request.",
    }
    assert assert_grounded(rows[0], ARTICLES[0].text) == 1
    assert assert_grounded(rows[2], ARTICLES[2].text) == 1


def test_collect_reads_a_results_file_downloaded_from_openai(tmp_path: Path, stub: StubServer) -> None:
    cfg = config(stub.base_url)
    out = tmp_path / "requests.jsonl"
    prepare(ARTICLES, cfg, out)
    state = status(submit(out, cfg), cfg)
    client = openai.OpenAI(base_url=stub.base_url, api_key=TEST_KEY, max_retries=0)
    results = tmp_path / "output.jsonl"
    results.write_bytes(client.files.content(state.output_file_id).read())

    rows = list(collect(results, out, cfg, client=NoServer()))
    assert [assert_grounded(row, a.text) for row, a in zip(rows, ARTICLES, strict=True)] == [1, 1, 1]
    assert list(collect(str(results), out, cfg, client=NoServer())) == rows  # a str path works too


def test_auth_error_raises_authentication_error_without_the_key(tmp_path: Path, stub: StubServer) -> None:
    cfg = config(stub.base_url, model="stub/auth_refused")
    out = prepare(ARTICLES, cfg, tmp_path / "requests.jsonl").requests_path
    with pytest.raises(AuthenticationError) as refused:
        submit(out, cfg)
    message = str(refused.value)
    assert "HTTP 401" in message and "\n" not in message
    assert TEST_KEY not in message and TEST_KEY[:12] not in message
    assert refused.value.__cause__ is None  # the SDK's exception (and its request headers) is not chained


def test_unknown_batch_id_raises_server_error_naming_it(tmp_path: Path, stub: StubServer) -> None:
    cfg = config(stub.base_url)
    out = prepare(ARTICLES, cfg, tmp_path / "requests.jsonl").requests_path
    with pytest.raises(ServerError, match=r"no batch 'batch_nope'"):
        status("batch_nope", cfg)
    with pytest.raises(ServerError, match=r"no batch 'batch_nope'"):
        collect("batch_nope", out, cfg)


def test_server_without_batch_api_says_so(tmp_path: Path, stub: StubServer, monkeypatch) -> None:
    cfg = config(stub.base_url)
    out = prepare(ARTICLES, cfg, tmp_path / "requests.jsonl").requests_path
    monkeypatch.setattr(StubServer, "upload_file", lambda self, *a: (404, {"error": {"message": "nope"}}, {}))
    with pytest.raises(ServerError, match="has no Batch API"):
        submit(out, cfg)


def test_unreachable_server_raises_server_error(tmp_path: Path) -> None:
    out = prepare(ARTICLES, config(), tmp_path / "requests.jsonl").requests_path
    with pytest.raises(ServerError, match="cannot reach"):
        submit(out, config())


def test_submit_refuses_a_missing_requests_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        submit(tmp_path / "requests.jsonl", config(), client=NoServer())


def test_collect_refuses_an_unfinished_batch(tmp_path: Path) -> None:
    out = prepare(ARTICLES, config(), tmp_path / "requests.jsonl").requests_path
    running = SimpleNamespace(
        id="batch_1",
        status="in_progress",
        request_counts=SimpleNamespace(total=3, completed=1, failed=0),
        output_file_id=None,
        error_file_id=None,
        errors=None,
    )
    client = SimpleNamespace(batches=SimpleNamespace(retrieve=lambda batch_id: running))
    assert not BatchStatus.from_batch(running).finished
    with pytest.raises(LLMError, match="in_progress, not finished"):
        collect("batch_1", out, config(), client=client)


def test_failed_batch_reports_the_servers_reasons(tmp_path: Path, stub: StubServer) -> None:
    cfg = config(stub.base_url)
    out = prepare(ARTICLES, cfg, tmp_path / "requests.jsonl").requests_path
    out.write_text('{"custom_id": "a1", "method": "POST", "url": "/v1/chat/completions"}\n', encoding="utf-8")
    state = status(submit(out, cfg), cfg)
    assert state.status == "failed" and state.finished
    assert state.errors == ("line 1: Line 1 has no 'body' object. (missing_required_parameter)",)
    with pytest.raises(LLMError, match="is failed with no results: line 1"):
        collect(state.id, out, cfg)


# --------------------------------------------------------------------------- collecting results files


def test_collect_reads_a_vllm_run_batch_results_file_without_any_server(tmp_path: Path) -> None:
    out = tmp_path / "requests.jsonl"
    prepare(ARTICLES, config(model="Qwen/Qwen2.5-7B-Instruct"), out)
    results = write_results(
        tmp_path / "results.jsonl",
        [
            vllm_line("a3", vllm_completion(answer_for(ARTICLES[2]))),  # any order
            vllm_line("emoji-{{ x }}", vllm_completion(None, tool_arguments=answer_for(ARTICLES[1]))),
            # vLLM 0.4.x wrote the chat.completion itself as the response, without status or body
            json.dumps(
                {"id": "vllm-1", "custom_id": "a1", "response": vllm_completion(answer_for(ARTICLES[0]))}
            ),
        ],
    )
    assert "\u2028" in results.read_text(encoding="utf-8")  # a raw line separator inside one JSON line

    rows = list(collect(results, out, config(), client=NoServer()))
    assert [row["article"]["id"] for row in rows] == ["a1", "emoji-{{ x }}", "a3"]  # the articles' order
    for row, article in zip(rows, ARTICLES, strict=True):
        assert assert_grounded(row, article.text) == 1
        assert row["statements"][0]["evidence"][0]["text"] == first_sentence(article.text)
        assert row["meta"]["model"] == "Qwen/Qwen2.5-7B-Instruct"
        assert row["meta"]["usage"] == {"prompt_tokens": 900, "completion_tokens": 60, "total_tokens": 960}
    json.dumps(rows)  # JSON-able


def test_failed_line_and_missing_line_give_error_rows_while_the_others_keep_summaries(tmp_path: Path) -> None:
    out = tmp_path / "requests.jsonl"
    prepare(ARTICLES, config(), out)
    error = {
        "error": {
            "message": f"Incorrect API key provided: {TEST_KEY}",
            "type": "BadRequestError",
            "code": 400,
        }
    }
    results = write_results(
        tmp_path / "results.jsonl",
        [
            vllm_line("a1", vllm_completion(answer_for(ARTICLES[0]))),
            vllm_line("emoji-{{ x }}", None, status_code=400, error=error),
        ],
    )
    rows = list(collect(results, out, config(), client=NoServer()))
    assert assert_grounded(rows[0], ARTICLES[0].text) == 1
    assert rows[1]["id"] == "emoji-{{ x }}"
    assert rows[1]["error"].startswith("the request failed with HTTP 400: Incorrect API key provided")
    assert TEST_KEY not in rows[1]["error"]
    assert rows[2] == {"id": "a3", "error": "no result in the batch output"}


def test_malformed_results_lines_give_error_rows_not_tracebacks(tmp_path: Path) -> None:
    articles = [Article(text=f"Article number {n} says something. More.", id=f"n{n}") for n in range(8)]
    out = tmp_path / "requests.jsonl"
    prepare(articles, config(), out)
    results = write_results(
        tmp_path / "results.jsonl",
        [
            "{not json",
            json.dumps({"response": {"status_code": 200}}),
            json.dumps({"custom_id": "n0", "response": "oops", "error": None}),
            vllm_line("n1", vllm_completion("I cannot summarize this.")),
            vllm_line("n2", vllm_completion('{"entities": []}')),
            vllm_line("n3", vllm_completion(None)),
            vllm_line("n4", {"choices": []}),
            vllm_line("n5", None, status_code=400, error="Request must not be sent in stream mode"),
            vllm_line("n6", vllm_completion("```json\n" + answer_for(articles[6]) + "\n```")),
            vllm_line("stranger", vllm_completion(answer_for(articles[0]))),
        ],
    )
    rows = list(collect(results, out, config(), client=NoServer()))
    errors = {row["id"]: row["error"] for row in rows if "error" in row}
    assert errors["n0"] == "the result line's 'response' is not an object"
    assert errors["n1"].startswith("the model's answer is not JSON")
    assert errors["n2"] == "the model's answer does not fit the schema: summary: Field required"
    assert errors["n3"] == errors["n4"] == "the model's answer is empty"
    assert errors["n5"] == "the request failed with HTTP 400: Request must not be sent in stream mode"
    assert errors["n7"] == "no result in the batch output"
    assert errors["stranger"] == "a result for an id that is not among the prepared articles"
    unnamed = [row["error"] for row in rows if "error" in row and row["id"] is None]
    assert unnamed == [
        f"{results} line 1 is not valid JSON (Expecting property name enclosed in double quotes)",
        f"{results} line 2 has no custom_id",
    ]
    assert assert_grounded(rows[6], articles[6].text) == 1  # a fenced answer parses, like the engine's
    assert all("\n" not in row.get("error", "") for row in rows)


def test_ungrounded_items_are_dropped_with_a_warning_not_the_article(tmp_path: Path) -> None:
    out = tmp_path / "requests.jsonl"
    prepare(ARTICLES[:1], config(), out)
    invented = {"speaker": "X", "content": "Never said.", "kind": "indirect", "evidence": ["Never said."]}
    draft = json.loads(answer_for(ARTICLES[0]))
    draft["statements"].append(invented)
    results = write_results(tmp_path / "r.jsonl", [vllm_line("a1", vllm_completion(json.dumps(draft)))])
    (row,) = collect(results, out, config(), client=NoServer())
    assert assert_grounded(row, ARTICLES[0].text) == 1
    assert {w["code"] for w in row["warnings"]} >= {"ungrounded_item"}


def test_collect_needs_the_sidecar(tmp_path: Path) -> None:
    results = write_results(tmp_path / "results.jsonl", [])
    with pytest.raises(InputError, match=r"requests\.jsonl\.articles\.jsonl: no such file"):
        collect(results, tmp_path / "requests.jsonl", config(), client=NoServer())
    prepare(ARTICLES, config(), tmp_path / "requests.jsonl")
    with pytest.raises(InputError, match=r"missing\.jsonl: no such file"):
        collect(tmp_path / "missing.jsonl", tmp_path / "requests.jsonl", config(), client=NoServer())


# --------------------------------------------------------------------------- the stub's Files and Batch API


def test_stub_files_round_trip_bytes_exactly(stub: StubServer) -> None:
    client = openai.OpenAI(base_url=stub.base_url, api_key=TEST_KEY, max_retries=0)
    data = "ünïcode 😀\r\n--boundary-ish\n\u2028{{ x }}\n".encode()
    uploaded = client.files.create(file=("x.jsonl", data), purpose="batch")
    assert (uploaded.object, uploaded.bytes, uploaded.filename, uploaded.purpose) == (
        "file",
        len(data),
        "x.jsonl",
        "batch",
    )
    assert client.files.content(uploaded.id).read() == data
    assert client.files.retrieve(uploaded.id).id == uploaded.id
    with pytest.raises(openai.NotFoundError):
        client.files.content("file-missing").read()
    with pytest.raises(openai.BadRequestError):
        client.batches.create(input_file_id=uploaded.id, endpoint="/v1/embeddings", completion_window="24h")


def test_stub_batch_output_lines_have_the_openai_shape(tmp_path: Path, stub: StubServer) -> None:
    cfg = config(stub.base_url)
    out = prepare(ARTICLES[:2], cfg, tmp_path / "requests.jsonl").requests_path
    client = openai.OpenAI(base_url=stub.base_url, api_key=TEST_KEY, max_retries=0)
    state = status(submit(out, cfg, client=client), cfg, client=client)
    lines = [json.loads(x) for x in client.files.content(state.output_file_id).text.splitlines()]
    assert [(x["id"], x["custom_id"], x["error"]) for x in lines] == [
        ("batch_req_1", "a1", None),
        ("batch_req_2", "emoji-{{ x }}", None),
    ]
    for line in lines:
        assert line["response"]["status_code"] == 200
        assert line["response"]["body"]["object"] == "chat.completion"


def test_stub_serve_context_manager_serves_batches(tmp_path: Path) -> None:
    with serve(SCRIPTS) as url:
        cfg = config(url)
        out = prepare(ARTICLES[:1], cfg, tmp_path / "requests.jsonl").requests_path
        (row,) = collect(submit(out, cfg), out, cfg)
    assert assert_grounded(row, ARTICLES[0].text) == 1


def test_a_result_cut_at_the_output_limit_names_the_limit_and_the_option(tmp_path: Path) -> None:
    out = tmp_path / "requests.jsonl"
    prepare(ARTICLES[:1], config(max_output_tokens=64), out)
    sent = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert sent["body"]["max_tokens"] == 64
    cut = vllm_completion('{"summary": "The UN chief')
    cut["choices"][0]["finish_reason"] = "length"
    cut["usage"] = {"prompt_tokens": 900, "completion_tokens": 64, "total_tokens": 964}
    results = write_results(tmp_path / "results.jsonl", [vllm_line(ARTICLES[0].id, cut)])
    (row,) = collect(results, out, config(), client=NoServer())
    assert row["error"] == (
        "the answer was cut at the output limit of 64 tokens (finish_reason: length): "
        "prepare the requests again with a higher --max-output-tokens"
    )
