"""Past one machine (or one event loop): the same batch executed on Ray.

`pip install 'summarizer[ray]'` adds Ray. Two faces share one worker, `ArticleReader` (one
`Summarizer`, so one engine and one connection pool, running many articles at once on its own
event loop):

* `run_ray_batch` (`summarizer batch ... --ray local|auto|ADDRESS`): the batch of
  `summarizer.batch`, with every article read by one of `workers` Ray actors. The driver keeps
  everything that is not reading: the inputs (`iter_inputs`), resuming (`done_ids`), the output
  (locked, flushed row by row, compacted), error rows and the SQLite cache. Results stream back
  as each article finishes (an awaited object reference) and are written by the driver at once.
  Why plain actors rather than Ray Data here: a batch's inputs are local files and its output is
  one local JSONL file written as rows finish, and the cache is looked up before a request is
  paid for, all of which the driver already does; Ray Data would add a streaming executor
  between the files and the actors for no gain (and hold rows in its own buffers).
* `summarize_dataset`: a Ray Dataset of articles to a Dataset of summaries, with Ray Data
  (`map_batches` over a pool of the same readers), for users whose articles are in object
  storage (`ray.data.read_json`, `read_parquet`) and whose results go back there.

The cache: only the driver opens it (one SQLite writer, on the driver's disk), so it is correct
whatever the number of actors or nodes; the actors never see it. A failed article (a bad answer,
a server error, an actor that died) is an error row, never a failed job.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import socket
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from summarizer.api import Summarizer, choose_engine
from summarizer.article import Article, from_mapping
from summarizer.batch import BatchStats, run_batch
from summarizer.credentials import redact
from summarizer.errors import ConfigError, InputError, SummarizerError
from summarizer.schema import ArticleSummary

__all__ = ["ArticleReader", "RayPool", "run_ray_batch", "summarize_dataset"]


def _ray() -> Any:
    """Ray, or a one-line error saying how to get it (it is an optional extra)."""
    try:
        import ray
    except ImportError:
        raise ConfigError("Ray is not installed: pip install 'summarizer[ray]'") from None
    return ray


def engine_settings(engine: str, settings: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The engine's name and the settings its workers get: for the LLM, the configuration
    resolved here, once, so a missing model fails before any actor starts, and workers on other
    machines need no environment of their own (the key goes only to the cluster named)."""
    chosen = choose_engine(engine, settings)
    if chosen != "llm":
        return chosen, {}
    from summarizer.engines.llm import LLMConfig

    given = {k: v for k, v in settings.items() if k != "config"}
    config = settings.get("config") or LLMConfig.resolve(**given)
    return chosen, {"config": config}


class ArticleReader:
    """One Summarizer reading articles; a Ray actor in both faces.

    `read` returns the summary, or the exception the article raised (as a value: an exception
    keeps its class and attributes, such as a failed article's token usage, across the wire
    instead of becoming a task failure wrapped in a remote traceback).
    """

    def __init__(self, engine: str, settings: dict[str, Any]) -> None:
        self.summarizer = Summarizer(engine=engine, **settings)

    async def read(self, article: Article) -> ArticleSummary | Exception:
        try:
            return await self.summarizer.asummarize(article)
        except Exception as exc:
            return exc

    def describe(self) -> str:
        return self.summarizer.describe()


# --------------------------------------------------------------------------- the batch face


def connect(address: str) -> bool:
    """Join or start a cluster: `local` starts one on this machine (or uses the one this
    process already has), `auto` joins the cluster this machine is part of, anything else is
    the address of a cluster (`ray://host:10001`, `host:6379`). True when this call connected
    (and so should disconnect)."""
    ray = _ray()
    if ray.is_initialized():
        return False
    if address not in ("local", "auto"):
        _reachable(address)
    try:
        if address == "local":
            ray.init(include_dashboard=False, log_to_driver=False, logging_level="ERROR")
        else:
            ray.init(address=address, log_to_driver=False, logging_level="ERROR")
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ConfigError(f"cannot reach a Ray cluster at {address!r}: {_one_line(exc)}") from None
    return True


