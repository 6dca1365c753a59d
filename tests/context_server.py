"""A loopback llama.cpp-like server with a small context, for long articles.

It behaves as llama.cpp's llama-server does at the edges of its context:

* GET /v1/models reports the context of a slot as `meta.n_ctx` (`owned_by: llamacpp`), and
  GET /props as `default_generation_settings.n_ctx` (unless told to say nothing);
* a request whose prompt counts more tokens than the context is refused with HTTP 400
  `exceed_context_size_error`, worded as llama.cpp words it;
* an answer longer than `max_tokens`, or than what the context leaves after the prompt, is cut
  there with `finish_reason: "length"`.

Tokens are counted its own way (`count_tokens`, about 3.6 bytes a token: more tokens than the
client's four-bytes estimate, as real tokenizers give on names and punctuation), so the client
has to calibrate from `usage`.

Each request is answered with a grounded extraction of the quotations in the part of the
article it carries (the text under the part marker, or the whole user message): one direct
statement per quotation, its evidence the sentence holding it. So a test can check that every
quotation of a long article is found once. Every request is recorded (`Seen`).
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

from fault_server import _Handler as FaultHandler
from fault_server import serving

from summarizer.engines.chunking import part_of_message
from summarizer.normalize.quotes import find_quotes

BYTES_PER_TOKEN = 3.6
TEMPLATE = 24
"""Tokens of the chat template around the messages."""

_SENTENCE_START = re.compile(r"(?:^|(?<=[.!?…][\"'”’»)\]])|(?<=[.!?…]))\s+|\n")
_NAME = re.compile(r"\b[A-Z][a-z]{2,}\b")


def count_tokens(text: str) -> int:
    return math.ceil(len(text.encode("utf-8")) / BYTES_PER_TOKEN)


@dataclass
class Request:
    """One request as the server saw it."""

    prompt_tokens: int
    max_tokens: int | None
    user: str
    status: int
    finish_reason: str | None = None
    at: float = 0.0
    body: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Seen:
    requests: list[Request] = field(default_factory=list)
    gets: list[str] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def quote_answer(part: str) -> dict[str, Any]:
    """A draft with one direct statement per sentence holding quotations of `part` (a quote split
    around its attribution is one statement, as the prompt asks), grounded in that sentence."""
    sentences: dict[tuple[int, int], list[Any]] = {}
    for quote in find_quotes(part):
        start = _sentence_start(part, quote.open_mark)
        end = _sentence_end(part, quote.outer_end)
        key = next((k for k in sentences if k[0] <= quote.open_mark < k[1]), (start, end))
        sentences.setdefault(key, []).append(quote)
    statements = []
    for (start, end), quotes in sentences.items():
        end = max(end, max(_sentence_end(part, q.outer_end) for q in quotes))
        outside = part[start:end]
        for q in quotes:  # names said inside the quotes are not the speaker
            outside = outside.replace(part[q.open_mark : q.outer_end], " ")
        names = _NAME.findall(outside)
        statements.append(
            {
                "speaker": names[0] if names else "unknown",
                "speaker_role": None,
                "speaker_mention": None,
                "content": " ".join(part[s:e] for q in quotes for s, e in q.segments),
                "kind": "direct",
                "cue": None,
                "channel": None,
                "relay": None,
                "evidence": [part[start:end].strip()],
            }
        )
    first = re.split(r"(?<=[.!?])\s", part.strip(), maxsplit=1)[0]
    return {"summary": first[:200], "entities": [], "meetings": [], "statements": statements, "allegations": []}


def _sentence_start(text: str, at: int) -> int:
    best = 0
    for found in _SENTENCE_START.finditer(text, 0, at):
        best = found.end()
    return best


def _sentence_end(text: str, at: int) -> int:
    found = re.compile(r"[.!?…][\"'”’»)\]]*(?=\s|$)|\n").search(text, at)
    return found.end() if found else len(text)


def completion(content: str, finish_reason: str, prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    return {
        "id": "chatcmpl-context",
        "object": "chat.completion",
        "created": 0,
        "model": "context",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


class _Handler(FaultHandler):
    """The fault server's plumbing (HTTP/1.1, quiet log, `_json`) with this server's answers."""

    server: _Server  # type: ignore[assignment]

    def do_GET(self) -> None:
        server = self.server
        with server.seen.lock:
            server.seen.gets.append(self.path)
        if self.path.rstrip("/") == "/api/ps" and server.ollama:  # Ollama: loaded models
            rows = [{"name": "context", "model": "context", "context_length": server.loaded}] if server.loaded else []
            self._json(200, {"models": rows})
        elif self.path.rstrip("/").endswith("/models") and server.ollama:
            row = {"id": "context", "object": "model", "owned_by": "library"}
            self._json(200, {"object": "list", "data": [row]})
        elif self.path.rstrip("/").endswith("/models"):
            meta = {"n_ctx": server.n_ctx, "n_ctx_train": 131072} if server.says_context else {}
            row = {"id": "context", "object": "model", "owned_by": "llamacpp", "meta": meta}
            self._json(200, {"object": "list", "data": [row]})
        elif self.path.rstrip("/") == "/stats":  # for bench/long.py, which runs this in its own process
            seen = server.seen
            with seen.lock:
                rows = [[r.status, r.finish_reason, r.prompt_tokens, r.max_tokens] for r in seen.requests]
            self._json(200, {"requests": rows, "most_in_flight": seen.most_in_flight})
        elif self.path.rstrip("/") == "/props" and server.says_context:
            self._json(200, {"default_generation_settings": {"n_ctx": server.n_ctx}})
        else:
            self._json(404, {"error": {"code": 404, "message": "File Not Found", "type": "not_found_error"}})

    def do_POST(self) -> None:
        server = self.server
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        if self.path.rstrip("/") == "/api/show":  # Ollama: the model's trained context
            with server.seen.lock:
                server.seen.gets.append(self.path)
            self._json(200, {"model_info": {"llama.context_length": 131072}})
            return
        with server.seen.lock:
            server.seen.in_flight += 1
            server.seen.most_in_flight = max(server.seen.most_in_flight, server.seen.in_flight)
        try:
            time.sleep(server.latency)
            self._answer(body)
        finally:
            with server.seen.lock:
                server.seen.in_flight -= 1

    def _answer(self, body: dict[str, Any]) -> None:
        server = self.server
        messages = body.get("messages", [])
        user = next((m["content"] for m in messages if m.get("role") == "user"), "")
        schema = json.dumps(body.get("response_format") or body.get("tools") or "")
        prompt = sum(count_tokens(str(m.get("content") or "")) for m in messages) + count_tokens(schema)
        prompt += TEMPLATE
        limit = body.get("max_tokens") or body.get("max_completion_tokens")
        seen = Request(prompt, limit, user, 200, at=time.monotonic(), body=body)
        n_ctx = server.n_ctx
        if server.fail_on and server.fail_on in part_of_message(user):
            seen.status = 500
            server.record(seen)
            self._json(500, {"error": {"code": 500, "message": "slot crashed", "type": "server_error"}})
            return
        if prompt > n_ctx:
            seen.status = 400
            server.record(seen)
            message = (
                f"request ({prompt} tokens) exceeds the available context size ({n_ctx} tokens), "
                "try increasing it"
            )
            error = {"code": 400, "message": message, "type": "exceed_context_size_error"}
            self._json(400, {"error": {**error, "n_prompt_tokens": prompt, "n_ctx": n_ctx}})
            return
        answer = json.dumps(quote_answer(part_of_message(user)), ensure_ascii=False)
        room = n_ctx - prompt
        if limit:
            room = min(room, int(limit))
        tokens = count_tokens(answer)
        finish = "stop"
        if tokens > room:
            answer = answer.encode("utf-8")[: int(room * BYTES_PER_TOKEN)].decode("utf-8", "ignore")
            tokens, finish = room, "length"
        seen.finish_reason = finish
        server.record(seen)
        self._json(200, completion(answer, finish, prompt, tokens))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True

    def __init__(self, n_ctx: int, latency: float, says_context: bool, ollama: int | bool, fail_on: str | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.n_ctx, self.latency, self.says_context, self.ollama = n_ctx, latency, says_context, bool(ollama)
        self.loaded = ollama if ollama is not True and ollama else None
        self.fail_on = fail_on
        self.seen = Seen()

    def record(self, request: Request) -> None:
        with self.seen.lock:
            self.seen.requests.append(request)


@contextmanager
def context_server(
    n_ctx: int = 8192,
    latency: float = 0.0,
    says_context: bool = True,
    ollama: int | bool = False,
    fail_on: str | None = None,
) -> Iterator[tuple[str, Seen]]:
    """Run the server on 127.0.0.1 for a `with` block: (base URL, what it saw).

    `ollama`: speak as Ollama does instead: `owned_by: library`, no context in /v1/models, the
    model's trained context in POST /api/show, the model as loaded with a context of `ollama`
    tokens in GET /api/ps (when a number, not True), and a request's context is `n_ctx` (the
    OpenAI-compatible endpoint ignores `options.num_ctx`; Ollama would cut the prompt
    silently, this refuses it).
    `fail_on`: a request whose part holds these words gets HTTP 500."""
    with serving(_Server(n_ctx, latency, says_context, ollama, fail_on)) as (url, server):
        yield url, server.seen


def main() -> None:
    """Serve until killed, printing the base URL on the first line (bench/long.py runs this)."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-ctx", type=int, default=8192)
    parser.add_argument("--latency", type=float, default=0.2)
    args = parser.parse_args()
    with context_server(args.n_ctx, args.latency) as (url, _):
        print(url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
