"""A loopback OpenAI-compatible server that fails on purpose, the ways real servers do.

The model name selects the fault: `fault/<mode>`. Every request is recorded (mode, time, body)
and so is every client that hung up before the answer was complete, so tests can assert what
the server saw: how many requests, how far apart, and that a cancelled request really closed
its connection.

Modes:

    ok          a grounded answer: the article's first sentence as a statement's evidence
    429         HTTP 429 with `Retry-After: 1` on the first two requests of the mode, then ok
    429-long    HTTP 429 with `Retry-After: 120`, always
    500         HTTP 500, always
    hang        headers never come; waits for the client to give up
    trickle     200 headers, then one byte of body every 0.5 s, for minutes
    reset       200 headers and half of an answer's body, then a TCP reset
    truncated   200 with a complete-looking body whose JSON is cut in the middle
    cut         200, a chat completion whose content is cut JSON, finish_reason "length"
    non-json    200, an HTML page instead of JSON
    huge        200, a body of 40 MB that never ends its JSON
    context     HTTP 400 `exceed_context_size_error`, as llama.cpp's llama-server words it
    garbage     200, prose instead of JSON in the content (with usage), on every request
    slow-garbage  garbage after 0.7 s
    wrong-shape 200, JSON of the wrong shape: no `summary`, a statement with evidence not in the article
    auth        HTTP 401
    invented    200, a grounded answer whose speaker, accused and summary name people the
                article never mentions (Vladimir Putin, Angela Merkel)

Listens with a backlog of 1024 (`request_queue_size`): ThreadingHTTPServer's 5 overflows under
concurrency and adds TCP retransmit delays.
"""

from __future__ import annotations

import json
import re
import select
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

USAGE = {"prompt_tokens": 700, "completion_tokens": 300, "total_tokens": 1000}
CONTEXT_MESSAGE = "request (5243 tokens) exceeds the available context size (2048 tokens), try increasing it"


@dataclass
class Seen:
    """What the server saw: requests by mode, their times and bodies, and hang-ups."""

    requests: list[tuple[str, float, dict[str, Any]]] = field(default_factory=list)
    disconnects: list[tuple[str, float]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, mode: str) -> list[tuple[str, float, dict[str, Any]]]:
        return [r for r in self.requests if r[0] == mode]

    def hung_up(self, mode: str) -> list[float]:
        return [t for m, t in self.disconnects if m == mode]


def completion(content: str, finish_reason: str = "stop") -> dict[str, Any]:
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "created": 0,
        "model": "fault",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
        "usage": USAGE,
    }