def _reachable(address: str) -> None:
    """Fail in seconds, with one line, on an address nothing listens at (Ray itself retries
    for minutes, printing a warning every few seconds)."""
    where = address.split("://", 1)[-1].rstrip("/")
    host, _, port = where.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"--ray {address!r}: expected local, auto, or HOST:PORT (ray://HOST:PORT)")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
    except OSError as exc:
        raise ConfigError(f"cannot reach a Ray cluster at {address!r}: {exc.strerror or exc}") from None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


class RayPool:
    """`workers` ArticleReader actors and the driver side of them: `asummarize` sends an article
    to the actor with the fewest in flight and awaits its answer, so `summarizer.batch` runs
    over the pool exactly as over one local Summarizer (same cache, rows, stats).

    Each actor runs up to `concurrency` articles at once; the batch's gate (workers x
    concurrency) keeps every actor at most that busy. Actors ask for a share of a CPU (at most
    one), so any number of them fits the cluster, spread over its nodes.
    """

    def __init__(
        self,
        address: str,
        *,
        engine: str,
        settings: dict[str, Any],
        workers: int | None = None,
        concurrency: int = 8,
    ) -> None:
        self.address = address
        self.engine, self._settings = engine, settings
        self.requested_workers = workers
        self.concurrency = max(1, concurrency)
        self.workers = 0
        self._actors: list[Any] = []
        self._load: list[int] = []
        self._connected = False

    def __enter__(self) -> RayPool:
        ray = _ray()
        self._connected = connect(self.address)
        try:
            cpus = float(ray.cluster_resources().get("CPU", 1.0))
            self.workers = max(1, self.requested_workers or int(cpus) or 1)
            share = min(1.0, cpus / self.workers) if cpus else 0.0
            actor = ray.remote(ArticleReader).options(
                num_cpus=share,
                max_concurrency=self.concurrency,
                scheduling_strategy="SPREAD",
                max_restarts=3,  # a crashed worker comes back; its articles in flight are error rows
            )
            self._actors = [actor.remote(self.engine, self._settings) for _ in range(self.workers)]
            self._load = [0] * self.workers
            # an engine that cannot be built fails here, once, not as one error row per article
            ray.get(self._actors[0].describe.remote())
        except BaseException as exc:
            self.__exit__(None, None, None)
            if isinstance(exc, Exception) and not isinstance(exc, SummarizerError):
                raise ConfigError(f"Ray workers could not start: {_one_line(exc)}") from None
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        ray = _ray()
        for actor in self._actors:
            with contextlib.suppress(Exception):  # already gone
                ray.kill(actor)
        self._actors = []
        if self._connected:
            ray.shutdown()
            self._connected = False

    async def asummarize(self, article: Article) -> ArticleSummary:
        """The summary of one article, read by the least busy actor."""
        index = min(range(len(self._actors)), key=self._load.__getitem__)
        self._load[index] += 1
        try:
            result = await self._actors[index].read.remote(article)
        finally:
            self._load[index] -= 1
        if isinstance(result, Exception):
            raise result
        if not isinstance(result, ArticleSummary):
            raise TypeError(f"a Ray worker answered {type(result).__name__}, not a summary")
        return result


def run_ray_batch(
    inputs: Iterable[str],
    output: Path,
    *,
    address: str = "local",
    workers: int | None = None,
    engine: str = "auto",
    settings: dict[str, Any] | None = None,
    concurrency: int = 8,
    cache: Any = None,
    resume: bool = True,
    progress: bool | None = None,
    warn: Callable[[str], None] | None = None,
) -> BatchStats:
    """`summarizer.batch.run_batch` with the articles read on Ray: same inputs, output, error
    rows, resuming and cache (kept by this process). `concurrency` is per actor, `workers` the
    number of actors (default: the cluster's CPUs)."""
    chosen, worker_settings = engine_settings(engine, settings or {})
    with RayPool(
        address, engine=chosen, settings=worker_settings, workers=workers, concurrency=concurrency
    ) as pool:
        return run_batch(
            inputs,
            output,
            engine=chosen,
            settings=worker_settings,
            concurrency=pool.workers * pool.concurrency,
            cache=cache,
            resume=resume,
            progress=progress,
            warn=warn,
            remote=pool,
        )


