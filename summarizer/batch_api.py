"""Large, cheap runs: the OpenAI Batch API, or vLLM's offline batch runner, for many articles.

Four steps, one function each (and one `summarizer batch` sub-command each):

1. `prepare` writes one chat.completions request per article to a JSONL file: the request the
   LLM engine would send on its first try, byte for byte deterministic, plus a sidecar
   (`<requests>.articles.jsonl`) with each article's exact text, which collecting needs to
   ground the evidence;
2. `submit` uploads the requests file and creates the batch (OpenAI, or any server that
   serves /v1/files and /v1/batches) and returns its id;
3. `status` says where the batch stands;
4. `collect` reads the results (a batch id, or a results file such as the one vLLM's
   `python -m vllm.entrypoints.openai.run_batch` writes, no server needed), parses each
   answer, grounds it in the sidecar's text with `normalize()` and yields one summary (or one
   error row) per article.

A batch has no validation retries: each article gets exactly one answer, read leniently like
the engine's last attempt, so items whose evidence is not in the article are dropped with a
warning instead of losing the whole article.

`openai` is imported inside the functions that talk to a server (it costs about two seconds of
start-up), so `prepare` and collecting a results file never pay for it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from summarizer.article import Article, parse_date
from summarizer.engines.calls import output_budget
from summarizer.engines.llm import (
    LLMConfig,
    _is_openai,
    _map_api_error,
    _raw_answer,
    build_messages,
    public_url,
    redact,
)
from summarizer.engines.strict_schema import DraftModel, draft_schema
from summarizer.errors import InputError, LLMError, ServerError
from summarizer.normalize.pipeline import normalize
from summarizer.resources import prompt_version
from summarizer.schema import ArticleExtraction, Meta, Usage

REQUEST_URL = "/v1/chat/completions"
COMPLETION_WINDOW = "24h"
BATCH_METADATA = {"tool": "summarizer"}
OPENAI_MAX_REQUESTS = 50_000
"""OpenAI's limit of requests in one batch input file."""
OPENAI_MAX_BYTES = 200_000_000
"""OpenAI's limit on the size of one batch input file (200 MB)."""
FINISHED = frozenset({"completed", "failed", "expired", "cancelled"})
"""Batch states that will not change any more."""

_ERROR_CHARS = 300  # an error row's message is one line of at most this many characters

_JSON_INSTRUCTION = (
    "\n\nAnswer with a single JSON object, an instance of this JSON schema (not the schema itself), "
    "and nothing else:\n\n{schema}\n"
)
_MD_JSON_INSTRUCTION = (
    "\n\nAnswer with a single JSON object, an instance of this JSON schema (not the schema itself), "
    "inside one ```json code block:\n\n{schema}\n"
)


# --------------------------------------------------------------------------- requests


def batch_mode(config: LLMConfig) -> str:
    """The mode a batch request is built for: the configured one, `json_schema` for `auto`.

    `auto` cannot ask the server what it supports (there may be no server yet, as with vLLM's
    offline runner), and both OpenAI and vLLM honour JSON-schema response formats.
    """
    return "json_schema" if config.mode == "auto" else config.mode


