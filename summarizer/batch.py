"""Many articles at once: inputs expanded, work done concurrently, results streamed to JSONL.

- Inputs are files, folders, glob patterns, or JSONL files of articles (one JSON object a line,
  as `summarize` accepts). An input that cannot be read becomes an error row; it never stops
  the others.
- The LLM engine runs `concurrency` requests at once on one event loop (the openai SDK retries
  429 and 5xx answers, honouring Retry-After); the rules engine runs in worker processes.
- Each result is one JSON line, written and flushed as soon as its article finishes. A failure
  is a row `{"id", "error"}`. Run the same command again and the articles already summarized
  in the output are skipped (failed ones are tried again).
- With a cache, a summary already made for the same text, engine, model, mode, prompt version,
  schema version and publication date is reused without a request; every LLM call is logged
  (tokens, latency) for `summarizer usage`.
"""

from __future__ import annotations

import asyncio
import glob
import itertools
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from summarizer.article import MAX_BYTES, Article, decode, from_mapping, parse_json, read_path
from summarizer.batch_output import done_ids, open_output
from summarizer.credentials import redact
from summarizer.engines.long import LONG_SETTINGS, PROGRESS, REQUEST_GATE
from summarizer.errors import ConfigError, InputError, SummarizerError

__all__ = ["BatchInterrupted", "BatchStats", "Failure", "done_ids", "iter_inputs", "run_batch"]

ARTICLE_SUFFIXES = (".txt", ".text", ".md", ".json", ".jsonl")
"""What a folder given as input contributes: article files, and JSONL files of articles."""


@dataclass(frozen=True)
class Failure:
    """An input that could not become an article: its id and a one-line reason."""

    id: str
    error: str


@dataclass
class BatchStats:
    """What a run did, for the progress display and the closing line."""

    total: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    cached: int = 0
    tokens: int = 0
    warnings: list[str] = field(default_factory=list)
    parts: int = 0
    """Parts of long articles planned so far (an article read whole counts none)."""
    parts_done: int = 0
    started: float = field(default_factory=time.perf_counter)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started


# --------------------------------------------------------------------------- inputs