# --------------------------------------------------------------------------- the Dataset face


def _plain(value: Any) -> Any:
    """A Dataset cell as JSON would have it: missing values dropped, dates as ISO dates."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # a numpy scalar
        value = value.item()
    if type(value).__name__ == "NaTType":
        return None
    if hasattr(value, "isoformat"):
        date = value.date() if hasattr(value, "date") and callable(value.date) else value
        return date.isoformat()
    return value


class DatasetReader:
    """The `map_batches` class of `summarize_dataset`: one ArticleReader and its own event loop
    (kept for the actor's life, so the connection pool is reused from batch to batch)."""

    def __init__(self, engine: str, settings: dict[str, Any], concurrency: int) -> None:
        self.reader = ArticleReader(engine, settings)
        self.concurrency = max(1, concurrency)
        self.loop = asyncio.new_event_loop()

    def __call__(self, batch: Any) -> dict[str, list[str | None]]:
        records = batch.to_dict("records")
        return self.loop.run_until_complete(self._rows(records))

    async def _rows(self, records: list[dict[str, Any]]) -> dict[str, list[str | None]]:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(number: int, record: dict[str, Any]) -> tuple[str, str | None, str | None]:
            fields = {k: v for k, v in ((k, _plain(v)) for k, v in record.items()) if v is not None}
            fallback = str(fields.get("id") or f"row{number}")
            try:
                article = from_mapping(fields, id=fallback, name=f"row {fallback}")
            except InputError as exc:
                return fallback, None, redact(str(exc))
            async with gate:
                result = await self.reader.read(article)
            if isinstance(result, ArticleSummary):
                return article.id, result.model_dump_json(), None
            if isinstance(result, SummarizerError):
                return article.id, None, redact(str(result))
            return article.id, None, redact(f"internal error: {type(result).__name__}: {result}")

        done = await asyncio.gather(*(one(n, r) for n, r in enumerate(records)))
        return {
            "id": [row[0] for row in done],
            "summary": [row[1] for row in done],
            "error": [row[2] for row in done],
        }


def summarize_dataset(
    dataset: Any,
    *,
    engine: str = "auto",
    workers: int | None = None,
    concurrency: int = 8,
    batch_size: int = 64,
    **settings: Any,
) -> Any:
    """A Ray Dataset of articles (columns `text`, and optionally `id`, `title`, `source`,
    `published`, as `summarize` reads a JSON article) to a Dataset of rows `{"id", "summary",
    "error"}`: `summary` the summary's JSON text, or `error` a one-line reason (a bad row or a
    failed article costs only itself).

        >>> import ray.data  # doctest: +SKIP
        >>> from summarizer.distributed import summarize_dataset
        >>> articles = ray.data.read_json("s3://bucket/articles/")  # doctest: +SKIP
        >>> summaries = summarize_dataset(articles, model="gpt-4o-mini")  # doctest: +SKIP
        >>> summaries.write_parquet("s3://bucket/summaries/")  # doctest: +SKIP

    `workers` readers (default: the cluster's CPUs), each `concurrency` articles at once;
    `settings` as `summarize` takes them (resolved here: a missing model fails now). No cache is
    used: a Dataset job has no one place to keep it (see the README).
    """
    ray = _ray()
    chosen, worker_settings = engine_settings(engine, settings)
    if not ray.is_initialized():
        ray.init(include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    cpus = float(ray.cluster_resources().get("CPU", 1.0))
    workers = max(1, workers or int(cpus))
    return dataset.map_batches(
        DatasetReader,
        fn_constructor_kwargs={"engine": chosen, "settings": worker_settings, "concurrency": concurrency},
        concurrency=workers,
        batch_size=batch_size,
        batch_format="pandas",
        num_cpus=min(1.0, cpus / workers),
    )
