"""What one article's requests may cost, and what to say when they fail.

Three bounds hold for every article the LLM engine reads:

* **an output limit**: every request carries `max_tokens` (`max_completion_tokens` for OpenAI),
  sized from the article unless the user names one, so a model that loops stops at a known
  point instead of filling its context;
* **one deadline** (`timeout` seconds) for everything the article costs: HTTP retries,
  validation retries, waiting for a slow or trickling body. The HTTP transport shrinks each
  request's timeouts to the time left and checks the clock between the chunks of a body;
  past the deadline the response is closed, which drops the connection, so the server sees
  the disconnect and stops computing;
* **counted HTTP retries**, done here rather than by the openai SDK (its clients are built with
  `max_retries=0`): a retry never sleeps past the deadline, and a message can say how many
  requests were really sent.

`Call` records one article's requests: how many were sent, the usage of every answer, the last
answer, and the failure that ended them, which `Call.error` turns into the one-line typed error
a user reads.
"""

from __future__ import annotations

import asyncio
import contextvars
import email.utils
import functools
import itertools
import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from summarizer.errors import (
    AuthenticationError,
    ContextLimitError,
    DeadlineError,
    LLMError,
    OutputLimitError,
    ServerError,
)
from summarizer.schema import Usage

OUTPUT_FLOOR = 2048
OUTPUT_CEILING = 16384
"""Bounds of the sized output limit. A grounded answer copies passages (evidence, quotes,
names) from the article, and measured on the seed article its JSON is about four times the
article's tokens; the ceiling is OpenAI's gpt-4o-mini output maximum."""

MAX_ANSWER_BYTES = 32 * 1024 * 1024
"""No chat completion within any output limit here comes near this: a body past it is not an
answer, and reading stops before it fills memory."""

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("summarizer_deadline", default=None)


def estimate_tokens(text: str) -> int:
    """About four bytes of UTF-8 a token (tiktoken's encodings cannot load here): close for
    English, and an over-estimate for scripts of three-byte characters, which is the safe side."""
    return math.ceil(len(text.encode("utf-8")) / 4)


def output_budget(text: str, override: int | None = None) -> int:
    """The output limit for an article: `override` when given, else 1024 + 4 x its tokens,
    kept within [OUTPUT_FLOOR, OUTPUT_CEILING]."""
    if override:
        return override
    return max(OUTPUT_FLOOR, min(OUTPUT_CEILING, 1024 + 4 * estimate_tokens(text)))


# --------------------------------------------------------------------------- the transport


class _DeadlinePassed(Exception):
    """Raised before a request when the article's deadline has already passed."""


class _NotACompletion(Exception):
    """The server answered 200 with a body that is not a chat completion (HTML, cut JSON)."""


class _RequestsEnded(Exception):
    """What `Call` raises through instructor once it gives up: not a parse error, so instructor
    never spends a validation retry on a failed request (`Call.failure` says what failed)."""


@functools.cache
def _errors() -> tuple[type[Any], type[Any]]:
    """(the timeout httpx2 raises, the error for a body past MAX_ANSWER_BYTES), made once:
    httpx2 is imported only when an engine is built."""
    import httpx2

    class AnswerTooLarge(httpx2.ReadError):
        """The body went past MAX_ANSWER_BYTES; reading stopped."""

    return httpx2.ReadTimeout, AnswerTooLarge


