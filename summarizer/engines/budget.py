"""How many tokens one request may carry: the server's context, and an estimate of the tokens.

A request must fit the server's context window: the system prompt and schema (fixed), the part
of the article, and the answer. The window is read where the server says it:

* `--context-tokens` (library `context_tokens`, env SUMMARIZER_CONTEXT_TOKENS) first: the user
  knows best, and it is the only way for a server that says nothing;
* llama.cpp's llama-server: `meta.n_ctx` of its model in GET /v1/models (the context of one
  slot, which is what one request gets), else `n_ctx` in GET /props;
* vLLM: `max_model_len` of the model in GET /v1/models;
* Ollama (`owned_by: library`): the context of the model as loaded (`context_length` in
  GET /api/ps), else Ollama's default (`OLLAMA_DEFAULT_CONTEXT`), never more than the model was
  trained for (POST /api/show). Ollama silently cuts a prompt that does not fit instead of
  refusing it, so the plan must hold. Every request also carries `options.num_ctx` with the
  planned figure, which asks Ollama for it where the OpenAI-compatible endpoint honours it
  (its maintainers say it does not: then the server's OLLAMA_CONTEXT_LENGTH rules, and
  `--context-tokens` should name it);
* OpenAI: a table of the published context windows;
* anything else: unknown. The article then goes whole, as it would without this module; a
  server that refuses it as too long (HTTP 400) usually states its context in the message
  (`context_from_message`), else `FALLBACK_CONTEXT` is assumed, and the article is read in
  parts planned for that figure, which is kept for the articles after it.

Tokens are estimated at four bytes of UTF-8 a token (`calls.estimate_tokens`: tiktoken cannot
load its encodings here, and local models use other tokenizers anyway). The `usage` every
answer returns calibrates it: `Estimator.observe` keeps the largest ratio of counted to
estimated prompt tokens seen (plus a margin), so later plans follow the server's count.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from summarizer.engines.calls import estimate_tokens

FALLBACK_CONTEXT = 8192
"""The context assumed for a server that refused a request as too long without saying its own."""
OLLAMA_DEFAULT_CONTEXT = 4096
"""Ollama's default context (with under 24 GiB of VRAM, and on CPU), used when the model is not
loaded so /api/ps cannot say."""
UNPROBED_CONTEXT = 4096
"""A request estimated within this many tokens is sent without asking the server its context:
every server met here (llama.cpp's 4,096 a slot, Ollama's 4,096 default) holds it, and the
seed and short articles then cost no extra request (and their cassettes stay as they are)."""
SAFETY = 0.92
"""The share of the context a plan fills: the estimate is within a few percent once
calibrated, and chat templates add tokens of their own."""
MIN_PART_TOKENS = 128
"""Below this a part holds a sentence or two: reading an article so is not worth its requests."""
TEMPLATE_TOKENS = 64
"""Tokens the chat template adds around the messages (role markers, tool wrappers)."""

OPENAI_CONTEXT: dict[str, int] = {
    "gpt-5": 400_000,
    "gpt-4.1": 1_047_576,
    "gpt-4o": 128_000,
    "gpt-4-turbo": 128_000,
    "gpt-4": 8_192,
    "gpt-3.5-turbo": 16_385,
    "o1": 200_000,
    "o3": 200_000,
    "o4-mini": 200_000,
}
"""Published context windows of OpenAI's models, matched by the longest prefix of the name
(gpt-4o-mini-2024-07-18 is a gpt-4o)."""


def openai_context(model: str) -> int | None:
    """The context window of an OpenAI model, by the longest known prefix of its name."""
    best = max((p for p in OPENAI_CONTEXT if model.startswith(p)), key=len, default=None)
    return OPENAI_CONTEXT[best] if best else None


_CONTEXT_IN_MESSAGE = (
    re.compile(r"available context size \((\d+) tokens\)"),  # llama.cpp
    re.compile(r"maximum context length is (\d+) tokens"),  # vLLM, OpenAI
    re.compile(r"n_ctx[^0-9]{0,8}(\d+)"),
)


def context_from_message(message: str) -> int | None:
    """The context a server states in its refusal of an over-long request, if it states it."""
    for pattern in _CONTEXT_IN_MESSAGE:
        found = pattern.search(message)
        if found and int(found.group(1)) > 0:
            return int(found.group(1))
    return None


@dataclass(frozen=True)
class ServerContext:
    """What is known of the server's context window, and where it was read."""

    tokens: int | None
    """None when the server does not say (see the module docstring)."""
    source: str
    """'--context-tokens', 'llama.cpp /v1/models', 'vllm max_model_len', 'openai table'..."""
    ollama: bool = False
    """True for Ollama: requests then carry `options.num_ctx`."""


