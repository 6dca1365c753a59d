"""The on-disk cache of summaries and the log of engine calls, in one SQLite file.

Users summarize thousands of articles and re-run the same batches: a summary already made with
the same article, engine, model, prompts and schema is returned from here, so a second run makes
no request. Every call is also logged (tokens, latency, outcome), which is what
`summarizer usage` reports, with an estimated cost per model.

Design notes:

* stdlib `sqlite3` only, in WAL mode with a busy timeout, so several processes may append to the
  same file at once; every write commits at once (autocommit), so a killed batch keeps what it
  wrote. `synchronous=NORMAL` keeps that promise for a killed process (only a power cut may lose
  the last commits) while keeping a commit cheap;
* the file's layout is versioned with `PRAGMA user_version`: `_MIGRATIONS[n]` takes a file from
  version n to n + 1, so a future change adds a step instead of breaking old caches;
* summaries are stored as the exact JSON text given, so a hit returns the same bytes;
* nothing here takes an API key, and error texts are scrubbed of anything that looks like one;
* every SQLite failure becomes a one-line `ConfigError` naming the file, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

from summarizer.credentials import redact
from summarizer.errors import ConfigError

BUSY_TIMEOUT_S = 10.0
"""How long a writer waits for another process's write to finish before giving up."""

_APPLICATION_ID = 0x53554D4D  # "SUMM": marks the file as ours, so another app's database is refused
_ERROR_MAX_CHARS = 500

_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 0 -> 1: the first layout.
    (
        """CREATE TABLE summaries (
            key TEXT PRIMARY KEY,
            summary_json TEXT NOT NULL,
            model TEXT,
            article_id TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE calls (
            id INTEGER PRIMARY KEY,
            ts TEXT NOT NULL,
            model TEXT,
            engine TEXT NOT NULL,
            article_id TEXT NOT NULL,
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            latency_s REAL NOT NULL,
            ok INTEGER NOT NULL,
            cached INTEGER NOT NULL,
            error TEXT
        )""",
        "CREATE INDEX calls_ts ON calls (ts)",
    ),
)
LAYOUT_VERSION = len(_MIGRATIONS)
"""The layout this code writes; a file with a higher `user_version` was made by a newer release."""


# --------------------------------------------------------------------------- prices

# List prices in USD per 1M tokens (input, output), as known to the project when this was written.
# They may be out of date: override or add models with a JSON file named by $SUMMARIZER_PRICES,
# e.g. {"gpt-4o-mini": [0.15, 0.60]}. Models not listed (local servers...) have no cost ("n/a").
PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "o4-mini": (1.10, 4.40),
    "gpt-3.5-turbo": (0.50, 1.50),
}

_DATED_SUFFIX = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{4})$")
"""A snapshot suffix: gpt-4o-mini-2024-07-18, gpt-3.5-turbo-0125. Other suffixes (-audio-preview,
-search-preview...) are different products with different prices, so they are not matched."""


def prices() -> dict[str, tuple[float, float]]:
    """The built-in prices, overridden and extended by the $SUMMARIZER_PRICES file if set.

    Read on every call, so a corrected file takes effect without a restart (it is small).
    """
    table = dict(PRICES_PER_MILLION)
    path = os.environ.get("SUMMARIZER_PRICES")
    if path:
        table.update(_read_prices_file(Path(path)))
    return table