def _bounded_timeouts(request: Any, deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _errors()[0]("the article's deadline passed", request=request)
    timeouts = dict(request.extensions.get("timeout") or {})
    request.extensions["timeout"] = {
        name: left if timeouts.get(name) is None else min(timeouts[name], left)
        for name in ("connect", "read", "write", "pool")
    }
    return left


def _check_chunk(chunk: bytes, seen: int, deadline: float, request: Any) -> int:
    seen += len(chunk)
    read_timeout, too_large = _errors()
    if seen > MAX_ANSWER_BYTES:
        raise too_large(f"the answer is larger than {MAX_ANSWER_BYTES // 2**20} MB", request=request)
    if time.monotonic() > deadline:
        raise read_timeout("the article's deadline passed while the answer was arriving", request=request)
    return seen


def deadline_transport(inner: Any) -> Any:
    """A sync httpx2 transport that holds each request to the deadline of the current article."""
    import httpx2

    class Stream(httpx2.SyncByteStream):
        def __init__(self, stream: Any, deadline: float, request: Any) -> None:
            self.stream, self.deadline, self.request = stream, deadline, request

        def __iter__(self) -> Iterator[bytes]:
            seen = 0
            for chunk in self.stream:
                seen = _check_chunk(chunk, seen, self.deadline, self.request)
                yield chunk

        def close(self) -> None:
            self.stream.close()

    class Transport(httpx2.BaseTransport):
        def handle_request(self, request: Any) -> Any:
            deadline = _DEADLINE.get()
            if deadline is None:
                return inner.handle_request(request)
            _bounded_timeouts(request, deadline)
            response = inner.handle_request(request)
            response.stream = Stream(response.stream, deadline, request)
            return response

        def close(self) -> None:
            inner.close()

    return Transport()


def async_deadline_transport(inner: Any) -> Any:
    """The asyncio form of `deadline_transport`."""
    import httpx2

    class Stream(httpx2.AsyncByteStream):
        def __init__(self, stream: Any, deadline: float, request: Any) -> None:
            self.stream, self.deadline, self.request = stream, deadline, request

        async def __aiter__(self) -> Any:
            seen = 0
            async for chunk in self.stream:
                seen = _check_chunk(chunk, seen, self.deadline, self.request)
                yield chunk

        async def aclose(self) -> None:
            await self.stream.aclose()

    class Transport(httpx2.AsyncBaseTransport):
        async def handle_async_request(self, request: Any) -> Any:
            deadline = _DEADLINE.get()
            if deadline is None:
                return await inner.handle_async_request(request)
            _bounded_timeouts(request, deadline)
            response = await inner.handle_async_request(request)
            response.stream = Stream(response.stream, deadline, request)
            return response

        async def aclose(self) -> None:
            await inner.aclose()

    return Transport()


# --------------------------------------------------------------------------- one article's calls


@dataclass
class Call:
    """The requests made for one article, bounded by its deadline and output limit."""

    timeout: float
    http_retries: int
    max_tokens: int
    max_tokens_key: str = "max_tokens"
    strict: bool = False
    requests: int = 0
    answers: int = 0
    usage: Usage = field(default_factory=Usage)
    last: Any = None
    """The last answer received (a chat completion), for lenient parsing and cut detection."""
    failure: BaseException | None = None
    """What ended the requests, when it was not the answer's content."""
    gave_up: str | None = None
    """Why a retry was not made, when one could have been."""
    deadline: float = 0.0

    @contextmanager
    def scope(self) -> Iterator[None]:
        """Starts the clock and makes the deadline visible to the HTTP transport."""
        self.deadline = time.monotonic() + self.timeout
        token = _DEADLINE.set(self.deadline)
        try:
            yield
        finally:
            _DEADLINE.reset(token)

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def prepare(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The request as sent: the output limit added, and `strict: true` on a json_schema."""
        kwargs = {**kwargs, self.max_tokens_key: self.max_tokens}
        fmt = kwargs.get("response_format")
        if self.strict and isinstance(fmt, dict) and fmt.get("type") == "json_schema":
            kwargs["response_format"] = {**fmt, "json_schema": {**fmt["json_schema"], "strict": True}}
        return kwargs

    def _received(self, completion: Any) -> Any:
        if not hasattr(completion, "choices"):  # the SDK hands back the text of a non-JSON body
            raise _NotACompletion()
        self.answers += 1
        self.last = completion
        usage = getattr(completion, "usage", None)
        if usage is not None:
            self.usage = self.usage + Usage(
                prompt_tokens=usage.prompt_tokens or 0,
                completion_tokens=usage.completion_tokens or 0,
                total_tokens=usage.total_tokens or 0,
            )
        return completion

    def _next_delay(self, exc: BaseException, retries_done: int) -> float | None:
        """Seconds to wait before retrying after `exc`, or None to give up (`exc` is then
        the failure that ended this article's requests)."""
        delay = self._retry_delay(exc, retries_done)
        if delay is None:
            self.failure = exc
        return delay

    def _retry_delay(self, exc: BaseException, retries_done: int) -> float | None:
        delay = _retryable_delay(exc, retries_done)
        if delay is None:
            return None
        if retries_done >= self.http_retries:
            self.gave_up = "no retry left"
            return None
        if delay >= self.left():
            self.gave_up = f"a retry in {delay:.0f} s would pass the deadline"
            return None
        return delay

    def _begin(self) -> None:
        if self.failure is not None:
            raise _RequestsEnded()
        if self.left() <= 0:
            raise _DeadlinePassed()
        self.requests += 1

    def wrap(self, create: Callable[..., Any], *, is_async: bool) -> Callable[..., Any]:
        """`create` (openai's chat.completions.create), bounded and recorded; sync or async."""
        if is_async:

            async def acreate(*args: Any, **kwargs: Any) -> Any:
                kwargs = self.prepare(kwargs)
                for retries in itertools.count():
                    try:
                        self._begin()
                        return self._received(await create(*args, **kwargs))
                    except Exception as exc:
                        if (delay := self._next_delay(exc, retries)) is None:
                            raise _RequestsEnded() from exc
                    await asyncio.sleep(delay)

            return acreate

        def screate(*args: Any, **kwargs: Any) -> Any:  # the same loop, blocking
            kwargs = self.prepare(kwargs)
            for retries in itertools.count():
                try:
                    self._begin()
                    return self._received(create(*args, **kwargs))
                except Exception as exc:
                    if (delay := self._next_delay(exc, retries)) is None:
                        raise _RequestsEnded() from exc
                time.sleep(delay)

        return screate

    # ------------------------------------------------------------------ reading the outcome

    def cut(self) -> bool:
        """True when the last answer stopped at the output limit."""
        try:
            return self.last.choices[0].finish_reason == "length"
        except (AttributeError, IndexError, TypeError):
            return False

    def count(self) -> str:
        """'1 request', '3 requests'; for a call the SDK retried itself, at most how many."""
        n = self.requests
        if n == 0:
            return f"at most {self.http_retries + 1} requests"
        return f"{n} request{'s' if n != 1 else ''}"

    def error(self, where: str, model: str, exc: BaseException | None = None) -> LLMError:
        """The typed, one-line error for how this article's requests ended."""
        import openai

        failure = self.failure
        info: dict[str, Any] = {"requests": self.requests, "usage": self.usage}
        if failure is None:
            if self.cut():
                return OutputLimitError(
                    f"the answer was cut at the output limit of {self.max_tokens} tokens "
                    f"(finish_reason: length, {self.count()}): raise --max-output-tokens "
                    "(SUMMARIZER_MAX_OUTPUT_TOKENS), or use a model that answers in JSON",
                    **info,
                )
            reason = validation_reason(exc) if exc is not None else "no answer"
            answers = f"{self.answers} answer{'s' if self.answers != 1 else ''}"
            return LLMError(
                f"the model gave no valid summary in {answers} ({self.count()}): {reason}", **info
            )
        deadline = f"the {self.timeout:g} s deadline (--timeout, SUMMARIZER_TIMEOUT)"
        if isinstance(failure, _DeadlinePassed | openai.APITimeoutError):
            cancelled = ", the last one cancelled" if isinstance(failure, openai.APITimeoutError) else ""
            last = f"; the last answer: {validation_reason(exc)}" if self.answers and exc is not None else ""
            valid = "valid " if self.answers else ""
            return DeadlineError(
                f"no {valid}answer from {where} within {deadline}; {self.count()}{cancelled}{last}", **info
            )
        if isinstance(failure, openai.AuthenticationError | openai.PermissionDeniedError):
            return AuthenticationError(
                f"the server at {where} refused the API key (HTTP {failure.status_code}): "
                "check OPENAI_API_KEY",
                **info,
            )
        if isinstance(failure, openai.NotFoundError):
            return ServerError(f"the server at {where} does not know model {model!r} (HTTP 404)", **info)
        if isinstance(failure, openai.APIStatusError):
            message = error_message(failure)
            if failure.status_code == 400 and _is_context_error(failure, message):
                return ContextLimitError(
                    f"the article does not fit the model's context at {where} "
                    f"(HTTP 400, {self.count()}: {message}): "
                    "use a larger context (llama-server -c), a shorter article, or a lower "
                    "--max-output-tokens",
                    **info,
                )
            why = f"; {self.gave_up}" if self.gave_up else ""
            return ServerError(
                f"the server at {where} answered HTTP {failure.status_code} ({self.count()}{why}): {message}",
                **info,
            )
        if isinstance(failure, openai.APIResponseValidationError | _NotACompletion | ValueError):
            return ServerError(
                f"the server at {where} sent a body that is not a chat completion ({self.count()})", **info
            )
        if isinstance(failure, openai.APIConnectionError):
            return _connection_error(failure, where, self, info)
        detail = " ".join(f"{type(failure).__name__}: {failure}".split())[:300]
        return LLMError(f"the model call failed ({self.count()}): {detail}", **info)


def _connection_error(failure: BaseException, where: str, call: Call, info: dict[str, Any]) -> LLMError:
    import httpx2

    cause = failure.__cause__ or failure.__context__
    _, too_large = _errors()
    if isinstance(cause, too_large):
        return ServerError(
            f"the answer from {where} grew past {MAX_ANSWER_BYTES // 2**20} MB; "
            f"reading stopped ({call.count()})",
            **info,
        )
    if isinstance(cause, httpx2.ConnectError):
        return ServerError(f"cannot reach the server at {where} ({call.count()}): is it running?", **info)
    return ServerError(
        f"the server at {where} closed the connection in the middle of its answer ({call.count()}): "
        "see the server's log",
        **info,
    )


def _retryable_delay(exc: BaseException, retries_done: int) -> float | None:
    """How long to wait before retrying `exc`, or None when it is not worth retrying.

    Retried: refused connections, connections dropped mid-answer, 408, 409, 429 and 5xx.
    A timeout is not retried: it means the article's deadline passed.
    """
    import openai

    backoff = min(8.0, 0.5 * 2**retries_done) * random.uniform(0.75, 1.0)
    if isinstance(exc, openai.APITimeoutError | _DeadlinePassed):
        return None
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code not in (408, 409, 429) and exc.status_code < 500:
            return None
        after = retry_after(exc.response.headers)
        return backoff if after is None else after
    if isinstance(exc, openai.APIConnectionError):
        too_large = isinstance(exc.__cause__ or exc.__context__, _errors()[1])
        return None if too_large else backoff
    return None


def retry_after(headers: Any) -> float | None:
    """Seconds a `Retry-After` (or `retry-after-ms`) header asks for, if it says."""
    try:
        ms = headers.get("retry-after-ms")
        if ms is not None:
            return max(0.0, float(ms) / 1000)
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


_CONTEXT_SIGNS = ("exceed_context_size", "context_length_exceeded", "maximum context length", "context size")


def _is_context_error(exc: Any, message: str) -> bool:
    body = getattr(exc, "body", None)
    inner = body.get("error", body) if isinstance(body, dict) else None
    fields = [message]
    if isinstance(inner, dict):
        fields += [str(inner.get("type", "")), str(inner.get("code", ""))]
    text = " ".join(fields).lower()
    return any(sign in text for sign in _CONTEXT_SIGNS)


def error_message(exc: Any) -> str:
    """The server's own words for an HTTP error, one line, at most 200 characters."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return " ".join(str(inner["message"]).split())[:200]
    return " ".join(str(getattr(exc, "message", "") or exc).split())[:200]


def validation_reason(exc: BaseException) -> str:
    """Why the last answer was refused, in words: the failing field and the check it failed."""
    attempts = getattr(exc, "failed_attempts", None) or []
    inner: BaseException | None = attempts[-1].exception if attempts else None
    seen = 0
    current: BaseException | None = inner or exc
    while current is not None and not isinstance(current, ValidationError) and seen < 10:
        current = current.__cause__ or current.__context__
        seen += 1
    if isinstance(current, ValidationError):
        errors = current.errors(include_url=False)
        first = errors[0]
        if first.get("type") == "json_invalid":
            return f"the answer is not JSON ({first.get('msg')})"
        where = ".".join(str(p) for p in first.get("loc", ())) or "the answer"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return " ".join(f"{where}: {first.get('msg')}{more}".split())[:300]
    text = str(inner or exc).strip().splitlines()
    return (text[0] if text else type(inner or exc).__name__)[:300]
