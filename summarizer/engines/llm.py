"""The LLM engine: an OpenAI-compatible chat model, constrained by the draft schema via instructor.

Configured the way OpenAI users expect (OPENAI_API_KEY, OPENAI_BASE_URL), so the same code
talks to OpenAI, Ollama, vLLM or llama.cpp's server. `openai` and `instructor` are imported
only when an engine is built: they cost about two seconds of start-up, which `--help`,
`schema` and the offline engine should not pay.

Requests are deterministic (temperature 0, no timestamps) and the article is the whole user
message, byte for byte: no template engine ever sees it.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from pydantic import ValidationError

from summarizer.article import Article
from summarizer.credentials import check_base_url, public_url, redact
from summarizer.engines.calls import Call, async_deadline_transport, deadline_transport, output_budget
from summarizer.engines.strict_schema import DraftModel
from summarizer.errors import ConfigError, LLMError
from summarizer.normalize.grounding import grounding_context
from summarizer.resources import prompt, prompt_version
from summarizer.schema import ArticleExtraction, Meta

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
MODES = ("json_schema", "tools", "json", "md_json")
"""Instructor modes a user may choose with --mode; `auto` picks one for the server."""

_OPENAI_HOSTS = {"api.openai.com"}
_TOOL_SERVERS = {"me"}
"""`owned_by` of servers that refuse `response_format: json_schema` but grammar-constrain forced
tool calls: llama-cpp-python's server (see the README's "Modes" for the sources)."""
DEFAULT_TIMEOUT = 300.0


@dataclass(frozen=True)
class LLMConfig:
    """Where and how to reach the model. `api_key` is never printed (repr=False)."""

    model: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    mode: str = "auto"
    max_retries: int = 2
    """Validation retries after the first answer: the model is shown what failed and tries again."""
    http_retries: int = 2
    """Retries of a failed HTTP request (connection errors, 408, 429, 5xx), with backoff."""
    timeout: float = DEFAULT_TIMEOUT
    """Seconds one article may cost in all: every request, retry and wait included."""
    max_output_tokens: int | None = None
    """The output limit of every request; None sizes it from the article."""
    strict: bool = True
    """Send `strict: true` with a json_schema response format (OpenAI enforces the schema
    only then; other servers ignore the flag and constrain the output anyway)."""

    @classmethod
    def resolve(
        cls,
        *,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        mode: str | None = None,
        max_retries: int | None = None,
        http_retries: int | None = None,
        timeout: float | None = None,
        max_output_tokens: int | None = None,
        strict: bool | None = None,
        env: dict[str, str] | None = None,
    ) -> LLMConfig:
        """Arguments first, then SUMMARIZER_MODEL / OPENAI_BASE_URL / OPENAI_API_KEY /
        SUMMARIZER_MODE / SUMMARIZER_TIMEOUT / SUMMARIZER_MAX_OUTPUT_TOKENS / SUMMARIZER_STRICT."""
        env = dict(os.environ) if env is None else env
        base_url = check_base_url(base_url or env.get("OPENAI_BASE_URL") or None)
        api_key = api_key or env.get("OPENAI_API_KEY") or None
        if not base_url and not api_key:
            raise ConfigError(
                "no model configured: set OPENAI_API_KEY (OpenAI), or OPENAI_BASE_URL / "
                "--base-url for an OpenAI-compatible server, and choose --model"
            )
        model = model or env.get("SUMMARIZER_MODEL") or None
        if not model:
            if base_url and not _is_openai(base_url):
                raise ConfigError(
                    "no model named for the server at the base URL: pass --model or set SUMMARIZER_MODEL"
                )
            model = DEFAULT_OPENAI_MODEL
        mode = (mode or env.get("SUMMARIZER_MODE") or "auto").lower().replace("-", "_")
        if mode != "auto" and mode not in MODES:
            raise ConfigError(f"unknown mode {mode!r}: choose auto, {', '.join(MODES)}")
        return cls(
            model=model,
            base_url=base_url,
            api_key=api_key,
            mode=mode,
            max_retries=2 if max_retries is None else max_retries,
            http_retries=2 if http_retries is None else http_retries,
            timeout=_positive(timeout, env, "SUMMARIZER_TIMEOUT", float) or DEFAULT_TIMEOUT,
            max_output_tokens=_positive(max_output_tokens, env, "SUMMARIZER_MAX_OUTPUT_TOKENS", int),
            strict=_flag(strict, env, "SUMMARIZER_STRICT"),
        )


def _positive(value: Any, env: dict[str, str], name: str, kind: type) -> Any:
    """`value`, else the environment's `name`, checked to be a positive number; None if unset."""
    label = name.removeprefix("SUMMARIZER_").lower()
    source = f"{name}={env.get(name)!r}" if value is None else f"{label} {value!r}"
    if value is None:
        value = env.get(name) or None
        if value is None:
            return None
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{source} is not a number") from None
    if not number > 0 or number != number or number == float("inf"):
        raise ConfigError(f"{source} must be a positive number")
    return number


def _flag(value: bool | None, env: dict[str, str], name: str) -> bool:
    if value is not None:
        return value
    raw = (env.get(name) or "1").strip().lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={raw!r}: use 1 or 0")