def _read_prices_file(path: Path) -> dict[str, tuple[float, float]]:
    """Parse {"model": [input, output]}; a bad file is a configuration error, not a crash."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"prices file {path} cannot be read: {_one_line(str(exc))}") from None
    if not isinstance(data, dict):
        raise ConfigError(f'prices file {path} must hold a JSON object {{"model": [input, output]}}')
    return {str(model).lower(): _price_pair(path, str(model), pair) for model, pair in data.items()}


def _price_pair(path: Path, model: str, pair: object) -> tuple[float, float]:
    """Check one entry: two non-negative numbers, USD per 1M input and output tokens."""
    if not isinstance(pair, list) or len(pair) != 2 or not all(_is_price(p) for p in pair):
        raise ConfigError(
            f"prices file {path}: {model!r} must be [input, output], USD per 1M tokens, e.g. [0.15, 0.6]"
        )
    return float(pair[0]), float(pair[1])


def _is_price(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def model_price(model: str | None) -> tuple[float, float] | None:
    """The (input, output) price of `model`, matching dated snapshots to their base model."""
    if not model:
        return None
    table = prices()
    name = model.lower()
    if name in table:
        return table[name]
    base = _DATED_SUFFIX.sub("", name)
    return table.get(base) if base != name else None


def estimate_cost(model: str | None, prompt_tokens: int, completion_tokens: int) -> float | None:
    """Estimated USD cost of the tokens at list price; None when the model's price is unknown."""
    price = model_price(model)
    if price is None:
        return None
    return (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000


# --------------------------------------------------------------------------- keys and paths


def default_cache_path() -> Path:
    """$SUMMARIZER_CACHE, else $XDG_CACHE_HOME/summarizer/cache.sqlite3, else ~/.cache/...

    Follows the XDG convention so the cache lands where users expect to find and clear caches.
    """
    explicit = os.environ.get("SUMMARIZER_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    root = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return root / "summarizer" / "cache.sqlite3"


def cache_key(
    *,
    text_sha256: str,
    engine: str,
    model: str | None,
    prompt_version: str | None,
    schema_version: str,
    mode: str | None = None,
    published: str | None = None,
    options: dict[str, object] | None = None,
) -> str:
    """Hex SHA-256 over a canonical JSON of everything that can change a summary.

    `published` is part of it because relative dates ("on Saturday") resolve against it; the
    prompt and schema versions are, so that editing a prompt or the schema invalidates old entries;
    `options` are the request settings that change what the model may answer (strict structured
    outputs, an output limit the user set).
    """
    parts = {
        "options": options or {},
        "engine": engine,
        "mode": mode,
        "model": model,
        "prompt_version": prompt_version,
        "published": published,
        "schema_version": schema_version,
        "text_sha256": text_sha256,
    }
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- usage rows


@dataclass(frozen=True)
class UsageRow:
    """What one model cost over the logged calls.

    `calls` counts every logged call, cache hits and failures included. Tokens and latency count
    only real requests (calls that were not cache hits): a hit costs nothing, even if its caller
    logged the original summary's tokens. `latency_s` is the *total* over those requests; see
    `mean_latency_s`. Failed requests count: their tokens were billed all the same.
    """

    model: str
    calls: int
    cached: int
    failed: int
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    cost_usd: float | None

    @property
    def requests(self) -> int:
        """Calls that reached the model, i.e. were not answered from the cache."""
        return self.calls - self.cached

    @property
    def mean_latency_s(self) -> float | None:
        """Mean seconds per request; None when every call was a cache hit."""
        return self.latency_s / self.requests if self.requests else None


# --------------------------------------------------------------------------- the cache


def _utc_iso(moment: datetime | None = None) -> str:
    """Fixed-width UTC ISO text, so that string order is time order in SQL comparisons.

    A naive datetime is taken to be UTC already.
    """
    moment = moment or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL, retrying while another process holds it.

    Changing the journal mode does not wait on the busy timeout: SQLite answers "database is
    locked" at once when several processes open a new file together, so we wait here instead.
    Once a file is in WAL mode it stays so, and this returns at the first try.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _scrub(error: str | None) -> str | None:
    """One line, bounded, and without anything that looks like an API key."""
    if error is None:
        return None
    return redact(_one_line(error))[:_ERROR_MAX_CHARS]


class Cache:
    """A summary cache and call log in one SQLite file; use as a context manager or call close().

    One connection per instance; a lock serializes its use, so a coroutine handing a call to a
    worker thread is safe. Several processes may share the file.
    """

    path: Path

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_cache_path()
        self._lock = threading.Lock()
        self._conn = self._connect()

    # -- opening

    def _connect(self) -> sqlite3.Connection:
        """Open the file, create or migrate its tables; every failure is a ConfigError."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cache folder {self.path.parent} cannot be created: {exc.strerror}") from None
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            _enable_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            self._migrate(conn)
        except (sqlite3.Error, ConfigError) as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, sqlite3.Error):
                raise self._config_error(exc) from None
            raise
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Bring the file to LAYOUT_VERSION in one write transaction, safe against racing processes."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = self._check_identity(conn)
            for step in _MIGRATIONS[version:]:
                for statement in step:
                    conn.execute(statement)
            if version < LAYOUT_VERSION:
                conn.execute(f"PRAGMA application_id={_APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version={LAYOUT_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _check_identity(self, conn: sqlite3.Connection) -> int:
        """The file's layout version, after refusing another application's or a newer release's file."""
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id not in (0, _APPLICATION_ID):
            raise ConfigError(
                f"cache file {self.path} belongs to another application (application_id {app_id})"
            )
        if version > LAYOUT_VERSION:
            raise ConfigError(
                f"cache file {self.path} was written by a newer summarizer (layout {version}, "
                f"this one reads {LAYOUT_VERSION}): upgrade, or use another cache file"
            )
        return version

    def _config_error(self, exc: sqlite3.Error) -> Exception:
        """Say in one line what is wrong with the file; programming errors stay as they are."""
        message = _one_line(str(exc))
        if type(exc) is sqlite3.DatabaseError:  # SQLITE_NOTADB, SQLITE_CORRUPT
            return ConfigError(f"cache file {self.path} is not a SQLite database: {message}")
        if isinstance(exc, sqlite3.OperationalError):  # cannot open, locked, disk full, read-only
            return ConfigError(f"cache file {self.path} cannot be used: {message}")
        return exc

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """The connection, used by one caller at a time, with SQLite errors turned into ConfigError."""
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise self._config_error(exc) from None

    # -- summaries

    def get(self, key: str) -> str | None:
        """The summary JSON stored under `key`, exactly as it was put; None on a miss."""
        with self._db() as conn:
            row = conn.execute("SELECT summary_json FROM summaries WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, summary_json: str, *, model: str | None, article_id: str) -> None:
        """Store (or replace) the summary under `key`; committed before returning."""
        with self._db() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO summaries (key, summary_json, model, article_id, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (key, summary_json, model, article_id, _utc_iso()),
            )

    # -- call log

    def log_call(
        self,
        *,
        model: str | None,
        engine: str,
        article_id: str,
        prompt_tokens: int,
        completion_tokens: int,
        latency_s: float,
        ok: bool,
        cached: bool,
        error: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Append one call to the log; `at` (default: now) is stored as UTC ISO text.

        `error` is kept to one scrubbed line: it is for the user reading the log, and must never
        carry a key that a server echoed back.
        """
        with self._db() as conn:
            conn.execute(
                "INSERT INTO calls (ts, model, engine, article_id, prompt_tokens, completion_tokens, "
                "latency_s, ok, cached, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    _utc_iso(at),
                    model,
                    engine,
                    article_id,
                    int(prompt_tokens),
                    int(completion_tokens),
                    float(latency_s),
                    int(ok),
                    int(cached),
                    _scrub(error),
                ),
            )

    def usage(self, *, since: datetime | None = None) -> list[UsageRow]:
        """Totals per model, sorted by model name, over calls logged at or after `since`.

        Calls without a model (the offline engine) are grouped as "(<engine>)", e.g. "(rules)".
        A naive `since` is taken to be UTC. Costs use today's price table.
        """
        sql = """
            SELECT COALESCE(model, '(' || engine || ')') AS label,
                   COUNT(*),
                   SUM(cached),
                   SUM(1 - ok),
                   SUM(CASE WHEN cached THEN 0 ELSE prompt_tokens END),
                   SUM(CASE WHEN cached THEN 0 ELSE completion_tokens END),
                   SUM(CASE WHEN cached THEN 0.0 ELSE latency_s END)
            FROM calls WHERE ts >= ? GROUP BY label ORDER BY label
        """
        floor = _utc_iso(since) if since is not None else ""
        with self._db() as conn:
            rows = conn.execute(sql, (floor,)).fetchall()
        return [_usage_row(*row) for row in rows]

    # -- lifetime

    def close(self) -> None:
        """Close the connection; calling it twice is harmless."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _usage_row(
    model: str, calls: int, cached: int, failed: int, prompt: int, completion: int, latency: float
) -> UsageRow:
    return UsageRow(
        model=model,
        calls=calls,
        cached=cached,
        failed=failed,
        prompt_tokens=prompt,
        completion_tokens=completion,
        latency_s=latency,
        cost_usd=estimate_cost(model, prompt, completion),
    )


# --------------------------------------------------------------------------- report

_HEADERS = ("model", "calls", "cached", "failed", "prompt tok", "completion tok", "mean latency", "est. cost")


def _format_cost(cost: float | None) -> str:
    return "n/a" if cost is None else f"${cost:,.4f}"


def _format_latency(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds:.2f}s"


def _cells(row: UsageRow) -> tuple[str, ...]:
    return (
        row.model,
        f"{row.calls:,}",
        f"{row.cached:,}",
        f"{row.failed:,}",
        f"{row.prompt_tokens:,}",
        f"{row.completion_tokens:,}",
        _format_latency(row.mean_latency_s),
        _format_cost(row.cost_usd),
    )


def _total_cells(rows: list[UsageRow]) -> tuple[str, ...]:
    """The total line: the cost sums the known costs, marked "+ n/a" when some are unknown."""
    total = UsageRow(
        model="total",
        calls=sum(r.calls for r in rows),
        cached=sum(r.cached for r in rows),
        failed=sum(r.failed for r in rows),
        prompt_tokens=sum(r.prompt_tokens for r in rows),
        completion_tokens=sum(r.completion_tokens for r in rows),
        latency_s=sum(r.latency_s for r in rows),
        cost_usd=None,
    )
    known = [r.cost_usd for r in rows if r.cost_usd is not None]
    cost = _format_cost(sum(known)) if known else "n/a"
    if known and len(known) < len(rows):
        cost += " + n/a"
    return (*_cells(total)[:-1], cost)


def format_usage(rows: list[UsageRow]) -> str:
    """A plain-text table, one line per model and a total line; readable in any terminal or log."""
    if not rows:
        return "No calls logged."
    body = [_cells(r) for r in rows]
    table = [_HEADERS, *body, _total_cells(rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(_HEADERS))]

    def render(cells: tuple[str, ...]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join((first, *rest)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([render(_HEADERS), rule, *(render(c) for c in body), rule, render(table[-1])])