def request_body(article: Article, config: LLMConfig) -> dict[str, Any]:
    """The chat.completions body for `article`: what the LLM engine sends on its first try.

    Deterministic (temperature 0, no timestamps), with the article alone and unchanged as the
    user message, whatever the mode:

    * every mode: the output limit the engine would send (`max_completion_tokens` for OpenAI,
      `max_tokens` elsewhere), so a looping model stops at a known point;
    * `json_schema` (also for `auto`): `response_format` of type `json_schema` holding the
      strict `ArticleExtraction` schema with `strict: true`, exactly as the engine sends it;
    * `tools`: one function `ArticleExtraction` whose parameters are the schema, and a
      `tool_choice` forcing the call, exactly as the engine sends it;
    * `json`: `response_format` `{"type": "json_object"}` and the schema appended to the system
      message (the engine's instructor words it differently: same content, not the same bytes);
    * `md_json`: no `response_format`; the schema and the request for a ```json code block are
      appended to the system message (the engine appends the latter to the user message
      instead, which would make the article's text no longer the whole user turn).
    """
    mode = batch_mode(config)
    messages = build_messages(article)
    schema = draft_schema()
    limit = "max_completion_tokens" if _is_openai(config.base_url) else "max_tokens"
    body: dict[str, Any] = {
        "model": config.model,
        "messages": messages,
        "temperature": 0,
        limit: output_budget(article.text, config.max_output_tokens),
    }
    if mode == "json_schema":
        wrapper: dict[str, Any] = {"name": ArticleExtraction.__name__, "schema": schema}
        if config.strict:
            wrapper["strict"] = True
        body["response_format"] = {"type": "json_schema", "json_schema": wrapper}
    elif mode == "tools":
        body["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": ArticleExtraction.__name__,
                    "description": _tool_description(),
                    # like instructor: the title and description are the function's own
                    "parameters": {k: v for k, v in schema.items() if k not in ("title", "description")},
                },
            }
        ]
        body["tool_choice"] = {"type": "function", "function": {"name": ArticleExtraction.__name__}}
    else:
        instruction = _JSON_INSTRUCTION if mode == "json" else _MD_JSON_INSTRUCTION
        text = json.dumps(schema, indent=2, ensure_ascii=False)
        messages[0]["content"] += instruction.format(schema=text)
        if mode == "json":
            body["response_format"] = {"type": "json_object"}
    return body


def _tool_description() -> str:
    """The function description instructor gives the model: the draft model's docstring."""
    return " ".join((ArticleExtraction.__doc__ or "").split())


def sidecar_path(requests_path: Path) -> Path:
    """Where `prepare` keeps the articles of a requests file: `<requests_path>.articles.jsonl`."""
    requests_path = Path(requests_path)
    return requests_path.with_name(requests_path.name + ".articles.jsonl")


@dataclass(frozen=True)
class PrepareResult:
    """What `prepare` wrote."""

    requests_path: Path
    articles_path: Path
    count: int
    """Requests written: one per article."""
    bytes: int
    """Size of the requests file."""
    model: str
    mode: str
    warnings: tuple[str, ...] = ()
    """Limits of OpenAI's Batch API the file exceeds (vLLM has none): split the input."""


def prepare(articles: Iterable[Article], config: LLMConfig, out: Path) -> PrepareResult:
    """Write the batch requests for `articles` to `out` (JSONL) and their texts to the sidecar.

    Each line of `out` is `{"custom_id": <article id>, "method": "POST", "url":
    "/v1/chat/completions", "body": request_body(...)}`, the OpenAI Batch API's input format,
    which vLLM's run_batch reads too. Each line of the sidecar (`sidecar_path(out)`) is the
    article (`id`, `text`, `published`, `title`, `source`) and how its request was made
    (`model`, `mode`, `prompt_version`), for `collect`. Both files are written to temporary
    files and renamed into place, so an interrupted run leaves no half-written file.

    Raises InputError for an article id seen twice (custom ids must be unique), for no
    articles, or when the files cannot be written.
    """
    out = Path(out)
    sidecar = sidecar_path(out)
    mode = batch_mode(config)
    version = prompt_version()
    seen: set[str] = set()
    size = 0
    with _atomic_pair(out, sidecar) as (requests_file, articles_file):
        for article in articles:
            article_id = str(article.id)
            if article_id in seen:
                raise InputError(
                    f"article id {article_id!r} appears twice: batch requests need unique ids "
                    "(give each article its own 'id')"
                )
            seen.add(article_id)
            request = {
                "custom_id": article_id,
                "method": "POST",
                "url": REQUEST_URL,
                "body": request_body(article, config),
            }
            record = {
                "id": article_id,
                "text": article.text,
                "published": article.published.isoformat() if article.published else None,
                "title": article.title,
                "source": article.source,
                "model": config.model,
                "mode": mode,
                "prompt_version": version,
            }
            line = _jsonl(request, article_id)
            size += len(line)
            requests_file.write(line)
            articles_file.write(_jsonl(record, article_id))
        if not seen:
            raise InputError("no articles to prepare: the batch would be empty")
    warnings = []
    if len(seen) > OPENAI_MAX_REQUESTS:
        warnings.append(
            f"{len(seen):,} requests: OpenAI takes at most {OPENAI_MAX_REQUESTS:,} per batch; "
            "split the input for OpenAI (vLLM's run_batch has no such limit)"
        )
    if size > OPENAI_MAX_BYTES:
        warnings.append(
            f"the requests file has {size / 1e6:,.1f} MB: OpenAI takes at most "
            f"{OPENAI_MAX_BYTES / 1e6:,.0f} MB per batch; "
            "split the input for OpenAI (vLLM's run_batch has no such limit)"
        )
    return PrepareResult(
        requests_path=out,
        articles_path=sidecar,
        count=len(seen),
        bytes=size,
        model=config.model,
        mode=mode,
        warnings=tuple(warnings),
    )