def is_configured(env: dict[str, str] | None = None) -> bool:
    """True when an LLM can be reached: a key or a base URL is set."""
    env = dict(os.environ) if env is None else env
    return bool(env.get("OPENAI_API_KEY") or env.get("OPENAI_BASE_URL"))


def _is_openai(base_url: str | None) -> bool:
    return base_url is None or (urlparse(base_url).hostname or "") in _OPENAI_HOSTS


def build_messages(article: Article) -> list[dict[str, str]]:
    """System instructions from prompts/system.md; the article alone, unchanged, as the user turn."""
    published = article.published.isoformat() if article.published else "an unknown date"
    system = prompt("system").replace("{published}", published)
    return [{"role": "system", "content": system}, {"role": "user", "content": article.text}]


def _raw_answer(completion: Any) -> str | None:
    """The JSON text a completion carries, whether as a tool call or as message content."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return calls[0].function.arguments
    content = message.content or ""
    fenced = re.search(r"```(?:json)?\s*(.*?)```", content, re.DOTALL)
    return fenced.group(1) if fenced else content


def lenient_parse(completion: Any) -> ArticleExtraction | None:
    """Parse the last answer without the grounding checks, so normalization can keep what holds.

    Used once the retries are spent: items whose evidence is still not in the article are then
    dropped one by one (with a warning) instead of losing the whole article. Nulls written under
    strict mode read as the defaults they stand for.
    """
    raw = _raw_answer(completion)
    if not raw:
        return None
    try:
        return DraftModel.model_validate(json.loads(raw))
    except (json.JSONDecodeError, ValidationError, TypeError):
        return None


def _memoize_async_validator_check() -> None:
    """instructor 1.17 walks the response model's classes on every request to refuse async
    validators: a pure function of the class that costs milliseconds per call. Remember its
    verdict per class, so a batch of thousands of requests pays it once."""
    try:
        from instructor.v2.validation import async_validators
    except ImportError:  # another instructor layout: nothing to speed up
        return
    check = getattr(async_validators, "reject_async_validators", None)
    if check is None or getattr(check, "_summarizer_memo", False):
        return
    passed: set[int] = set()

    def memoized(response_model: Any) -> None:
        if id(response_model) in passed:
            return
        check(response_model)
        if isinstance(response_model, type):
            passed.add(id(response_model))

    memoized._summarizer_memo = True  # type: ignore[attr-defined]
    async_validators.reject_async_validators = memoized


@dataclass(frozen=True)
class PartRequest:
    """What differs when a request carries less than the whole article, or other bounds: the
    seam the long-article reader (`engines/long.py`) uses. Without one, a request is exactly
    the one-article request."""

    messages: list[dict[str, str]]
    ground: str
    """The text the draft's evidence must be found in while the model answers (the part)."""
    max_tokens: int
    extra_body: dict[str, Any] | None = None
    """Server-specific fields (Ollama's `options.num_ctx`)."""