def grounded_answer(article: str) -> str:
    """A valid draft for any article: its first sentence, said by its first word (a name the
    article uses, as every speaker must be)."""
    first = re.split(r"(?<=[.!?])\s", article.strip(), maxsplit=1)[0]
    draft = {
        "summary": first,
        "entities": [],
        "meetings": [],
        "statements": [
            {
                "speaker": (re.findall(r"\w+", first) or ["unknown"])[0],
                "speaker_role": None,
                "speaker_mention": None,
                "content": first,
                "kind": "indirect",
                "cue": None,
                "channel": None,
                "relay": None,
                "evidence": [first],
            }
        ],
        "allegations": [],
    }
    return json.dumps(draft)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._json(
            200, {"object": "list", "data": [{"id": "fault/ok", "object": "model", "owned_by": "fault"}]}
        )

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        mode = str(body.get("model", "")).removeprefix("fault/")
        seen = self.server.seen
        with seen.lock:
            seen.requests.append((mode, time.monotonic(), body))
            seen.counts[mode] += 1
            count = seen.counts[mode]
        article = next((m["content"] for m in body.get("messages", []) if m.get("role") == "user"), "")
        getattr(self, "fault_" + mode.replace("-", "_"), self.fault_unknown)(article, count)

    # ------------------------------------------------------------------ plumbing

    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str, kind: str, headers: dict[str, str] | None = None) -> None:
        self._json(status, {"error": {"code": status, "message": message, "type": kind}}, headers)

    def _hung_up(self) -> None:
        with self.server.seen.lock:
            self.server.seen.disconnects.append((self.mode_name, time.monotonic()))
        self.close_connection = True

    @property
    def mode_name(self) -> str:
        return self.server.seen.requests[-1][0] if self.server.seen.requests else "?"

    def _wait_for_hang_up(self, limit: float) -> None:
        """Block until the client closes its end (recorded) or `limit` seconds pass."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            ready, _, _ = select.select([self.connection], [], [], 0.1)
            if ready and not self.connection.recv(1, socket.MSG_PEEK):
                self._hung_up()
                return

    # ------------------------------------------------------------------ modes

    def fault_ok(self, article: str, count: int) -> None:
        self._json(200, completion(grounded_answer(article)))

    def fault_invented(self, article: str, count: int) -> None:
        draft = json.loads(grounded_answer(article))
        first = draft["statements"][0]
        draft["statements"].append({**first, "speaker": "Vladimir Putin"})
        draft["allegations"] = [
            {
                "accuser": None,
                "accused": ["Angela Merkel"],
                "claim": first["content"],
                "status": "alleged",
                "evidence": first["evidence"],
            }
        ]
        draft["summary"] = f"{draft['summary']} According to Vladimir Putin, nothing changed."
        self._json(200, completion(json.dumps(draft)))

    def fault_429(self, article: str, count: int) -> None:
        if count <= 2:
            self._error(429, "Rate limit reached, retry after 1 s", "rate_limit_error", {"Retry-After": "1"})
        else:
            self.fault_ok(article, count)

    def fault_429_long(self, article: str, count: int) -> None:
        self._error(429, "Rate limit reached", "rate_limit_error", {"Retry-After": "120"})

    def fault_500(self, article: str, count: int) -> None:
        self._error(500, "The server had an error while processing your request.", "server_error")

    def fault_auth(self, article: str, count: int) -> None:
        self._error(401, "Incorrect API key provided", "invalid_request_error")

    def fault_context(self, article: str, count: int) -> None:
        self._error(400, CONTEXT_MESSAGE, "exceed_context_size_error")

    def fault_hang(self, article: str, count: int) -> None:
        self._wait_for_hang_up(120)

    def fault_trickle(self, article: str, count: int) -> None:
        data = json.dumps(completion(grounded_answer(article))).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.flush()
        for i in range(min(len(data), 240)):
            try:
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
            except OSError:
                self._hung_up()
                return
            ready, _, _ = select.select([self.connection], [], [], 0.5)
            if ready and not self.connection.recv(1, socket.MSG_PEEK):
                self._hung_up()
                return

    def fault_reset(self, article: str, count: int) -> None:
        data = json.dumps(completion(grounded_answer(article))).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        # SO_LINGER 0: close() sends a TCP reset instead of a clean end of stream
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def fault_truncated(self, article: str, count: int) -> None:
        data = json.dumps(completion(grounded_answer(article))).encode()
        data = data[: len(data) // 2]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def fault_cut(self, article: str, count: int) -> None:
        answer = grounded_answer(article)
        self._json(200, completion(answer[: len(answer) // 2], finish_reason="length"))

    def fault_non_json(self, article: str, count: int) -> None:
        data = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def fault_huge(self, article: str, count: int) -> None:
        chunk = b"[" * 65536
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(40 * 2**20 + 1))
        self.end_headers()
        try:
            self.wfile.write(b'{"choices": ')
            for _ in range(40 * 2**20 // len(chunk)):
                self.wfile.write(chunk)
        except OSError:
            self._hung_up()

    def fault_garbage(self, article: str, count: int) -> None:
        self._json(200, completion("I am sorry, here is a poem about the news instead."))

    def fault_slow_garbage(self, article: str, count: int) -> None:
        time.sleep(0.7)
        self.fault_garbage(article, count)

    def fault_wrong_shape(self, article: str, count: int) -> None:
        draft = {
            "statements": [{"speaker": "X", "content": "c", "kind": "indirect", "evidence": ["not there"]}]
        }
        self._json(200, completion(json.dumps(draft)))

    def fault_unknown(self, article: str, count: int) -> None:
        self._error(404, "unknown fault mode", "not_found_error")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen = Seen()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up mid-answer is what these tests provoke


@contextmanager
def fault_server() -> Iterator[tuple[str, Seen]]:
    """Run the fault server on 127.0.0.1 for a `with` block: (base URL, what it saw)."""
    with serving(_Server()) as (url, server):
        yield url, server.seen


@contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[tuple[str, Any]]:
    """Serve `server` (bound to a loopback port) in a thread for a `with` block: (its /v1 URL,
    the server)."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", server
    finally:
        server.shutdown()
        server.server_close()
