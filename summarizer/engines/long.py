"""Articles of any length: one request when the article fits the server's context, parts when not.

`LongReader` wraps an `LLMEngine`. For each article it decides:

* **short** (the request, estimated, fits `budget.UNPROBED_CONTEXT` and no context was named):
  the one-article request of today, byte for byte, without asking the server anything;
* **fits the server's context** (read once per reader, see `budget`): one request, its
  output limit kept within what the context leaves (Ollama's carrying `options.num_ctx`).
  If its answer is cut at the limit, the article is read again as two halves; if the server
  refuses it as too long (the context was unknown, or the estimate short), in parts;
* **longer**: parts planned by `chunking.plan_parts`, read in parallel under the batch's
  concurrency limit (`REQUEST_GATE`), merged by `merge.merge_drafts`. A part whose answer is
  cut at its limit, or that the server refuses as over its context, is split at a sentence
  end and its halves are read again; the article is never sent whole. `passes` > 1 reads the
  article again, cut a fraction of the way into each first-pass part
  (`chunking.shifted_parts`), keeping only what earlier passes missed.

A part that fails for good (its server error, or a one-sentence part still cut) costs that
part, not the article: the summary says which characters went unread (`part_failed`). Only
when every part fails is the article an error.

Each part's requests have their own deadline (`timeout`): a long article costs more time
than a short one, and parallel parts would otherwise share one clock.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import json
import os
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from summarizer.article import Article
from summarizer.engines import budget as budgets
from summarizer.engines.budget import Budget, Estimator, ServerContext
from summarizer.engines.calls import estimate_tokens, output_budget
from summarizer.engines.chunking import (
    Cuts,
    Part,
    ProgressHook,
    part_user_message,
    plan_parts,
    shifted_parts,
    split_part,
)
from summarizer.engines.llm import LLMEngine, PartRequest, _is_openai, build_messages
from summarizer.engines.merge import PartDraft, merge_drafts
from summarizer.engines.strict_schema import draft_schema
from summarizer.errors import ConfigError, ContextLimitError, LLMError, OutputLimitError
from summarizer.resources import prompt
from summarizer.schema import ArticleExtraction, Issue, Meta, Usage

REQUEST_GATE: contextvars.ContextVar[asyncio.Semaphore | None] = contextvars.ContextVar(
    "summarizer_request_gate", default=None
)
"""Set by a batch: every request of every article waits on it, so the parts of a long article
share the batch's concurrency limit instead of multiplying it."""
PROGRESS: contextvars.ContextVar[ProgressHook | None] = contextvars.ContextVar(
    "summarizer_part_progress", default=None
)
"""Set by a batch: called with (parts read, parts planned) as a long article's parts finish."""

MAX_PASSES = 5
LONG_SETTINGS = ("context_tokens", "passes")
"""The settings of `LongConfig`, given with the engine's (`Summarizer(**settings)`)."""


@dataclass(frozen=True)
class LongConfig:
    """How long articles are read. `context_tokens` overrides what the server says."""

    context_tokens: int | None = None
    passes: int = 1
    concurrency: int = 4
    """Parts of one article read at once outside a batch (a batch uses its own limit)."""
    overlap_tokens: int = 60
    context_text_tokens: int = 200

    @classmethod
    def resolve(
        cls,
        *,
        context_tokens: int | None = None,
        passes: int | None = None,
        env: dict[str, str] | None = None,
    ) -> LongConfig:
        """Arguments first, then SUMMARIZER_CONTEXT_TOKENS and SUMMARIZER_PASSES."""
        env = dict(os.environ) if env is None else env
        context_tokens = _number(context_tokens, env, "SUMMARIZER_CONTEXT_TOKENS", 512)
        passes = _number(passes, env, "SUMMARIZER_PASSES", 1) or 1
        if passes > MAX_PASSES:
            raise ConfigError(f"passes {passes}: at most {MAX_PASSES}")
        return cls(context_tokens=context_tokens, passes=passes)


def _number(value: Any, env: dict[str, str], name: str, least: int) -> int | None:
    source = repr(value) if value is not None else f"{name}={env.get(name)!r}"
    raw = value if value is not None else (env.get(name) or None)
    if raw is None:
        return None
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{source} is not a whole number") from None
    if number < least:
        raise ConfigError(f"{source} must be at least {least}")
    return number


@dataclass
class Reading:
    """An article's draft, where each item was read from, and what could not be read."""

    draft: ArticleExtraction
    meta: Meta
    regions: dict[str, tuple[int, int]] = field(default_factory=dict)
    warnings: list[Issue] = field(default_factory=list)


