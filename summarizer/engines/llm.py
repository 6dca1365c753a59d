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
from summarizer.errors import AuthenticationError, ConfigError, LLMError, ServerError
from summarizer.normalize.grounding import grounding_context
from summarizer.resources import prompt, prompt_version
from summarizer.schema import ArticleExtraction, Meta, Usage

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
MODES = ("json_schema", "tools", "json", "md_json")
"""Instructor modes a user may choose with --mode; `auto` picks one for the server."""

_OPENAI_HOSTS = {"api.openai.com"}
_TOOL_SERVERS = {"llamacpp", "llama.cpp", "me"}  # `owned_by` of llama.cpp / llama-cpp-python


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
    timeout: float = 120.0

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
        env: dict[str, str] | None = None,
    ) -> LLMConfig:
        """Arguments first, then SUMMARIZER_MODEL / OPENAI_BASE_URL / OPENAI_API_KEY / SUMMARIZER_MODE."""
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
            timeout=120.0 if timeout is None else timeout,
        )


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
    dropped one by one (with a warning) instead of losing the whole article.
    """
    raw = _raw_answer(completion)
    if not raw:
        return None
    try:
        return ArticleExtraction.model_validate(json.loads(raw))
    except (json.JSONDecodeError, ValidationError):
        return None


class _UsageMeter:
    """Sums token usage over every attempt of one request (instructor's hook sees each)."""

    def __init__(self) -> None:
        self.usage = Usage()
        self.attempts = 0

    def __call__(self, response: Any) -> None:
        self.attempts += 1
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.usage = self.usage + Usage(
                prompt_tokens=usage.prompt_tokens or 0,
                completion_tokens=usage.completion_tokens or 0,
                total_tokens=usage.total_tokens or 0,
            )


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


class LLMEngine:
    """Reads articles with one configured model. Build once, call for many articles."""

    def __init__(self, config: LLMConfig, *, http_client: Any = None) -> None:
        import instructor  # imported here: see the module docstring
        import openai

        _memoize_async_validator_check()
        # instructor wraps a plain model in a new class on every request (and rebuilds its
        # schema); wrapped once here, the same class and its cached schema serve every request.
        self._response_model = instructor.openai_schema(ArticleExtraction)

        self.config = config
        logging.getLogger("instructor").setLevel(logging.CRITICAL)
        kwargs: dict[str, Any] = {
            "api_key": config.api_key or "not-needed",
            "base_url": config.base_url,
            "max_retries": config.http_retries,
            "timeout": config.timeout,
        }
        if http_client is not None:
            kwargs["http_client"] = http_client
        self._openai = openai.OpenAI(**kwargs)
        self._async_kwargs = {k: v for k, v in kwargs.items() if k != "http_client"}
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
        """JSON schema outputs for OpenAI, vLLM and Ollama; forced tool calls for llama.cpp.

        llama.cpp's server rejects `response_format: json_schema` but grammar-constrains tool
        calls. It says who it is in `owned_by` of GET /models; one cheap request settles it.
        """
        if _is_openai(self.config.base_url):
            return "json_schema"
        try:
            models = self._openai.with_options(max_retries=0, timeout=10).models.list()
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

    def _request(self, article: Article) -> dict[str, Any]:
        return {
            "model": self.config.model,
            "messages": build_messages(article),
            "response_model": self._response_model,
            "max_retries": self.config.max_retries,
            "temperature": 0,
        }

    def _meta(self, meter: _UsageMeter) -> Meta:
        return Meta(
            engine="llm",
            model=self.config.model,
            mode=self.mode,
            prompt_version=prompt_version(),
            attempts=max(meter.attempts, 1),
            usage=meter.usage,
        )

    def _client(self, raw: Any) -> tuple[Any, _UsageMeter]:
        """An instructor client over `raw` (sync or async openai), with a meter on its answers.

        Built per article: the meter counts that article's attempts and tokens, and instructor's
        hooks belong to the client.
        """
        import instructor

        client = instructor.from_openai(raw, mode=self._instructor_mode())
        meter = _UsageMeter()
        client.on("completion:response", meter)
        return client, meter

    def extract(self, article: Article) -> tuple[ArticleExtraction, Meta]:
        """Ask the model for the draft of one article (blocking)."""
        client, meter = self._client(self._openai)
        try:
            with grounding_context(article.text):
                draft = client.chat.completions.create(**self._request(article))
        except Exception as exc:
            draft = self._recover(exc)  # outside the context: the last answer is read leniently
        return draft, self._meta(meter)

    async def aextract(self, article: Article) -> tuple[ArticleExtraction, Meta]:
        """Ask the model for the draft of one article (asyncio)."""
        if self._aopenai is None:
            import openai

            self._aopenai = openai.AsyncOpenAI(**self._async_kwargs)
        client, meter = self._client(self._aopenai)
        try:
            with grounding_context(article.text):
                draft = await client.chat.completions.create(**self._request(article))
        except Exception as exc:
            draft = self._recover(exc)  # outside the context: the last answer is read leniently
        return draft, self._meta(meter)

    def _recover(self, exc: Exception) -> ArticleExtraction:
        """Keep what the last answer grounds, or raise the typed error that says what failed."""
        api_error = _api_error(exc)
        if api_error is not None:
            raise _map_api_error(api_error, self.config) from None
        completion = getattr(exc, "last_completion", None)
        draft = lenient_parse(completion) if completion is not None else None
        if draft is not None:
            return draft
        detail = redact(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        raise LLMError(
            f"the model gave no valid summary after {self.config.max_retries + 1} attempts: {detail[:300]}"
        ) from None


def _api_error(exc: BaseException) -> BaseException | None:
    """The openai error behind `exc` (instructor wraps them), if there is one."""
    import openai

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, openai.APIError):
            return current
        last = getattr(current, "last_attempt", None)  # tenacity's RetryError
        inner = last.exception() if last is not None and hasattr(last, "exception") else None
        current = inner or current.__cause__ or current.__context__
    return None


def _map_api_error(exc: BaseException, config: LLMConfig) -> LLMError:
    import openai

    where = public_url(config.base_url)
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return AuthenticationError(
            f"the server at {where} refused the API key (HTTP {exc.status_code}): check OPENAI_API_KEY"
        )
    if isinstance(exc, openai.NotFoundError):
        return ServerError(f"the server at {where} does not know model {config.model!r} (HTTP 404)")
    if isinstance(exc, openai.APIStatusError):
        detail = redact(_error_message(exc), config.api_key)
        return ServerError(
            f"the server at {where} answered HTTP {exc.status_code} after "
            f"{config.http_retries} retries: {detail}"
        )
    if isinstance(exc, openai.APITimeoutError):
        return ServerError(f"the server at {where} did not answer within {config.timeout:g} s")
    if isinstance(exc, openai.APIConnectionError):
        return ServerError(f"cannot reach the server at {where}: is it running?")
    return LLMError(redact(f"the model call failed: {exc}", config.api_key)[:300])


def _error_message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:200]
    return str(getattr(exc, "message", "") or exc)[:200]