def context_from_models(models: Any, model: str) -> tuple[int | None, str, bool]:
    """(context, source, is_ollama) read from a GET /v1/models body (a dict with `data`)."""
    rows = models.get("data") if isinstance(models, Mapping) else None
    if not isinstance(rows, list):
        return None, "", False
    mine = [r for r in rows if isinstance(r, Mapping) and r.get("id") == model] or [
        r for r in rows if isinstance(r, Mapping)
    ][:1]
    for row in mine:
        owner = str(row.get("owned_by", "")).lower()
        meta = row.get("meta")
        if isinstance(meta, Mapping) and _positive_int(meta.get("n_ctx")):
            return int(meta["n_ctx"]), "llama.cpp /v1/models n_ctx", False
        if _positive_int(row.get("max_model_len")):
            return int(row["max_model_len"]), "vLLM /v1/models max_model_len", False
        if owner in ("library", "ollama"):
            return None, "", True
    return None, "", False


def context_from_props(props: Any) -> int | None:
    """`n_ctx` of llama.cpp's GET /props (top level, or under default_generation_settings)."""
    if not isinstance(props, Mapping):
        return None
    for holder in (props.get("default_generation_settings"), props):
        if isinstance(holder, Mapping) and _positive_int(holder.get("n_ctx")):
            return int(holder["n_ctx"])
    return None


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


@dataclass
class Estimator:
    """Estimated tokens of a text, calibrated by the prompt tokens servers report.

    `factor` is 1 (four bytes a token) until a server has counted a prompt; then it is the
    largest ratio of counted to estimated prompt tokens seen, plus `MARGIN`: the plan follows
    the server's own count, on the side of the worst request seen, never a lucky one. A server
    that refuses a request as too long anyway raises it by a quarter (`refused`), for good.

    How exact, measured here: llama.cpp's llama-server with gemma-3's tokenizer counted 0.69
    of the estimate for a part's whole request (4.7 bytes a token on news text, and a
    json_schema is compiled into a grammar, not put in the prompt); OpenAI counts the schema
    (4.0 bytes a token on it). The loopback test server counts 3.6 bytes a token: 1.11 of the
    estimate. In every case the first answer's usage sets the factor for what follows.
    """

    MARGIN = 1.05
    factor: float = 1.0
    observed: list[float] = field(default_factory=list)
    floor: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def tokens(self, text: str) -> int:
        return math.ceil(estimate_tokens(text) * self.factor)

    def observe(self, estimated: int, counted: int) -> None:
        """Record that a prompt estimated at `estimated` tokens (factor 1) counted `counted`."""
        if estimated <= 0 or counted <= 0:
            return
        with self._lock:
            self.observed.append(counted / estimated)
            self._update()

    def refused(self) -> None:
        """A request planned with this factor was refused as over the context."""
        with self._lock:
            self.floor = min(4.0, self.factor * 1.25)
            self._update()

    def _update(self) -> None:
        seen = max(self.observed) * self.MARGIN if self.observed else 1.0
        self.factor = min(4.0, max(seen, self.floor, 0.25))