def _jsonl_lines(path: Path) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line of a JSONL file, read as a stream: a feed of millions
    of articles is never held whole. A line longer than one article may be (MAX_BYTES) is
    skipped without being held either, and comes as (line number, None)."""
    with path.open("rb") as handle:
        for lineno in itertools.count(1):
            line = handle.readline(MAX_BYTES + 1)
            if not line:
                return
            if len(line) > MAX_BYTES and not line.endswith(b"\n"):
                while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass
                yield lineno, None
                continue
            yield lineno, line


def _jsonl_articles(path: Path) -> Iterator[Article | Failure]:
    """One Article or Failure per non-blank line; one bad line never costs the others."""
    try:
        for lineno, line in _jsonl_lines(path):
            fallback = f"{path.stem}:{lineno}"
            where = f"{path}:{lineno}"
            if line is None:
                yield Failure(fallback, f"{where} is too large (the limit is {MAX_BYTES:,} bytes a line)")
                continue
            if not line.strip():
                continue
            try:
                obj = parse_json(decode(line, where), where)
            except InputError as exc:
                yield Failure(fallback, str(exc))
                continue
            try:
                yield from_mapping(obj, id=fallback, name=where)
            except InputError as exc:
                found = obj.get("id") if isinstance(obj, dict) else None
                yield Failure(found if isinstance(found, str) and found else fallback, str(exc))
    except OSError as exc:
        yield Failure(path.stem, f"{path}: {exc.strerror or exc}")


def _file(path: Path) -> Iterator[Article | Failure]:
    if path.suffix.lower() == ".jsonl":
        yield from _jsonl_articles(path)
        return
    try:
        yield read_path(path)
    except InputError as exc:
        yield Failure(path.stem, str(exc))


def _paths(spec: str) -> list[Path] | None:
    """The files an input names: itself, a folder's article files, or a glob's matches."""
    path = Path(spec)
    if path.is_dir():
        return sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
        )
    if path.exists():
        return [path]
    if glob.has_magic(spec):
        return sorted(Path(p) for p in glob.glob(spec, recursive=True) if Path(p).is_file())
    return None


def _same_file(path: Path, other: Path | None) -> bool:
    if other is None:
        return False
    try:
        return os.path.samefile(path, other)
    except OSError:
        return False


def iter_inputs(inputs: Iterable[str], *, exclude: Path | None = None) -> Iterator[Article | Failure]:
    """Every article the inputs hold, in order, with a `Failure` for each that cannot be read.

    Ids must be unique within a run (they key the output and resuming): a repeated id becomes a
    failure naming the input that used it first. `exclude` (the run's own output) is never
    read as input, even when it sits in an input folder or matches a pattern.
    """
    seen: dict[str, str] = {}
    for spec in inputs:
        paths = _paths(spec)
        if paths and exclude is not None:
            kept = [p for p in paths if not _same_file(p, exclude)]
            if not kept:
                yield Failure(Path(spec).stem or spec, f"{spec} is this run's output (-o), not an input")
                continue
            paths = kept
        if paths is None:
            yield Failure(Path(spec).stem or spec, f"{spec}: no such file, folder or matching pattern")
            continue
        if not paths:
            yield Failure(Path(spec).stem or spec, f"{spec}: no article files in it")
            continue
        for path in paths:
            for item in _file(path):
                if isinstance(item, Article):
                    if item.id in seen:
                        yield Failure(item.id, f"duplicate id {item.id!r} (first used by {seen[item.id]})")
                        continue
                    seen[item.id] = str(path)
                yield item


# --------------------------------------------------------------------------- output


class Writer(Protocol):
    """Where rows go: `BatchOutput` (a file or device) or anything that appends lines."""

    def write(self, row: str) -> None: ...


def error_row(article_id: str, error: str) -> str:
    """A failure's row; the error is redacted here, the one place every error row passes."""
    return json.dumps({"id": article_id, "error": redact(error)}, ensure_ascii=False)


# --------------------------------------------------------------------------- engines


def _summarize_rules(article: Article) -> tuple[str, str | None, str | None]:
    """Worker-process entry point: (id, summary JSON, error)."""
    from summarizer.api import Summarizer

    try:
        summary = _RULES.summarize(article) if _RULES else Summarizer(engine="rules").summarize(article)
        return article.id, summary.model_dump_json(), None
    except SummarizerError as exc:
        return article.id, None, str(exc)
    except Exception as exc:
        return article.id, None, f"internal error: {type(exc).__name__}: {exc}"


_RULES: Any = None


def _init_rules_worker() -> None:
    global _RULES
    from summarizer.api import Summarizer

    _RULES = Summarizer(engine="rules")


Report = Callable[[BatchStats], None]


def run_rules(
    articles: list[Article], writer: Writer, stats: BatchStats, *, workers: int, report: Report
) -> None:
    """The offline engine over many articles, in `workers` processes (1: in this process)."""
    if workers <= 1 or len(articles) < 2:
        _init_rules_worker()
        results: Iterable[tuple[str, str | None, str | None]] = map(_summarize_rules, articles)
        _drain(results, writer, stats, report)
        return
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_rules_worker)
    try:
        chunk = max(1, min(64, len(articles) // (workers * 4) or 1))
        _drain(pool.map(_summarize_rules, articles, chunksize=chunk), writer, stats, report)
    except BaseException:
        # an interrupt or a failed write: stop now, not after every queued article is done
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _drain(
    results: Iterable[tuple[str, str | None, str | None]],
    writer: Writer,
    stats: BatchStats,
    report: Report,
) -> None:
    for article_id, summary_json, error in results:
        if summary_json is not None:
            writer.write(summary_json)
            stats.done += 1
        else:
            writer.write(error_row(article_id, error or "unknown error"))
            stats.failed += 1
        report(stats)


@dataclass
class LLMBatch:
    """The LLM engine over many articles: a shared Summarizer, a cache, bounded concurrency."""

    settings: dict[str, Any]
    cache: Any = None  # summarizer.cache.Cache | None
    concurrency: int = 8
    warn: Callable[[str], None] = field(default=lambda _message: None)
    """Told of a cache that fails mid-run: the run goes on without it (a summary is paid for)."""
    remote: Any = None
    """Something with `asummarize(article)` reading in other processes (a
    `summarizer.distributed.RayPool`): used instead of a Summarizer built here."""
    _summarizer: Any = field(default=None, init=False, repr=False)
    _config: Any = field(default=None, init=False, repr=False)
    _shared_key: dict[str, Any] | None = field(default=None, init=False, repr=False)

    def summarizer(self) -> Any:
        """Built on the first cache miss: a run served from the cache never loads the SDK."""
        if self.remote is not None:
            return self.remote
        if self._summarizer is None:
            from summarizer.api import Summarizer

            self._summarizer = Summarizer(engine="llm", **self.settings)
        return self._summarizer

    def key(self, article: Article) -> str | None:
        if self.cache is None:
            return None
        from summarizer.cache import cache_key

        return cache_key(
            text_sha256=article.sha256,
            published=article.published.isoformat() if article.published else None,
            **self._key_parts(),
        )

    def _key_parts(self) -> dict[str, Any]:
        """What every article's cache key shares in this run, worked out once (the settings and
        the environment do not change during a run)."""
        if self._shared_key is None:
            from summarizer.engines.llm import LLMConfig
            from summarizer.resources import prompt_version
            from summarizer.schema import SCHEMA_VERSION

            config = (
                self._config
                or self.settings.get("config")
                or LLMConfig.resolve(**{k: v for k, v in self.settings.items() if k not in LONG_SETTINGS})
            )
            self._config = config
            self._shared_key = {
                "engine": "llm",
                "model": config.model,
                "prompt_version": prompt_version(),
                "schema_version": SCHEMA_VERSION,
                "mode": config.mode + _passes_tag(self.settings.get("passes")),
                "options": _key_options(config, self.settings),
            }
        return self._shared_key

    async def one(self, article: Article, writer: Writer, stats: BatchStats, report: Report) -> None:
        key = self.key(article)
        cached = self._cache_call("read", self.cache.get, key) if key else None
        if cached is not None:
            writer.write(_with_article(cached, article))
            stats.done += 1
            stats.cached += 1
            report(stats)
            return
        started = time.perf_counter()
        model = self._config.model if self._config else self.settings.get("model")
        PROGRESS.set(_part_progress(stats, report))
        try:
            summary = await self.summarizer().asummarize(article)
        except SummarizerError as exc:
            writer.write(error_row(article.id, str(exc)))
            stats.failed += 1
            spent = getattr(exc, "usage", None)  # a failed article's answers were billed too
            prompt, completion = (spent.prompt_tokens, spent.completion_tokens) if spent else (0, 0)
            stats.tokens += prompt + completion
            self._log(model, article.id, prompt, completion, started, ok=False, error=str(exc))
            report(stats)
            return
        except Exception as exc:
            writer.write(error_row(article.id, f"internal error: {type(exc).__name__}: {exc}"))
            stats.failed += 1
            report(stats)
            return
        summary_json = summary.model_dump_json()
        usage = summary.meta.usage
        stats.tokens += usage.total_tokens
        if key:
            self._cache_call(
                "write", self.cache.put, key, summary_json, model=summary.meta.model, article_id=article.id
            )
        self._log(
            summary.meta.model, article.id, usage.prompt_tokens, usage.completion_tokens, started, ok=True
        )
        writer.write(summary_json)
        stats.done += 1
        report(stats)

    def _log(
        self,
        model: str | None,
        article_id: str,
        prompt: int,
        completion: int,
        started: float,
        *,
        ok: bool,
        error: str | None = None,
    ) -> None:
        if self.cache is not None:
            self._cache_call(
                "call log write",
                self.cache.log_call,
                model=model,
                engine="llm",
                article_id=article_id,
                prompt_tokens=prompt,
                completion_tokens=completion,
                latency_s=time.perf_counter() - started,
                ok=ok,
                cached=False,
                error=error,
            )

    def _cache_call(self, what: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A cache operation whose failure (a lock held past the busy timeout, a full disk)
        costs only the cache: the row is still written, the user is warned."""
        try:
            return call(*args, **kwargs)
        except ConfigError as exc:
            self.warn(f"cache {what} failed, the batch goes on: {exc}")
            return None

    async def run(
        self, articles: list[Article], writer: Writer, stats: BatchStats, report: Report
    ) -> None:
        gate = asyncio.Semaphore(max(1, self.concurrency))
        REQUEST_GATE.set(asyncio.Semaphore(max(1, self.concurrency)))  # parts share the limit

        async def guarded(article: Article) -> None:
            async with gate:
                await self.one(article, writer, stats, report)

        await asyncio.gather(*(guarded(a) for a in articles))


def _key_options(config: Any, settings: dict[str, Any]) -> dict[str, object]:
    """The request settings that change what is read or answered, for the cache key: strict
    outputs, a user-set output limit and a user-set context (it decides how a long article is
    cut into parts)."""
    from summarizer.engines.long import LongConfig

    options: dict[str, object] = {"strict": config.strict, "max_output_tokens": config.max_output_tokens}
    context = LongConfig.resolve(context_tokens=settings.get("context_tokens")).context_tokens
    if context is not None:
        options["context_tokens"] = context
    return options


def _passes_tag(passes: Any) -> str:
    """What `--passes` adds to the cache key: nothing for one pass (keys made before passes
    existed stay valid), '+passes=N' for more, so a second reading is never served the first's."""
    from summarizer.engines.long import LongConfig

    n = LongConfig.resolve(passes=passes).passes
    return f"+passes={n}" if n > 1 else ""


def _part_progress(stats: BatchStats, report: Report) -> Callable[[int, int], None]:
    """A hook for one article's parts: the batch's part counters follow it."""
    seen = [0, 0]

    def hook(done: int, planned: int) -> None:
        stats.parts_done += done - seen[0]
        stats.parts += planned - seen[1]
        seen[:] = [done, planned]
        report(stats)

    return hook


def _with_article(summary_json: str, article: Article) -> str:
    """A cached summary made for the same text, re-labelled with this input's id and metadata."""
    data = json.loads(summary_json)
    data["article"].update(
        id=article.id,
        title=article.title,
        source=article.source,
        published=article.published.isoformat() if article.published else None,
    )
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------- progress


def progress_reporter(stats: BatchStats, *, enabled: bool | None = None) -> tuple[Report, Callable[[], None]]:
    """A Rich progress bar on stderr (done, failed, tokens, elapsed, ETA), or nothing when
    stderr is not a terminal. Returns (update, stop)."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return (lambda _stats: None), (lambda: None)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("[bold]summarizing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("failed {task.fields[failed]}"),
        TextColumn("cached {task.fields[cached]}"),
        TextColumn("tokens {task.fields[tokens]:,}"),
        TextColumn("{task.fields[parts]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    task = progress.add_task("batch", total=stats.total, failed=0, cached=0, tokens=0, parts="")
    progress.start()

    def update(s: BatchStats) -> None:
        parts = f"parts {s.parts_done}/{s.parts}" if s.parts else ""
        progress.update(
            task, completed=s.done + s.failed, failed=s.failed, cached=s.cached, tokens=s.tokens, parts=parts
        )

    return update, progress.stop


# --------------------------------------------------------------------------- the whole run


class BatchInterrupted(KeyboardInterrupt):
    """The run was interrupted (SIGINT): what it wrote is kept, and `stats` says how much."""

    def __init__(self, stats: BatchStats, output: Path) -> None:
        self.stats = stats
        written = stats.done + stats.failed
        super().__init__(f"interrupted: {written} of {stats.total} written to {output}; rerun to resume")


def run_batch(
    inputs: Iterable[str],
    output: Path,
    *,
    engine: str,
    settings: dict[str, Any] | None = None,
    concurrency: int = 8,
    cache: Any = None,
    resume: bool = True,
    progress: bool | None = None,
    warn: Callable[[str], None] | None = None,
    remote: Any = None,
) -> BatchStats:
    """Summarize every article of `inputs` into the JSONL file `output` (appending).

    `remote` (see `LLMBatch.remote`) reads the articles elsewhere, whatever the engine, with
    `concurrency` of them in flight; everything else (inputs, rows, cache) stays here.

    The output is locked for the run (a second run on it raises OutputError), repaired and
    left with one row per article (see `summarizer.batch_output`). `warn` is told of what
    the run survived (a failing cache, a repaired file); `stats.warnings` keeps the same.
    Raises `BatchInterrupted` on SIGINT, after keeping every row written so far.
    """
    stats = BatchStats()

    def note(message: str) -> None:
        stats.warnings.append(message)
        if warn is not None:
            warn(message)

    sink = open_output(output)
    compact_rows = True
    try:
        for message in sink.notes:
            note(message)
        sink.notes.clear()
        skip = done_ids(output) if resume and sink.regular else set()
        articles: list[Article] = []
        failures: list[Failure] = []
        for item in iter_inputs(inputs, exclude=output if sink.regular else None):
            if isinstance(item, Failure):
                failures.append(item)
            elif item.id in skip:
                stats.skipped += 1
            else:
                articles.append(item)
        stats.total = len(articles) + len(failures)
        report, stop = progress_reporter(stats, enabled=progress)
        try:
            for failure in failures:
                sink.write(error_row(failure.id, failure.error))
                stats.failed += 1
                report(stats)
            if engine == "rules" and remote is None:
                run_rules(articles, sink, stats, workers=concurrency, report=report)
            else:
                batch = LLMBatch(
                    settings=settings or {}, cache=cache, concurrency=concurrency, warn=note, remote=remote
                )
                asyncio.run(batch.run(articles, sink, stats, report))
        finally:
            stop()
    except KeyboardInterrupt:
        raise BatchInterrupted(stats, output) from None
    except BaseException:
        compact_rows = False  # a failed write (full disk): do not rewrite the file now
        raise
    finally:
        sink.close(compact_rows=compact_rows)
        for message in sink.notes:
            note(message)
    return stats