def _jsonl(obj: dict[str, Any], article_id: str) -> bytes:
    """One JSON line as UTF-8; the text stays as written (no \\u escapes), newlines escaped."""
    try:
        return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{article_id}: the text is not valid Unicode (it holds a lone surrogate)") from None


@contextmanager
def _atomic_pair(first: Path, second: Path) -> Iterator[tuple[IO[bytes], IO[bytes]]]:
    """Two files written through temporary files, renamed into place only if the block succeeds."""
    temps: list[Path] = []
    handles: list[IO[bytes]] = []
    try:
        for path in (first, second):
            try:
                fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            except OSError as exc:
                raise InputError(_write_error(path, exc)) from None
            temps.append(Path(name))
            handles.append(os.fdopen(fd, "wb"))
        yield handles[0], handles[1]
        for handle in handles:
            handle.close()
        for temp, path in ((temps[1], second), (temps[0], first)):  # a requests file never lacks its sidecar
            try:
                os.replace(temp, path)
            except OSError as exc:
                raise InputError(_write_error(path, exc)) from None
    finally:
        for handle in handles:
            handle.close()
        for temp in temps:
            with suppress(FileNotFoundError):
                temp.unlink()


def _write_error(path: Path, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"cannot write {path}: there is no folder {path.parent}"
    if isinstance(exc, IsADirectoryError):
        return f"cannot write {path}: it is a folder"
    if isinstance(exc, PermissionError):
        return f"cannot write {path}: permission denied"
    return f"cannot write {path}: {exc.strerror or exc}"


# --------------------------------------------------------------------------- server calls


def _client(config: LLMConfig) -> Any:
    import openai

    return openai.OpenAI(
        api_key=config.api_key or "not-needed",
        base_url=config.base_url,
        max_retries=config.http_retries,
        timeout=config.timeout,
    )


@contextmanager
def _api_errors(config: LLMConfig, not_found: str) -> Iterator[None]:
    """openai errors as summarizer errors: one line, never the key; `not_found` says what a 404 means."""
    import openai

    try:
        yield
    except openai.NotFoundError:
        where = public_url(config.base_url)
        raise ServerError(f"the server at {where} {not_found} (HTTP 404)") from None
    except openai.APIError as exc:
        raise _map_api_error(exc, config) from None


def submit(requests_path: Path, config: LLMConfig, *, client: Any = None) -> str:
    """Upload a requests file (purpose "batch") and create its batch; return the batch id.

    The batch runs `/v1/chat/completions` within OpenAI's 24-hour window, tagged with
    metadata `{"tool": "summarizer"}`. Raises InputError for a missing or empty file,
    AuthenticationError when the key is refused, ServerError for other server failures,
    including a server without the Batch API (vLLM's and Ollama's servers have none: run
    vLLM's run_batch on the file instead and collect its results file).
    """
    path = Path(requests_path)
    if not path.is_file():
        raise InputError(f"{path}: no such file (write it with prepare first)")
    if path.stat().st_size == 0:
        raise InputError(f"{path} is empty: there is nothing to submit")
    client = client or _client(config)
    with _api_errors(config, "has no Batch API (POST /v1/files or /v1/batches is not served)"):
        uploaded = client.files.create(file=path, purpose="batch")
        batch = client.batches.create(
            input_file_id=uploaded.id,
            endpoint=REQUEST_URL,
            completion_window=COMPLETION_WINDOW,
            metadata=dict(BATCH_METADATA),
        )
    return str(batch.id)


@dataclass(frozen=True)
class RequestCounts:
    total: int = 0
    completed: int = 0
    failed: int = 0


@dataclass(frozen=True)
class BatchStatus:
    """Where a batch stands, as the server reports it."""

    id: str
    status: str
    """validating, in_progress, finalizing, completed, failed, expired, cancelling or cancelled."""
    request_counts: RequestCounts = field(default_factory=RequestCounts)
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: tuple[str, ...] = ()
    """Why the server refused the batch as a whole (a `failed` batch), one line each."""

    @property
    def finished(self) -> bool:
        """True once the status will not change any more."""
        return self.status in FINISHED

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict, for the CLI."""
        data = asdict(self)
        data["errors"] = list(self.errors)
        data["finished"] = self.finished
        return data

    @classmethod
    def from_batch(cls, batch: Any) -> BatchStatus:
        """From the openai SDK's `Batch` object."""
        counts = getattr(batch, "request_counts", None)
        errors = getattr(getattr(batch, "errors", None), "data", None) or []
        return cls(
            id=str(batch.id),
            status=str(batch.status),
            request_counts=RequestCounts(
                total=getattr(counts, "total", 0) or 0,
                completed=getattr(counts, "completed", 0) or 0,
                failed=getattr(counts, "failed", 0) or 0,
            ),
            output_file_id=getattr(batch, "output_file_id", None),
            error_file_id=getattr(batch, "error_file_id", None),
            errors=tuple(_batch_error(e) for e in errors),
        )


def _batch_error(error: Any) -> str:
    line = getattr(error, "line", None)
    where = f"line {line}: " if line else ""
    code = getattr(error, "code", None)
    message = getattr(error, "message", None) or code or "unknown error"
    return _one_line(f"{where}{message}" + (f" ({code})" if code and code != message else ""))


def status(batch_id: str, config: LLMConfig, *, client: Any = None) -> BatchStatus:
    """The state of batch `batch_id`: status, request counts and result file ids."""
    client = client or _client(config)
    with _api_errors(config, f"has no batch {batch_id!r}"):
        batch = client.batches.retrieve(batch_id)
    return BatchStatus.from_batch(batch)


# --------------------------------------------------------------------------- collecting


class _Fields(dict):
    """A JSON object also read by attribute, as the SDK's models are (a missing key reads None).

    Lets a result line's chat.completion go through the engine's own `_raw_answer`.
    """

    def __getattr__(self, name: str) -> Any:
        return self.get(name)


def collect(
    source: str | Path, requests_path: Path, config: LLMConfig, *, client: Any = None
) -> Iterator[dict[str, Any]]:
    """Yield one JSON-able row per article of the batch: its summary, or `{"id", "error"}`.

    `source` is a results JSONL file (OpenAI's output or error file, or vLLM run_batch's
    output), or a batch id whose output and error files are then downloaded. The articles
    come from the sidecar that `prepare` wrote next to `requests_path`.

    Rows come in the order of the articles in the sidecar: a summary
    (`ArticleSummary.model_dump(mode="json")`) when the answer parses, or an error row when
    the request failed, the answer is not a valid draft, or the batch has no result for the
    article ("no result in the batch output"). Then come error rows for result lines that
    name no article of the sidecar, and for malformed result lines (`"id": None` when the
    line does not even say its custom_id). One bad line never stops the others.

    The sidecar and the results are read (and downloaded) when `collect` is called, so a
    missing file, an unfinished batch or a refused key raise at once, not on iteration.
    """
    articles = _load_articles(sidecar_path(requests_path))
    results, malformed = _parse_results(_results_text(source, config, client))
    return _rows(articles, results, malformed, config)


def _rows(
    articles: dict[str, tuple[Article, dict[str, Any]]],
    results: dict[str, dict[str, Any]],
    malformed: list[dict[str, Any]],
    config: LLMConfig,
) -> Iterator[dict[str, Any]]:
    for article_id, (article, record) in articles.items():
        line = results.pop(article_id, None)
        if line is None:
            yield _error_row(article_id, "no result in the batch output", config)
        else:
            yield _summarize(article, record, line, config)
    for custom_id in results:
        yield _error_row(custom_id, "a result for an id that is not among the prepared articles", config)
    yield from malformed


def _error_row(article_id: str | None, message: str, config: LLMConfig) -> dict[str, Any]:
    return {"id": article_id, "error": _one_line(redact(message, config.api_key))}


def _one_line(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= _ERROR_CHARS else message[: _ERROR_CHARS - 3] + "..."


def _load_articles(path: Path) -> dict[str, tuple[Article, dict[str, Any]]]:
    """The sidecar's articles by id, with each line's record (model, mode, prompt_version)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            f"{path}: no such file; prepare writes it next to the requests file, and collecting "
            "needs the exact article texts it holds"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    articles: dict[str, tuple[Article, dict[str, Any]]] = {}
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise InputError(
                f"{path} line {number} is not valid JSON: the articles file is damaged"
            ) from None
        text = record.get("text") if isinstance(record, dict) else None
        if not isinstance(text, str) or not isinstance(record.get("id"), str):
            raise InputError(f"{path} line {number} has no 'id' and 'text': the articles file is damaged")
        if record["id"] in articles:
            raise InputError(f"{path} holds article id {record['id']!r} twice")
        article = Article(
            text=text,
            id=record["id"],
            published=parse_date(record.get("published"), f"{path} line {number}: 'published'"),
            title=record.get("title"),
            source=record.get("source"),
        )
        articles[article.id] = (article, record)
    return articles


def _results_text(source: str | Path, config: LLMConfig, client: Any) -> list[tuple[str, str]]:
    """The results as (where from, JSONL text) pairs: one file, or a batch's output and error files."""
    path = Path(source)
    if isinstance(source, Path) or path.is_file() or _looks_like_path(str(source)):
        try:
            return [(str(path), path.read_bytes().decode("utf-8", "replace"))]
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    batch_id = str(source)
    client = client or _client(config)
    with _api_errors(config, f"has no batch {batch_id!r} (nor is there a file of that name here)"):
        batch = BatchStatus.from_batch(client.batches.retrieve(batch_id))
        files = [f for f in (batch.output_file_id, batch.error_file_id) if f]
        if not files:
            if batch.finished:
                why = "; ".join(batch.errors) or "the server gave no output file"
                raise LLMError(f"batch {batch_id} is {batch.status} with no results: {_one_line(why)}")
            raise LLMError(
                f"batch {batch_id} is {batch.status}, not finished yet: check it with the status "
                "command and collect once it is completed"
            )
        return [(f"{batch_id} {f}", client.files.content(f).read().decode("utf-8", "replace")) for f in files]


def _looks_like_path(source: str) -> bool:
    return os.sep in source or "/" in source or source.endswith((".jsonl", ".json"))


def _parse_results(
    texts: list[tuple[str, str]],
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Result lines by custom_id (an answered line wins over a failed one), and malformed-line rows.

    Lines are split on LF only: a JSON line may hold a raw U+2028, which str.splitlines() would
    cut at.
    """
    results: dict[str, dict[str, Any]] = {}
    malformed: list[dict[str, Any]] = []
    for origin, text in texts:
        for number, raw in enumerate(text.split("\n"), start=1):
            if not raw.strip():
                continue
            try:
                line = json.loads(raw, object_hook=_Fields)
            except json.JSONDecodeError as exc:
                malformed.append(
                    {"id": None, "error": f"{origin} line {number} is not valid JSON ({exc.msg})"}
                )
                continue
            custom_id = line.get("custom_id") if isinstance(line, dict) else None
            if not isinstance(custom_id, str):
                malformed.append({"id": None, "error": f"{origin} line {number} has no custom_id"})
                continue
            if custom_id not in results or _failure(results[custom_id]) is not None:
                results[custom_id] = line
    return results, malformed


def _failure(line: dict[str, Any]) -> str | None:
    """Why a result line holds no answer, or None when it holds a chat.completion."""
    response = line.get("response")
    error = line.get("error")
    if response is not None and not isinstance(response, dict):
        return "the result line's 'response' is not an object"
    response = response or _Fields()
    body = response.get("body")
    if body is None and "choices" in response:
        body = response  # vLLM before its BatchResponseData (0.4.x): the chat.completion itself
    status_code = response.get("status_code", 200 if body is not None else None)
    if not error and status_code == 200 and isinstance(body, dict) and "error" not in body:
        return None
    message = _error_message(error) or (_error_message(body.get("error")) if isinstance(body, dict) else None)
    if status_code not in (None, 200):
        return f"the request failed with HTTP {status_code}" + (f": {message}" if message else "")
    return f"the request failed: {message}" if message else "the result line holds no answer"


def _error_message(error: Any) -> str | None:
    """The message of an error as OpenAI ({"code", "message"}) or vLLM (a string, or an
    ErrorResponse, flat or nested under "error") write it."""
    if not error:
        return None
    if isinstance(error, str):
        return error
    if isinstance(error, dict):
        inner = error.get("error")
        if isinstance(inner, dict):
            return _error_message(inner)
        message = error.get("message") or inner
        code = error.get("code")
        if message and isinstance(code, str) and not code.isdigit() and code not in str(message):
            return f"{message} ({code})"
        return str(message or code or "") or None
    return str(error)


def _summarize(
    article: Article, record: dict[str, Any], line: dict[str, Any], config: LLMConfig
) -> dict[str, Any]:
    """One result line as a summary row, or an error row saying what is wrong with it."""
    problem = _failure(line)
    if problem is not None:
        return _error_row(article.id, problem, config)
    response = line["response"]
    body = response.get("body") if response.get("body") is not None else response
    draft = _draft(body)
    if isinstance(draft, str):
        return _error_row(article.id, draft, config)
    meta = Meta(
        engine="llm",
        model=_text(body.get("model")) or _text(record.get("model")) or config.model,
        mode=_text(record.get("mode")) or batch_mode(config),
        prompt_version=_text(record.get("prompt_version")) or prompt_version(),
        attempts=1,
        usage=_usage(body.get("usage")),
    )
    try:
        summary = normalize(article, draft, meta)
    except ValueError as exc:
        return _error_row(article.id, f"the answer could not be normalized: {exc}", config)
    return summary.model_dump(mode="json")


def _draft(body: dict[str, Any]) -> ArticleExtraction | str:
    """The answer as a draft, parsed leniently (no grounding checks), or why it is not one."""
    raw = _raw_answer(body)
    if isinstance(raw, dict):  # a server that sends tool-call arguments as an object, not a string
        raw = json.dumps(raw, ensure_ascii=False)
    choices = body.get("choices")
    choice = choices[0] if isinstance(choices, list) and choices and isinstance(choices[0], dict) else {}
    if choice.get("finish_reason") == "length":
        tokens = _usage(body.get("usage")).completion_tokens
        limit = f" of {tokens} tokens" if tokens else ""
        return (
            f"the answer was cut at the output limit{limit} (finish_reason: length): "
            "prepare the requests again with a higher --max-output-tokens"
        )
    if not raw or not raw.strip():
        refusal = (choice.get("message") or {}).get("refusal") if isinstance(choice, dict) else None
        return f"the model refused: {refusal}" if refusal else "the model's answer is empty"
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return f"the model's answer is not JSON ({exc.msg})"
    try:
        return DraftModel.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "the answer"
        return f"the model's answer does not fit the schema: {where}: {first.get('msg')}"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _usage(usage: Any) -> Usage:
    if not isinstance(usage, dict):
        return Usage()

    def count(name: str) -> int:
        value = usage.get(name)
        return value if isinstance(value, int) and value >= 0 else 0

    return Usage(
        prompt_tokens=count("prompt_tokens"),
        completion_tokens=count("completion_tokens"),
        total_tokens=count("total_tokens"),
    )