@dataclass(frozen=True)
class Budget:
    """The shares of one request: what the article's part may take and what the answer gets.

    `answer_ratio` answer tokens are kept for each token of the part, plus `answer_base`: an
    answer copies its evidence and quotes from the part, so it grows with it. A part whose
    answer is cut anyway is split and read again, so the ratio need not cover the worst case.
    """

    context: int
    fixed: int
    """Tokens of the system prompt, the schema and the chat template."""
    context_text: int = 200
    """Tokens of preceding text sent with a part as context."""
    answer_ratio: float = 2.0
    answer_base: int = 512

    @property
    def usable(self) -> int:
        return int(self.context * SAFETY)

    def part_tokens(self) -> int:
        """The most tokens of article a part may hold, its context and answer kept room for."""
        room = self.usable - self.fixed - self.context_text - self.answer_base
        return max(0, int(room / (1 + self.answer_ratio)))

    def fits_whole(self, article_tokens: int) -> bool:
        """True when the whole article and its answer's share fit one request."""
        need = self.fixed + article_tokens + self.answer_base + self.answer_ratio * article_tokens
        return need <= self.usable

    def answer_room(self, prompt_tokens: int) -> int:
        """What is left of the context for the answer of a prompt of `prompt_tokens`."""
        return max(1, self.usable - prompt_tokens)


def _root(base_url: str) -> str:
    """The server's root: llama.cpp serves /props and Ollama /api/show beside /v1."""
    base = base_url.rstrip("/")
    return base[: -len("/v1")] if base.endswith("/v1") else base


def probe_server(base_url: str, model: str, api_key: str | None, timeout: float = 10.0) -> ServerContext:
    """Ask an OpenAI-compatible server its context (GET /v1/models, then llama.cpp's /props,
    then Ollama's /api/show); unknown (None) when it says nothing or cannot be asked.

    Only the host the user named is asked, with the key the user gave it."""
    import httpx2

    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    ollama = False
    try:
        with httpx2.Client(timeout=timeout, headers=headers) as client:
            found, source, ollama = _get_models(client, base_url, model)
            if found:
                return ServerContext(found, source)
            if ollama:
                return _ollama(client, _root(base_url), model)
            props = _get_json(client, _root(base_url) + "/props")
            if (n_ctx := context_from_props(props)) is not None:
                return ServerContext(n_ctx, "llama.cpp /props n_ctx")
    except Exception:  # a server that cannot be asked is treated as one that does not say
        pass
    if ollama:
        return ServerContext(OLLAMA_DEFAULT_CONTEXT, "Ollama's default", ollama=True)
    return ServerContext(None, "unknown")


def is_ollama(base_url: str, model: str, api_key: str | None, timeout: float = 10.0) -> bool:
    """True when GET /v1/models says the server is Ollama (`owned_by: library`), which must
    be told its context (`options.num_ctx`) even when the user named the figure."""
    import httpx2

    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        with httpx2.Client(timeout=timeout, headers=headers) as client:
            return _get_models(client, base_url, model)[2]
    except Exception:
        return False


def _get_json(client: Any, url: str) -> Any:
    try:
        response = client.get(url)
        return response.json() if response.status_code == 200 else None
    except Exception:
        return None


def _get_models(client: Any, base_url: str, model: str) -> tuple[int | None, str, bool]:
    return context_from_models(_get_json(client, base_url.rstrip("/") + "/models"), model)


def _ollama(client: Any, root: str, model: str) -> ServerContext:
    """Ollama's context for `model`: as loaded (/api/ps), else its default, within what the
    model was trained for (/api/show)."""
    loaded = _get_json(client, root + "/api/ps")
    rows = loaded.get("models") if isinstance(loaded, Mapping) else None
    running = [
        r["context_length"]
        for r in rows or []
        if isinstance(r, Mapping)
        and model in (r.get("name"), r.get("model"))
        and _positive_int(r.get("context_length"))
    ]
    tokens, source = OLLAMA_DEFAULT_CONTEXT, "Ollama's default"
    if running:
        tokens, source = running[0], "Ollama /api/ps context_length"
    trained = _ollama_trained(client, root, model)
    return ServerContext(min(tokens, trained) if trained else tokens, source, ollama=True)


def _ollama_trained(client: Any, root: str, model: str) -> int | None:
    """The model's trained context from Ollama's POST /api/show (`<arch>.context_length`)."""
    try:
        response = client.post(root + "/api/show", json={"model": model})
        info = response.json().get("model_info", {}) if response.status_code == 200 else {}
    except Exception:
        return None
    lengths = [v for k, v in info.items() if k.endswith(".context_length") and _positive_int(v)]
    return lengths[0] if lengths else None
