"""A scripted, deterministic OpenAI-compatible HTTP server for tests and cassette recording.

Why: no real OpenAI endpoint is reachable from CI, but we still want to drive the *real*
``openai`` SDK (and ``instructor`` on top of it) over real HTTP, so retries, error mapping,
headers and concurrency are exercised end to end.  Answers come from JSON "scripts":

    <scripts_dir>/<name>.json  ->  selected by request ``model == "stub/<name>"``
    {"responses": [ENTRY, ...]}

The entry used is ``responses[attempt]`` where ``attempt`` is the number of ``assistant``
messages in the request (instructor appends one per validation retry); past the end the last
entry is reused.  An ENTRY is one of::

    {"status": 200, "json": {...}}            structured answer object
    {"status": 200, "json_file": "a.json"}    same, loaded from a file under scripts_dir
    {"status": 200, "content": "raw text"}    raw assistant text (malformed-output tests)
    {"status": 429, "message": "...", "retry_after": 2}   OpenAI-style error (+ Retry-After)
    {"status": 200, "echo": true}             a grounded answer built from the article itself
    {"status": 200, "by_article": {SHA256: {...}}}   the answer for the article whose text (the
                                              first user message) has that SHA-256 (replay benchmarks)

A script may also hold ``"fail_first": ENTRY`` (with ``"count": N``): the first N times an
identical request body arrives it gets that entry (say a 429 with Retry-After), later ones the
normal answer, so client-side backoff can be tested end to end.

Error entries may also override ``"type"`` / ``"code"`` of the error body.

The Files and Batch APIs are served too, in memory, for the batch workflow
(summarizer/batch_api.py): ``POST /files`` (multipart ``purpose`` + ``file``), ``GET
/files/{id}`` and ``GET /files/{id}/content``; ``POST /batches`` runs every request line of its
input file through the chat-completion logic above at once (so scripts and ``echo`` answer
them) and returns a ``completed`` batch with an output file (the 200 answers) and, when some
lines failed, an error file; ``GET /batches/{id}`` returns it again.  The stub holds no keys:
a batch whose requests name a scenario whose first entry is a 401/403 is refused at creation
with that error, as a real server refuses a bad key before queueing anything.  Ids count up
per server (``file-stub-1``, ``batch_stub_1``, ``batch_req_1``), so they are deterministic too.  Every response is a
pure function of the request body and the scripts (no clocks, no randomness, no ``Date``
header), so identical requests give byte-identical responses and cassettes diff cleanly.

Usage from Python::

    with serve(tmp_path) as base_url:
        client = openai.OpenAI(base_url=base_url, api_key="test-key", max_retries=0)

or ``with StubServer(tmp_path) as server:`` to also read ``server.requests``.

CLI::

    python tests/stub_server.py --scripts DIR [--port N] [--latency S] [--verbose]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from email.utils import collapse_rfc2231_value
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

HOST = "127.0.0.1"  # loopback only: the stub must never be reachable from another machine
MODEL_PREFIX = "stub/"
OWNER = "summarizer-stub"
POLL_INTERVAL = 0.02  # seconds; how quickly shutdown() is noticed

# status -> (error.type, error.code); close to api.openai.com, and what the SDK needs to raise
# the right exception class (it maps on status; type/code are exposed as .type/.code).
_ERROR_KINDS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "permission_denied"),
    404: ("invalid_request_error", "not_found"),
    429: ("rate_limit_exceeded", "rate_limit_exceeded"),
}

Reply = tuple[int, dict[str, Any], dict[str, str]]  # (status, JSON body, extra headers)

BATCH_ENDPOINT = "/v1/chat/completions"  # the only endpoint the stub runs batches for
_FILE_ROUTE = re.compile(r"(?:/v1)?/files/(?P<id>[^/]+)(?P<content>/content)?")
_BATCH_ROUTE = re.compile(r"(?:/v1)?/batches/(?P<id>[^/]+)")


class ScriptError(Exception):
    """A scenario script is broken; reported as a 500 with code ``stub_script_error``."""


def error_body(
    status: int, message: str, *, type_: str | None = None, code: str | None = None
) -> dict[str, Any]:
    """Build an OpenAI error payload so the SDK maps it to the right exception class."""
    default_type, default_code = _ERROR_KINDS.get(
        status, ("server_error", None) if status >= 500 else ("invalid_request_error", None)
    )
    return {
        "error": {
            "message": message,
            "type": type_ or default_type,
            "param": None,
            "code": code or default_code,
        }
    }


def _tokens(text: str) -> int:
    """Rough OpenAI-like token estimate (~4 chars/token); deterministic, good enough for tests."""
    return math.ceil(len(text) / 4)


class StubServer:
    """Owns the listening socket and the counters; reusable across tests and the CLI.

    The socket is bound in ``__init__`` so ``port``/``base_url`` are known before ``start()``.
    ``requests`` counts chat-completion requests (any outcome) so tests can assert how many
    LLM calls were made; ``max_in_flight`` records peak concurrency for benchmarks.
    """

    def __init__(
        self,
        scripts_dir: Path | str,
        *,
        port: int = 0,
        latency: float = 0.0,
        verbose: bool = False,
        keep_bodies: bool = False,
    ) -> None:
        self.scripts_dir = Path(scripts_dir).resolve()
        if not self.scripts_dir.is_dir():
            raise NotADirectoryError(f"scripts dir not found: {self.scripts_dir}")
        self.latency = latency
        self.verbose = verbose
        self.requests = 0
        self.bodies: list[bytes] | None = [] if keep_bodies else None
        """Every chat-completion request body, in arrival order, when `keep_bodies` is set."""
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._seen_lock = threading.Lock()
        self._sightings: dict[str, int] = {}
        self._store_lock = threading.Lock()  # Files and Batch API state (in memory)
        self._files: dict[str, tuple[dict[str, Any], bytes]] = {}
        self._batches: dict[str, dict[str, Any]] = {}
        self._counts = {"file": 0, "batch": 0, "batch_req": 0}
        self._thread: threading.Thread | None = None
        self._httpd = _HTTPServer((HOST, port), _Handler)
        self._httpd.stub = self

    @property
    def port(self) -> int:
        return cast(int, self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """What to pass as ``openai.OpenAI(base_url=...)``."""
        return f"http://{HOST}:{self.port}/v1"

    def start(self) -> StubServer:
        """Serve in a daemon thread so a hung test can never keep the interpreter alive.

        A short poll interval makes ``stop()`` fast (the stdlib default costs 0.5 s per test).
        """
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL},
            name=f"stub-server-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (CLI mode) until interrupted."""
        self._httpd.serve_forever()

    def stop(self) -> None:
        """Stop accepting requests and release the port."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- request handling (pure functions of the request + scripts) -----------------------

    def list_models(self) -> dict[str, Any]:
        """Every ``*.json`` directly in scripts_dir is a scenario (put shared answers in a
        subdirectory if they should not show up here)."""
        data = [
            {"id": MODEL_PREFIX + p.stem, "object": "model", "created": 0, "owned_by": OWNER}
            for p in sorted(self.scripts_dir.glob("*.json"))
        ]
        return {"object": "list", "data": data}

    def chat_completion(self, raw_body: bytes) -> Reply:
        """Answer one ``POST /chat/completions`` according to the selected script entry."""
        with self._lock:
            self.requests += 1
            if self.bodies is not None:
                self.bodies.append(raw_body)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency > 0:
                time.sleep(self.latency)
            try:
                return self._chat_completion(raw_body)
            except Exception as exc:  # a broken script must answer, not drop the connection
                return (
                    500,
                    error_body(500, f"stub script error: {exc}", code="stub_script_error"),
                    {},
                )
        finally:
            with self._lock:
                self.in_flight -= 1

    def _chat_completion(self, raw_body: bytes) -> Reply:
        try:
            request = json.loads(raw_body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return 400, error_body(400, f"We could not parse the JSON body: {exc}"), {}
        if not isinstance(request, dict):
            return 400, error_body(400, "Request body must be a JSON object."), {}
        if request.get("stream"):
            return 400, error_body(400, "The stub server does not support stream=true."), {}

        model = request.get("model")
        script_path = self._script_path(model)
        if script_path is None:
            return (
                404,
                error_body(404, f"The model `{model}` does not exist", code="model_not_found"),
                {},
            )
        responses = self._load_object(script_path).get("responses")
        if not isinstance(responses, list) or not responses:
            raise ScriptError(f"{script_path.name}: 'responses' must be a non-empty list")

        messages = request.get("messages") or []
        attempt = sum(1 for m in messages if isinstance(m, dict) and m.get("role") == "assistant")
        entry = responses[min(attempt, len(responses) - 1)]
        fail_first = self._load_object(script_path).get("fail_first")
        if isinstance(fail_first, dict) and self._seen(raw_body) <= int(fail_first.get("count", 1)):
            entry = fail_first  # the first N sightings of an identical request fail (429 tests)
        if not isinstance(entry, dict):
            raise ScriptError(f"{script_path.name}: entry {attempt} is not an object")

        status = int(entry.get("status", 200))
        if status != 200:
            message = str(entry.get("message") or _phrase(status))
            headers = {}
            if entry.get("retry_after") is not None:
                headers["Retry-After"] = str(entry["retry_after"])
            body = error_body(status, message, type_=entry.get("type"), code=entry.get("code"))
            return status, body, headers

        text = self._answer_text(entry, script_path.name, messages)
        tools = request.get("tools") or []
        if tools:
            message: dict[str, Any] = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_stub_0",
                        "type": "function",
                        "function": {"name": _tool_name(request), "arguments": text},
                    }
                ],
            }
            finish_reason = "tool_calls"
        else:
            message = {"role": "assistant", "content": text}
            finish_reason = "stop"

        prompt_tokens = _tokens(json.dumps(messages, ensure_ascii=False))
        completion_tokens = _tokens(text)
        return (
            200,
            {
                "id": "chatcmpl-stub-" + hashlib.sha256(raw_body).hexdigest()[:12],
                "object": "chat.completion",
                "created": 0,
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "finish_reason": finish_reason,
                        "logprobs": None,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
                "system_fingerprint": None,
            },
            {},
        )

    def _script_path(self, model: object) -> Path | None:
        """Map ``stub/<name>`` to an existing script, refusing anything outside scripts_dir."""
        if not isinstance(model, str) or not model.startswith(MODEL_PREFIX):
            return None
        name = model[len(MODEL_PREFIX) :]
        if not name or name.startswith(".") or "/" in name or "\\" in name:
            return None
        path = self.scripts_dir / f"{name}.json"
        return path if path.is_file() else None

    def _load_object(self, path: Path) -> dict[str, Any]:
        """Read scripts on every request so tests may rewrite them while the server runs."""
        try:
            obj = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ScriptError(f"cannot load {path.name}: {exc}") from exc
        if not isinstance(obj, dict):
            raise ScriptError(f"{path.name} must contain a JSON object")
        return obj

    def _seen(self, raw_body: bytes) -> int:
        """How many times this exact request body has arrived, this one included."""
        key = hashlib.sha256(raw_body).hexdigest()
        with self._seen_lock:
            self._sightings[key] = self._sightings.get(key, 0) + 1
            return self._sightings[key]

    def _answer_text(self, entry: dict[str, Any], script_name: str, messages: list | None = None) -> str:
        """The assistant text: raw ``content``, the ``json``/``json_file`` object dumped, or an
        ``echo`` answer built from the article (the last user message) for load tests."""
        if entry.get("echo"):
            return json.dumps(_echo_answer(messages or []), ensure_ascii=False)
        if "by_article" in entry:
            key = hashlib.sha256(_article_message(messages or []).encode("utf-8")).hexdigest()
            answers = entry["by_article"]
            if not isinstance(answers, dict) or key not in answers:
                raise ScriptError(f"{script_name}: no answer for the article with sha256 {key[:12]}")
            return json.dumps(answers[key], ensure_ascii=False)
        if "content" in entry:
            return str(entry["content"])
        if "json" in entry:
            return json.dumps(entry["json"], ensure_ascii=False)
        if "json_file" in entry:
            path = (self.scripts_dir / str(entry["json_file"])).resolve()
            if not path.is_relative_to(self.scripts_dir):
                raise ScriptError(f"{script_name}: json_file escapes the scripts dir")
            return json.dumps(self._load_object(path), ensure_ascii=False)
        raise ScriptError(f"{script_name}: a 200 entry needs 'json', 'json_file' or 'content'")

    # --- Files and Batch API (in memory; a batch runs to completion when it is created) --------

    def _next_id(self, kind: str) -> int:
        with self._store_lock:
            self._counts[kind] += 1
            return self._counts[kind]

    def _store_file(self, filename: str, purpose: str, data: bytes) -> dict[str, Any]:
        file_id = f"file-stub-{self._next_id('file')}"
        obj = {
            "id": file_id,
            "object": "file",
            "bytes": len(data),
            "created_at": 0,
            "filename": filename,
            "purpose": purpose,
            "status": "processed",
        }
        with self._store_lock:
            self._files[file_id] = (obj, data)
        return obj

    def upload_file(self, content_type: str, raw_body: bytes) -> Reply:
        """``POST /files``: keep the multipart ``file`` field under a new ``file-stub-<n>`` id."""
        try:
            fields = _multipart_fields(content_type, raw_body)
        except ValueError as exc:
            return 400, error_body(400, f"Invalid multipart/form-data body: {exc}"), {}
        purpose = fields.get("purpose", (None, b""))[1].decode("utf-8", "replace")
        for name, present in (("file", "file" in fields), ("purpose", bool(purpose))):
            if not present:
                return 400, error_body(400, f"Missing required parameter: '{name}'."), {}
        filename, data = fields["file"]
        return 200, self._store_file(filename or "upload", purpose, data), {}

    def file_object(self, file_id: str) -> Reply:
        """``GET /files/{id}``: the file object."""
        with self._store_lock:
            stored = self._files.get(file_id)
        if stored is None:
            return 404, error_body(404, f"No such File object: {file_id}"), {}
        return 200, stored[0], {}

    def file_content(self, file_id: str) -> bytes | None:
        """``GET /files/{id}/content``: the stored bytes, or None for an unknown id."""
        with self._store_lock:
            stored = self._files.get(file_id)
        return None if stored is None else stored[1]

    def batch_object(self, batch_id: str) -> Reply:
        """``GET /batches/{id}``: the batch object."""
        with self._store_lock:
            batch = self._batches.get(batch_id)
        if batch is None:
            return 404, error_body(404, f"No batch found with id '{batch_id}'."), {}
        return 200, batch, {}

    def create_batch(self, raw_body: bytes) -> Reply:
        """``POST /batches``: validate the input file, run every line, store the result files."""
        try:
            request = json.loads(raw_body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return 400, error_body(400, f"We could not parse the JSON body: {exc}"), {}
        if not isinstance(request, dict):
            return 400, error_body(400, "Request body must be a JSON object."), {}
        input_file_id = request.get("input_file_id")
        endpoint = request.get("endpoint")
        with self._store_lock:
            stored = self._files.get(str(input_file_id))
        if stored is None:
            return 404, error_body(404, f"No such File object: {input_file_id}"), {}
        if endpoint != BATCH_ENDPOINT:
            return 400, error_body(400, f"The stub runs batches for {BATCH_ENDPOINT} only."), {}
        if request.get("completion_window") != "24h":
            return 400, error_body(400, "completion_window must be '24h'."), {}

        lines, problems = _batch_lines(stored[1])
        try:
            refusal = None if problems else self._refusal(lines)
        except ScriptError as exc:  # a broken script must answer, not drop the connection
            return 500, error_body(500, f"stub script error: {exc}", code="stub_script_error"), {}
        if refusal is not None:
            return refusal
        batch_id = f"batch_stub_{self._next_id('batch')}"
        batch: dict[str, Any] = {
            "id": batch_id,
            "object": "batch",
            "endpoint": endpoint,
            "errors": None,
            "input_file_id": input_file_id,
            "completion_window": "24h",
            "status": "completed",
            "output_file_id": None,
            "error_file_id": None,
            "created_at": 0,
            "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
            "metadata": request.get("metadata"),
        }
        if problems:  # like the real API: an invalid input file fails the whole batch, runs nothing
            batch["status"] = "failed"
            batch["errors"] = {"object": "list", "data": problems}
            batch["request_counts"] = {"total": 0, "completed": 0, "failed": 0}
        else:
            done: list[str] = []
            failed: list[str] = []
            for custom_id, body in lines:
                status, payload, _ = self.chat_completion(json.dumps(body, ensure_ascii=False).encode())
                n = self._next_id("batch_req")
                line = {
                    "id": f"batch_req_{n}",
                    "custom_id": custom_id,
                    "response": {"status_code": status, "request_id": f"req_stub_{n}", "body": payload},
                    "error": None,
                }
                (done if status == 200 else failed).append(json.dumps(line, ensure_ascii=False))
            batch["request_counts"] = {"total": len(lines), "completed": len(done), "failed": len(failed)}
            for key, kept, name in (("output_file_id", done, "output"), ("error_file_id", failed, "error")):
                if kept or key == "output_file_id":
                    data = "".join(f"{x}\n" for x in kept).encode("utf-8")
                    stored_file = self._store_file(f"{batch_id}_{name}.jsonl", "batch_output", data)
                    batch[key] = stored_file["id"]
        with self._store_lock:
            self._batches[batch_id] = batch
        return 200, batch, {}

    def _refusal(self, lines: list[tuple[str, dict[str, Any]]]) -> Reply | None:
        """The 401/403 of a scenario standing for a refused key, if a line names one."""
        for model in dict.fromkeys(body.get("model") for _, body in lines):
            path = self._script_path(model)
            if path is None:
                continue
            responses = self._load_object(path).get("responses")
            entry = responses[0] if isinstance(responses, list) and responses else None
            if isinstance(entry, dict) and int(entry.get("status", 200)) in (401, 403):
                status = int(entry["status"])
                message = str(entry.get("message") or _phrase(status))
                body = error_body(status, message, type_=entry.get("type"), code=entry.get("code"))
                return status, body, {}
        return None


def _multipart_fields(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """The fields of a multipart/form-data body: name -> (filename, bytes), bytes untouched.

    Stdlib only (``cgi`` is gone in Python 3.13): the boundary is read with ``email``'s header
    parser and the body split on CRLF + ``--boundary``, so the file content is never decoded.
    """
    header = Message()
    header["Content-Type"] = content_type
    boundary = header.get_param("boundary")
    if header.get_content_type() != "multipart/form-data" or not isinstance(boundary, str) or not boundary:
        raise ValueError("the Content-Type must be multipart/form-data with a boundary")
    parts = (b"\r\n" + body).split(b"\r\n--" + boundary.encode("latin-1"))
    if len(parts) < 3 or not parts[-1].startswith(b"--"):
        raise ValueError("the closing boundary is missing")
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in parts[1:-1]:
        head, separator, content = part.partition(b"\r\n\r\n")
        if not separator:
            raise ValueError("a part has no blank line after its headers")
        headers = Message()
        for line in head.decode("utf-8", "replace").split("\r\n"):
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip()] = value.strip()
        name = headers.get_param("name", header="content-disposition")
        if not name:
            raise ValueError("a part has no name")
        fields[collapse_rfc2231_value(name)] = (headers.get_filename(), content)
    return fields


def _batch_lines(data: bytes) -> tuple[list[tuple[str, dict[str, Any]]], list[dict[str, Any]]]:
    """The (custom_id, body) of every request line, and what is wrong with the file (batch errors)."""
    lines: list[tuple[str, dict[str, Any]]] = []
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()

    def problem(number: int, code: str, message: str) -> None:
        problems.append({"code": code, "line": number, "message": message, "param": None})

    # split on LF only: a JSON line may hold a raw U+2028, which str.splitlines() would cut at
    for number, raw in enumerate(data.decode("utf-8", "replace").split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError:
            problem(number, "invalid_json_line", f"Line {number} is not valid JSON.")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("body"), dict):
            problem(number, "missing_required_parameter", f"Line {number} has no 'body' object.")
            continue
        custom_id = obj.get("custom_id")
        if not isinstance(custom_id, str) or not custom_id:
            problem(number, "missing_required_parameter", f"Line {number} has no 'custom_id'.")
        elif custom_id in seen:
            problem(number, "duplicate_custom_id", f"Line {number} repeats custom_id {custom_id!r}.")
        elif obj.get("url") != BATCH_ENDPOINT or obj.get("method") != "POST":
            problem(number, "invalid_url", f"Line {number} must be POST {BATCH_ENDPOINT}.")
        else:
            seen.add(custom_id)
            lines.append((custom_id, obj["body"]))
    if not lines and not problems:
        problem(0, "empty_file", "The input file has no request lines.")
    return lines, problems


def _article_message(messages: list) -> str:
    """The article: the first user message of a chat request (retries append later ones)."""
    return next(
        (m.get("content") or "" for m in messages if isinstance(m, dict) and m.get("role") == "user"),
        "",
    )


def _echo_answer(messages: list) -> dict[str, Any]:
    """A valid, grounded extraction of any article: its first sentence as a statement."""
    article = _article_message(messages)
    first = article.strip().split("\n", 1)[0]
    end = first.find(". ")
    sentence = first[: end + 1] if end > 0 else first
    statements = []
    if sentence:
        statements.append(
            {
                "speaker": (re.findall(r"\w+", sentence) or ["Echo"])[0],  # a name the article uses
                "content": sentence,
                "kind": "indirect",
                "cue": "said",
                "evidence": [sentence],
            }
        )
    return {
        "summary": sentence[:200],
        "entities": [],
        "meetings": [],
        "statements": statements,
        "allegations": [],
    }


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _tool_name(request: dict[str, Any]) -> str:
    """The function to "call": the forced ``tool_choice`` if any, else the first tool."""
    choice = request.get("tool_choice")
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        return str(choice["function"].get("name"))
    return str(request["tools"][0]["function"]["name"])


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's default of 5 drops SYNs when many clients connect at once
    stub: StubServer


class _Handler(BaseHTTPRequestHandler):
    """Thin HTTP layer; all decisions live in ``StubServer``.

    HTTP/1.1 keep-alive (like the real API) so concurrency benchmarks measure the client,
    not TCP setup; Nagle is off so header+body writes are not delayed on reused connections.
    """

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 60  # idle keep-alive connections eventually free their thread
    server_version = OWNER
    sys_version = ""
    server: _HTTPServer

    def do_GET(self) -> None:  # name fixed by BaseHTTPRequestHandler
        stub = self.server.stub
        route = self._route()
        file_route = _FILE_ROUTE.fullmatch(route)
        batch_route = _BATCH_ROUTE.fullmatch(route)
        if route in ("/v1/models", "/models"):
            self._reply(200, stub.list_models())
        elif file_route and file_route["content"]:
            data = stub.file_content(file_route["id"])
            if data is None:
                self._reply(404, error_body(404, f"No such File object: {file_route['id']}"))
            else:
                self._send(200, data, "application/octet-stream")
        elif file_route:
            self._reply(*stub.file_object(file_route["id"]))
        elif batch_route:
            self._reply(*stub.batch_object(batch_route["id"]))
        else:
            self._reply(*self._unknown_url())

    def do_POST(self) -> None:  # name fixed by BaseHTTPRequestHandler
        length = self.headers.get("Content-Length")
        if length is None:
            self.close_connection = True  # cannot find the end of the body; don't reuse
            self._reply(411, error_body(411, "Content-Length is required."))
            return
        raw_body = self.rfile.read(int(length))
        route = self._route()
        if route in ("/v1/chat/completions", "/chat/completions"):
            self._reply(*self.server.stub.chat_completion(raw_body))
        elif route in ("/v1/files", "/files"):
            self._reply(*self.server.stub.upload_file(self.headers.get("Content-Type", ""), raw_body))
        elif route in ("/v1/batches", "/batches"):
            self._reply(*self.server.stub.create_batch(raw_body))
        else:
            self._reply(*self._unknown_url())

    def _route(self) -> str:
        return self.path.split("?", 1)[0].rstrip("/")

    def _unknown_url(self) -> tuple[int, dict[str, Any]]:
        return 404, error_body(404, f"Invalid URL ({self.command} {self._route()})", code="unknown_url")

    def _reply(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self._send(status, payload, "application/json", headers)

    def _send(
        self, status: int, payload: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.log_request(status, len(payload))
        # send_response_only: no Date header (RFC 9110: a server without a trusted clock
        # must not send one), which keeps recorded responses byte-for-byte reproducible.
        self.send_response_only(status)
        self.send_header("Server", OWNER)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # stdlib signature
        """Silent unless verbose; only the request line is ever logged, never headers/keys."""
        if self.server.stub.verbose:
            sys.stderr.write(f"stub-server: {self.address_string()} {format % args}\n")


@contextmanager
def serve(scripts_dir: Path, *, port: int = 0, latency: float = 0.0) -> Iterator[str]:
    """Run a stub server for the duration of a ``with`` block and yield its base URL."""
    with StubServer(scripts_dir, port=port, latency=latency) as server:
        yield server.base_url


def main(argv: list[str] | None = None) -> None:
    """CLI: print the base URL (one flushed line, for scripts to read) and serve until killed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scripts", type=Path, required=True, help="directory of <name>.json")
    parser.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds to sleep per request")
    parser.add_argument("--verbose", action="store_true", help="log request lines to stderr")
    args = parser.parse_args(argv)
    server = StubServer(args.scripts, port=args.port, latency=args.latency, verbose=args.verbose)
    print(server.base_url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
