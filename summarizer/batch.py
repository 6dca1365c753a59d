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
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from summarizer.article import Article, decode, from_mapping, read_path
from summarizer.engines.long import LONG_SETTINGS, PROGRESS, REQUEST_GATE
from summarizer.errors import InputError, SummarizerError

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
    parts: int = 0
    """Parts of long articles planned so far (an article read whole counts none)."""
    parts_done: int = 0
    started: float = field(default_factory=time.perf_counter)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started


# --------------------------------------------------------------------------- inputs


def _jsonl_articles(path: Path) -> Iterator[Article | Failure]:
    try:
        raw = decode(path.read_bytes(), str(path))
    except (InputError, OSError) as exc:
        yield Failure(path.stem, str(exc) if isinstance(exc, InputError) else f"{path}: {exc}")
        return
    for lineno, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        fallback = f"{path.stem}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Failure(fallback, f"{path}:{lineno}: not valid JSON ({exc.msg})")
            continue
        try:
            yield from_mapping(obj, id=fallback, name=f"{path}:{lineno}")
        except InputError as exc:
            article_id = obj.get("id") if isinstance(obj, dict) and obj.get("id") else fallback
            yield Failure(str(article_id), str(exc))


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
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
    if path.exists():
        return [path]
    if glob.has_magic(spec):
        return sorted(Path(p) for p in glob.glob(spec, recursive=True) if Path(p).is_file())
    return None


def iter_inputs(inputs: Iterable[str]) -> Iterator[Article | Failure]:
    """Every article the inputs hold, in order, with a `Failure` for each that cannot be read.

    Ids must be unique within a run (they key the output and resuming): a repeated id becomes a
    failure naming the input that used it first.
    """
    seen: dict[str, str] = {}
    for spec in inputs:
        paths = _paths(spec)
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


def done_ids(output: Path) -> set[str]:
    """Ids of the articles an earlier run already summarized into `output` (error rows excluded)."""
    ids: set[str] = set()
    if not output.exists():
        return ids
    with output.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a killed run: that article is simply done again
            article = row.get("article") if isinstance(row, dict) else None
            if isinstance(article, dict) and isinstance(article.get("id"), str):
                ids.add(article["id"])
    return ids


class JsonlWriter:
    """Appends one JSON object a line, flushed at once, so a killed run keeps every finished row."""

    def __init__(self, handle: TextIO) -> None:
        self.handle = handle
        if handle.seekable() and handle.tell() > 0:
            self._ensure_newline()

    def _ensure_newline(self) -> None:
        # a run killed mid-line left a partial row: start on a fresh line
        name = getattr(self.handle, "name", None)
        if isinstance(name, str) and os.path.exists(name):
            with open(name, "rb") as check:
                check.seek(-1, os.SEEK_END)
                if check.read(1) != b"\n":
                    self.handle.write("\n")

    def write(self, row: str) -> None:
        self.handle.write(row if row.endswith("\n") else row + "\n")
        self.handle.flush()


def error_row(article_id: str, error: str) -> str:
    return json.dumps({"id": article_id, "error": error}, ensure_ascii=False)


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
    articles: list[Article], writer: JsonlWriter, stats: BatchStats, *, workers: int, report: Report
) -> None:
    """The offline engine over many articles, in `workers` processes (1: in this process)."""
    if workers <= 1 or len(articles) < 2:
        _init_rules_worker()
        results: Iterable[tuple[str, str | None, str | None]] = map(_summarize_rules, articles)
        _drain(results, writer, stats, report)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_rules_worker) as pool:
        chunk = max(1, min(64, len(articles) // (workers * 4) or 1))
        _drain(pool.map(_summarize_rules, articles, chunksize=chunk), writer, stats, report)


def _drain(
    results: Iterable[tuple[str, str | None, str | None]],
    writer: JsonlWriter,
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
    _summarizer: Any = field(default=None, init=False, repr=False)
    _config: Any = field(default=None, init=False, repr=False)

    def summarizer(self) -> Any:
        """Built on the first cache miss: a run served from the cache never loads the SDK."""
        if self._summarizer is None:
            from summarizer.api import Summarizer

            self._summarizer = Summarizer(engine="llm", **self.settings)
        return self._summarizer

    def key(self, article: Article) -> str | None:
        if self.cache is None:
            return None
        from summarizer.cache import cache_key
        from summarizer.engines.llm import LLMConfig
        from summarizer.resources import prompt_version
        from summarizer.schema import SCHEMA_VERSION

        config = self._config or LLMConfig.resolve(
            **{k: v for k, v in self.settings.items() if k not in LONG_SETTINGS}
        )
        self._config = config
        return cache_key(
            text_sha256=article.sha256,
            engine="llm",
            model=config.model,
            prompt_version=prompt_version(),
            schema_version=SCHEMA_VERSION,
            mode=config.mode + _passes_tag(self.settings.get("passes")),
            published=article.published.isoformat() if article.published else None,
        )

    async def one(self, article: Article, writer: JsonlWriter, stats: BatchStats, report: Report) -> None:
        key = self.key(article)
        cached = self.cache.get(key) if key else None
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
            self.cache.put(key, summary_json, model=summary.meta.model, article_id=article.id)
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
            self.cache.log_call(
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

    async def run(
        self, articles: list[Article], writer: JsonlWriter, stats: BatchStats, report: Report
    ) -> None:
        gate = asyncio.Semaphore(max(1, self.concurrency))
        REQUEST_GATE.set(asyncio.Semaphore(max(1, self.concurrency)))  # parts share the limit

        async def guarded(article: Article) -> None:
            async with gate:
                await self.one(article, writer, stats, report)

        await asyncio.gather(*(guarded(a) for a in articles))


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
) -> BatchStats:
    """Summarize every article of `inputs` into the JSONL file `output` (appending)."""
    stats = BatchStats()
    skip = done_ids(output) if resume else set()
    articles: list[Article] = []
    failures: list[Failure] = []
    for item in iter_inputs(inputs):
        if isinstance(item, Failure):
            failures.append(item)
        elif item.id in skip:
            stats.skipped += 1
        else:
            articles.append(item)
    stats.total = len(articles) + len(failures)
    output.parent.mkdir(parents=True, exist_ok=True)
    report, stop = progress_reporter(stats, enabled=progress)
    try:
        with output.open("a", encoding="utf-8") as handle:
            writer = JsonlWriter(handle)
            for failure in failures:
                writer.write(error_row(failure.id, failure.error))
                stats.failed += 1
                report(stats)
            if engine == "rules":
                run_rules(articles, writer, stats, workers=concurrency, report=report)
            else:
                batch = LLMBatch(settings=settings or {}, cache=cache, concurrency=concurrency)
                asyncio.run(batch.run(articles, writer, stats, report))
    finally:
        stop()
    return stats