@dataclass
class _Run:
    """One article's parts in flight: the results so far and the progress counters."""

    article: Article
    budget: Budget
    server: ServerContext
    cuts: Cuts
    read: Callable[[PartRequest], Awaitable[tuple[ArticleExtraction, Meta]]]
    gate: asyncio.Semaphore
    drafts: list[PartDraft] = field(default_factory=list)
    metas: list[Meta] = field(default_factory=list)
    failures: list[tuple[Part, LLMError]] = field(default_factory=list)
    planned: int = 0
    done: int = 0

    def tick(self, planned: int = 0, done: int = 0) -> None:
        self.planned += planned
        self.done += done
        hook = PROGRESS.get()
        if hook is not None:
            hook(self.done, self.planned)


class LongReader:
    """Reads articles of any length with one engine (see the module docstring)."""

    def __init__(self, engine: LLMEngine, config: LongConfig | None = None) -> None:
        self.engine = engine
        self.config = config or LongConfig()
        self.estimator = Estimator()
        self._server: ServerContext | None = None
        self._probe_lock = threading.Lock()
        self._fixed: int | None = None

    # ------------------------------------------------------------------ sizes

    def fixed_tokens(self) -> int:
        """Estimated tokens of what every request carries besides the article: the system
        prompt (with the part note), the schema and the chat template (calibrated)."""
        return int(self._raw_fixed() * self.estimator.factor)

    def _raw_fixed(self) -> int:
        if self._fixed is None:
            raw = prompt("system") + "\n\n" + prompt("part")
            schema = json.dumps(draft_schema(), separators=(",", ":"))
            self._fixed = estimate_tokens(raw) + estimate_tokens(schema) + budgets.TEMPLATE_TOKENS
        return self._fixed

    def server_context(self) -> ServerContext:
        """The context window (once per reader): the user's figure, the server's, or a fallback."""
        with self._probe_lock:
            if self._server is None:
                self._server = self._probe()
            return self._server

    def _probe(self) -> ServerContext:
        config = self.engine.config
        if _is_openai(config.base_url):
            known = self.config.context_tokens or budgets.openai_context(config.model)
            source = "--context-tokens" if self.config.context_tokens else "OpenAI table"
            return ServerContext(known, source if known else "unknown")
        if self.config.context_tokens:  # the user's figure; the server is asked only if it is Ollama
            ollama = budgets.is_ollama(config.base_url or "", config.model, config.api_key)
            return ServerContext(self.config.context_tokens, "--context-tokens", ollama=ollama)
        return budgets.probe_server(config.base_url or "", config.model, config.api_key)

    def _learn(self, error: LLMError) -> None:
        """A server that refused a request as too long said its context: believe it."""
        told = budgets.context_from_message(str(error)) or budgets.FALLBACK_CONTEXT
        with self._probe_lock:
            known = self._server.tokens if self._server else None
            if known is None or told < known:
                ollama = self._server.ollama if self._server else False
                self._server = ServerContext(told, "the server's refusal", ollama)
            else:  # the context was known: the estimate ran short, so count more from now on
                self.estimator.refused()

    def _after_short_refusal(self, error: LLMError, article: Article) -> None:
        """A short article refused as over the context (a small context, or vLLM counting the
        output limit in it), or whose answer ran into the end of the context: learn the
        context and go on planning. Re-raise the error when it says nothing of the context (an
        answer cut at the output limit itself) or when the context cannot hold even the
        instructions and a few sentences."""
        if isinstance(error, OutputLimitError):
            usage = error.usage if isinstance(error.usage, Usage) else Usage()
            limit = output_budget(article.text, self.engine.config.max_output_tokens)
            if not 0 < usage.completion_tokens < limit or error.requests != 1:
                raise error
            with self._probe_lock:  # the answer stopped where the context ended
                self._server = ServerContext(
                    usage.prompt_tokens + usage.completion_tokens, "the end of a cut answer"
                )
        else:
            self._learn(error)
        try:
            self._budget(self.server_context())
        except ConfigError:
            raise error from None

    # ------------------------------------------------------------------ entry points

    def read(self, article: Article) -> Reading:
        """Read one article (blocking). Parts run in threads, `concurrency` at a time."""

        async def run() -> Reading:
            async def one(request: PartRequest) -> tuple[ArticleExtraction, Meta]:
                return await asyncio.to_thread(self.engine.extract, article, request)

            whole = lambda: asyncio.to_thread(self.engine.extract, article)  # noqa: E731
            return await self._aread(article, one, whole=whole, refused=refused, spent=spent)

        refused, spent = False, []
        if not self._needs_parts_check(article):
            try:
                draft, meta = self.engine.extract(article)
            except (ContextLimitError, OutputLimitError) as exc:
                self._after_short_refusal(exc, article)
                refused, spent = True, [_failed_meta(exc)]
            else:
                self._calibrate(meta, build_messages(article))
                return Reading(draft, meta)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(run())
        with concurrent.futures.ThreadPoolExecutor(1) as pool:  # called from inside an event loop
            return pool.submit(asyncio.run, run()).result()

    async def aread(self, article: Article) -> Reading:
        """Read one article (asyncio)."""

        async def one(request: PartRequest) -> tuple[ArticleExtraction, Meta]:
            return await self.engine.aextract(article, request)

        return await self._aread(article, one, whole=lambda: self.engine.aextract(article))

    # ------------------------------------------------------------------ the decision

    def _needs_parts_check(self, article: Article) -> bool:
        """False for a short article: its request fits any server met here, so it goes as
        it always has, without asking the server its context. Decided on the raw estimate
        (four bytes a token), not the calibrated one, so the same article is always sent the
        same way, whatever was read before it."""
        if self.config.context_tokens:
            return True
        need = self._raw_fixed() + estimate_tokens(article.text) * 3 + 512
        return need > budgets.UNPROBED_CONTEXT

    async def _aread(
        self,
        article: Article,
        read: Callable[[PartRequest], Awaitable[tuple[ArticleExtraction, Meta]]],
        whole: Callable[[], Awaitable[tuple[ArticleExtraction, Meta]]],
        refused: bool = False,
        spent: list[Meta] | None = None,
    ) -> Reading:
        gate = REQUEST_GATE.get() or asyncio.Semaphore(self.config.concurrency)
        spent = list(spent or [])  # what failed requests before the parts cost: billed too
        if not refused and not self._needs_parts_check(article):
            try:
                async with gate:
                    draft, meta = await whole()
            except (ContextLimitError, OutputLimitError) as exc:
                self._after_short_refusal(exc, article)
                spent.append(_failed_meta(exc))
            else:
                self._calibrate(meta, build_messages(article))
                return Reading(draft, meta)
        server = await asyncio.to_thread(self.server_context)
        tokens = self.estimator.tokens(article.text)
        if server.tokens is None or self._budget(server).fits_whole(tokens):
            request = self._whole_request(article, self._budget(server), server) if server.tokens else None
            try:
                async with gate:
                    draft, meta = await (whole() if request is None else read(request))
                self._calibrate(meta, build_messages(article))
                return Reading(draft, meta)
            except ContextLimitError as exc:  # the estimate was short: read in parts after all
                self._after_short_refusal(exc, article)
                server = self.server_context()
                spent.append(_failed_meta(exc))
            except OutputLimitError as exc:  # the answer outgrew its limit: read the two halves
                halves = split_part(article.text, Part(0, len(article.text), 0))
                if halves is None:
                    raise
                spent.append(_failed_meta(exc))
                budget = self._budget(server)
                return await self._read_parts(article, budget, server, read, gate, spent, halves)
        return await self._read_parts(article, self._budget(server), server, read, gate, spent)

    def _budget(self, server: ServerContext) -> Budget:
        """The shares of a request for this server; a context too small to hold the prompt,
        the schema, a few sentences and their answer is a configuration error."""
        budget = Budget(
            context=server.tokens or budgets.FALLBACK_CONTEXT,
            fixed=self.fixed_tokens(),
            context_text=self.config.context_text_tokens,
        )
        if budget.part_tokens() < budgets.MIN_PART_TOKENS:
            budget = Budget(context=budget.context, fixed=budget.fixed, context_text=0)
        if budget.part_tokens() < budgets.MIN_PART_TOKENS:
            raise ConfigError(
                f"a context of {budget.context} tokens ({server.source}) is too small: the "
                f"instructions and schema take about {budget.fixed} of it; use a larger context "
                "(--context-tokens, llama-server -c)"
            )
        return budget

    def _extra(self, server: ServerContext) -> dict[str, Any] | None:
        """Ollama's `options.num_ctx`: the context the plan was made for, the same on every
        request (Ollama reloads the model when it changes)."""
        if not server.ollama or not server.tokens:
            return None
        return {"options": {"num_ctx": server.tokens}}

    def _whole_request(self, article: Article, budget: Budget, server: ServerContext) -> PartRequest | None:
        """The one-article request with its output limit kept inside the context; None when
        that is exactly today's request."""
        messages = build_messages(article)
        prompt_tokens = self.fixed_tokens() + self.estimator.tokens(article.text)
        wanted = output_budget(article.text, self.engine.config.max_output_tokens)
        max_tokens = min(wanted, budget.answer_room(prompt_tokens))
        extra = self._extra(server)
        if max_tokens == wanted and extra is None:
            return None
        return PartRequest(messages=messages, ground=article.text, max_tokens=max_tokens, extra_body=extra)

    # ------------------------------------------------------------------ parts

    async def _read_parts(
        self,
        article: Article,
        budget: Budget,
        server: ServerContext,
        read: Callable[[PartRequest], Awaitable[tuple[ArticleExtraction, Meta]]],
        gate: asyncio.Semaphore,
        spent: list[Meta],
        halves: list[Part] | None = None,
    ) -> Reading:
        """Plan the parts (or read `halves`, an article read whole whose answer was cut), read
        them all at once under `gate`, and merge what they gave; `spent` is what the requests
        before them cost."""
        text = article.text
        cuts = Cuts.of(text)
        run = _Run(article, budget, server, cuts, read, gate, metas=list(spent))
        tokens_per_byte = 0.25 * self.estimator.factor
        first = halves or plan_parts(
            text,
            budget.part_tokens(),
            overlap=self.config.overlap_tokens,
            context=self.config.context_text_tokens,
            tokens_per_byte=tokens_per_byte,
            cuts=cuts,
        )
        parts = list(first)
        for number in range(2, self.config.passes + 1 if halves is None else 2):
            fraction = (number - 1) / self.config.passes
            parts += shifted_parts(
                text,
                first,
                fraction,
                number,
                context=self.config.context_text_tokens,
                tokens_per_byte=tokens_per_byte,
                cuts=cuts,
            )
        run.tick(planned=len(parts))
        await asyncio.gather(*(self._read_part(run, part) for part in parts))
        if not run.drafts:
            raise run.failures[0][1]
        draft, regions = merge_drafts(run.drafts)
        warnings = [
            Issue(
                code="part_failed",
                message=f"characters {p.start}-{p.end} of the article could not be read: {error}",
                item=f"part {p.index + 1} (pass {p.pass_number})",
            )
            for p, error in sorted(run.failures, key=lambda f: (f[0].pass_number, f[0].start))
        ]
        return Reading(draft, _merged_meta(run.metas), regions, warnings)

    def _part_request(self, run: _Run, part: Part) -> PartRequest:
        """The request for one part: the usual system prompt and the part note after it, the
        part (and its context) as the user turn, an output limit within the context."""
        text = run.article.text
        system = build_messages(run.article)[0]["content"] + "\n\n" + prompt("part")
        user = part_user_message(text, part)
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        prompt_tokens = self.fixed_tokens() + self.estimator.tokens(user)
        wanted = output_budget(text[part.start : part.end], self.engine.config.max_output_tokens)
        max_tokens = min(wanted, run.budget.answer_room(prompt_tokens))
        return PartRequest(
            messages=messages,
            ground=text[part.start : part.end],
            max_tokens=max_tokens,
            extra_body=self._extra(run.server),
        )

    async def _read_part(self, run: _Run, part: Part) -> None:
        request = self._part_request(run, part)
        try:
            async with run.gate:
                draft, meta = await run.read(request)
        except (OutputLimitError, ContextLimitError) as exc:
            if isinstance(exc, ContextLimitError):
                self._learn(exc)
            run.metas.append(_failed_meta(exc))
            halves = split_part(run.article.text, part, run.cuts)
            if halves is None:
                run.failures.append((part, exc))
                run.tick(done=1)
                return
            run.tick(planned=1, done=0)  # one part became two
            await asyncio.gather(*(self._read_part(run, half) for half in halves))
            return
        except LLMError as exc:
            run.metas.append(_failed_meta(exc))
            run.failures.append((part, exc))
            run.tick(done=1)
            return
        self._calibrate(meta, request.messages)
        run.metas.append(meta)
        run.drafts.append(PartDraft(part, draft))
        run.tick(done=1)

    def _calibrate(self, meta: Meta, messages: list[dict[str, str]]) -> None:
        """Learn how the server counts from a first-try answer's prompt tokens."""
        if meta.attempts != 1 or not meta.usage.prompt_tokens:
            return
        schema = json.dumps(draft_schema(), separators=(",", ":"))
        estimated = sum(estimate_tokens(m["content"]) for m in messages) + estimate_tokens(schema)
        self.estimator.observe(estimated + budgets.TEMPLATE_TOKENS, meta.usage.prompt_tokens)


def _failed_meta(error: LLMError) -> Meta:
    """What a failed request cost, kept so the article's usage counts every billed token."""
    usage = error.usage if isinstance(error.usage, Usage) else Usage()
    return Meta(engine="llm", attempts=0, usage=usage)


def _merged_meta(metas: list[Meta]) -> Meta:
    """One article's meta from its parts': the first answer's labels, every part's cost."""
    answered = [m for m in metas if m.model is not None]
    usage = Usage()
    for meta in metas:
        usage = usage + meta.usage
    base = answered[0] if answered else metas[0]
    return base.model_copy(update={"attempts": sum(m.attempts for m in metas), "usage": usage})