class LLMEngine:
    """Reads articles with one configured model. Build once, call for many articles.

    An `http_client` of the caller's replaces the engine's own sync client; the article's
    deadline then bounds the requests and retries, but not the reading of a slow body (that is
    the engine's transport's job).
    """

    def __init__(self, config: LLMConfig, *, http_client: Any = None) -> None:
        import instructor  # imported here: see the module docstring
        import openai

        _memoize_async_validator_check()
        # instructor wraps a plain model in a new class on every request (and rebuilds its
        # schema); wrapped once here, the same class and its cached schema serve every request.
        self._response_model = instructor.openai_schema(DraftModel)

        self.config = config
        logging.getLogger("instructor").setLevel(logging.CRITICAL)
        # HTTP retries are Call's (bounded by the article's deadline), never the SDK's
        kwargs: dict[str, Any] = {
            "api_key": config.api_key or "not-needed",
            "base_url": config.base_url,
            "max_retries": 0,
            "timeout": config.timeout,
        }
        self._openai = openai.OpenAI(**kwargs, http_client=http_client or _http_client(config, sync=True))
        self._async_kwargs = kwargs
        self._aopenai: Any = None
        self._mode: str | None = None if config.mode == "auto" else config.mode

    # ------------------------------------------------------------------ mode

    @property
    def mode(self) -> str:
        """The instructor mode in use: chosen for the server unless the user named one."""
        if self._mode is None:
            self._mode = self._detect_mode()
        return self._mode

    def _detect_mode(self) -> str:
        """`json_schema` wherever the server grammar-constrains it (OpenAI, vLLM, Ollama,
        llama.cpp's llama-server); forced tool calls for llama-cpp-python's server, which
        refuses json_schema. The server says who it is in `owned_by` of GET /models."""
        if _is_openai(self.config.base_url):
            return "json_schema"
        try:
            models = self._openai.with_options(timeout=min(10.0, self.config.timeout)).models.list()
            owners = {str(getattr(m, "owned_by", "")).lower() for m in models.data}
        except Exception:
            return "json_schema"
        return "tools" if owners & _TOOL_SERVERS else "json_schema"

    def _instructor_mode(self) -> Any:
        import instructor

        return {
            "json_schema": instructor.Mode.JSON_SCHEMA,
            "tools": instructor.Mode.TOOLS,
            "json": instructor.Mode.JSON,
            "md_json": instructor.Mode.MD_JSON,
        }[self.mode]

    # ------------------------------------------------------------------ calls

    def _request(self, article: Article, part: PartRequest | None = None) -> dict[str, Any]:
        request = {
            "model": self.config.model,
            "messages": part.messages if part else build_messages(article),
            "response_model": self._response_model,
            "max_retries": self.config.max_retries,
            "temperature": 0,
        }
        if part is not None and part.extra_body:
            request["extra_body"] = part.extra_body
        return request

    def new_call(self, article: Article, part: PartRequest | None = None) -> Call:
        """The bounds of one article's requests: deadline, retries, output limit, strictness."""
        limit = part.max_tokens if part else output_budget(article.text, self.config.max_output_tokens)
        return Call(
            timeout=self.config.timeout,
            http_retries=self.config.http_retries,
            max_tokens=limit,
            max_tokens_key="max_completion_tokens" if _is_openai(self.config.base_url) else "max_tokens",
            strict=self.config.strict,
        )

    def _meta(self, call: Call) -> Meta:
        return Meta(
            engine="llm",
            model=self.config.model,
            mode=self.mode,
            prompt_version=prompt_version(),
            attempts=max(call.answers, 1),
            usage=call.usage,
        )

    def _client(self, raw: Any, call: Call) -> Any:
        """An instructor client whose requests go through `call` (sync or async openai).

        Built per article: `call` adds the output limit and `strict`, counts and bounds the
        requests, and keeps every answer. instructor's own JSON_SCHEMA handler cannot send
        `strict`, so it is added on the way out rather than by replacing the handler.
        """
        import instructor

        mode = self._instructor_mode()
        is_async = isinstance(raw, _async_openai())
        create = instructor.patch(create=call.wrap(raw.chat.completions.create, is_async=is_async), mode=mode)
        kind = instructor.AsyncInstructor if is_async else instructor.Instructor
        return kind(client=raw, create=create, mode=mode)

    def extract(
        self, article: Article, part: PartRequest | None = None
    ) -> tuple[ArticleExtraction, Meta]:
        """Ask the model for the draft of one article (blocking); `part` sends only part of it."""
        call = self.new_call(article, part)
        client = self._client(self._openai, call)
        try:
            with grounding_context(part.ground if part else article.text), call.scope():
                draft = client.chat.completions.create(**self._request(article, part))
        except Exception as exc:
            draft = self._recover(exc, call)  # outside the context: the last answer is read leniently
        return draft, self._meta(call)

    async def aextract(
        self, article: Article, part: PartRequest | None = None
    ) -> tuple[ArticleExtraction, Meta]:
        """Ask the model for the draft of one article (asyncio); `part` sends only part of it."""
        if self._aopenai is None:
            import openai

            self._aopenai = openai.AsyncOpenAI(
                **self._async_kwargs, http_client=_http_client(self.config, sync=False)
            )
        call = self.new_call(article, part)
        client = self._client(self._aopenai, call)
        try:
            with grounding_context(part.ground if part else article.text), call.scope():
                draft = await client.chat.completions.create(**self._request(article, part))
        except Exception as exc:
            draft = self._recover(exc, call)  # outside the context: the last answer is read leniently
        return draft, self._meta(call)

    def _recover(self, exc: Exception, call: Call) -> ArticleExtraction:
        """Keep what the last answer grounds, or raise the typed error that says what failed."""
        where = public_url(self.config.base_url)
        if call.failure is None and not call.cut() and call.last is not None:
            draft = lenient_parse(call.last)
            if draft is not None:
                return draft
        error = call.error(where, self.config.model, exc)
        error.args = (redact(str(error), _secret(self.config.api_key)),)
        raise error from None


def _secret(key: str | None) -> str | None:
    """The key to cut out of messages: one too short to be a real key ("k", "x") would cut
    letters out of every word."""
    return key if key and len(key) >= 8 else None


def _async_openai() -> type:
    import openai

    return openai.AsyncOpenAI


def _http_client(config: LLMConfig, *, sync: bool) -> Any:
    """An httpx2 client whose transport holds every request to its article's deadline."""
    import httpx2

    limits = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)
    if sync:
        transport = deadline_transport(httpx2.HTTPTransport(limits=limits))
        return httpx2.Client(transport=transport, timeout=config.timeout)
    atransport = async_deadline_transport(httpx2.AsyncHTTPTransport(limits=limits))
    return httpx2.AsyncClient(transport=atransport, timeout=config.timeout)


def _map_api_error(exc: BaseException, config: LLMConfig) -> LLMError:
    """An openai error from a call the SDK made (and retried) itself, as a typed error."""
    call = Call(timeout=config.timeout, http_retries=config.http_retries, max_tokens=0, failure=exc)
    error = call.error(public_url(config.base_url), config.model)
    error.args = (redact(str(error), _secret(config.api_key)),)
    return error
