"""The SQLite cache and call log, on real files in tmp_path: keys, round trips, usage and costs."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from summarizer.cache import (
    Cache,
    UsageRow,
    cache_key,
    default_cache_path,
    estimate_cost,
    format_usage,
)
from summarizer.errors import ConfigError

KEY_PARTS: dict[str, str | None] = {
    "text_sha256": "a" * 64,
    "engine": "llm",
    "model": "gpt-4o-mini",
    "prompt_version": "0123456789abcdef",
    "schema_version": "1.1",
    "mode": "json_schema",
    "published": "2022-02-05",
}


@pytest.fixture(autouse=True)
def _no_price_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUMMARIZER_PRICES", raising=False)


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Cache]:
    with Cache(tmp_path / "cache.sqlite3") as opened:
        yield opened


def _log(cache: Cache, model: str | None, prompt: int, completion: int, **kwargs: object) -> None:
    call = {"engine": "llm", "article_id": "a1", "latency_s": 1.0, "ok": True, "cached": False}
    call.update(kwargs)
    cache.log_call(model=model, prompt_tokens=prompt, completion_tokens=completion, **call)


# --------------------------------------------------------------------------- keys


def test_cache_key_is_stable_for_equal_parts() -> None:
    assert cache_key(**KEY_PARTS) == cache_key(**dict(reversed(list(KEY_PARTS.items()))))


def test_cache_key_is_hex_sha256() -> None:
    key = cache_key(**KEY_PARTS)
    assert len(key) == 64 and int(key, 16) >= 0


@pytest.mark.parametrize("part", sorted(KEY_PARTS))
def test_cache_key_changes_when_any_part_changes(part: str) -> None:
    changed = {**KEY_PARTS, part: f"{KEY_PARTS[part]}-changed"}
    assert cache_key(**changed) != cache_key(**KEY_PARTS)


@pytest.mark.parametrize("part", ["model", "prompt_version", "mode", "published"])
def test_cache_key_distinguishes_none_from_a_value(part: str) -> None:
    assert cache_key(**{**KEY_PARTS, part: None}) != cache_key(**KEY_PARTS)


# --------------------------------------------------------------------------- summaries


def test_put_then_get_returns_identical_text(cache: Cache) -> None:
    text = '{"summary": "Xi met Putin — “a friend”.\\n",  "x": 1.50, "名": "習近平"}\r\n  '
    cache.put("k", text, model="gpt-4o-mini", article_id="a1")
    assert cache.get("k") == text


def test_get_of_unknown_key_returns_none(cache: Cache) -> None:
    assert cache.get("missing") is None


def test_put_again_replaces_the_entry(cache: Cache) -> None:
    cache.put("k", "{}", model=None, article_id="a1")
    cache.put("k", '{"v": 2}', model=None, article_id="a1")
    assert cache.get("k") == '{"v": 2}'


def test_entries_persist_across_cache_instances(tmp_path: Path) -> None:
    with Cache(tmp_path / "c.sqlite3") as first:
        first.put("k", '{"a": 1}', model="gpt-4o", article_id="a1")
        _log(first, "gpt-4o", 10, 5)
    with Cache(tmp_path / "c.sqlite3") as second:
        assert second.get("k") == '{"a": 1}'
        assert [row.calls for row in second.usage()] == [1]


def test_cache_creates_missing_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "cache.sqlite3"
    with Cache(str(path)) as opened:
        assert opened.path == path
    assert path.is_file()


def test_file_is_in_wal_mode_with_a_layout_version(cache: Cache) -> None:
    with sqlite3.connect(cache.path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] >= 1


def test_a_thousand_entries_all_come_back(cache: Cache) -> None:
    # speed is measured by bench/components.py, not asserted here
    for i in range(1000):
        cache.put(f"key{i}", f'{{"i": {i}}}', model="gpt-4o-mini", article_id=str(i))
    hits = [cache.get(f"key{i}") for i in range(1000)]
    assert hits == [f'{{"i": {i}}}' for i in range(1000)]


def test_write_after_close_is_a_programming_error(tmp_path: Path) -> None:
    opened = Cache(tmp_path / "c.sqlite3")
    opened.close()
    opened.close()
    with pytest.raises(sqlite3.ProgrammingError):
        opened.get("k")


# --------------------------------------------------------------------------- call log and usage


def test_usage_aggregates_calls_per_model_with_cost(cache: Cache) -> None:
    _log(cache, "gpt-4o-mini", 1_000_000, 0, latency_s=2.0)
    _log(cache, "gpt-4o-mini", 500_000, 1_000_000, latency_s=4.0, ok=False, error="timeout")
    _log(cache, "gpt-4o", 200_000, 10_000, latency_s=3.0)
    rows = {row.model: row for row in cache.usage()}
    mini = rows["gpt-4o-mini"]
    assert (mini.calls, mini.cached, mini.failed) == (2, 0, 1)
    assert (mini.prompt_tokens, mini.completion_tokens) == (1_500_000, 1_000_000)
    assert mini.latency_s == pytest.approx(6.0) and mini.mean_latency_s == pytest.approx(3.0)
    assert mini.cost_usd == pytest.approx(0.225 + 0.60)  # 1.5M x $0.15 + 1M x $0.60
    assert rows["gpt-4o"].cost_usd == pytest.approx(0.50 + 0.10)  # 0.2M x $2.50 + 0.01M x $10


def test_cache_hits_count_as_calls_but_spend_no_tokens(cache: Cache) -> None:
    _log(cache, "gpt-4o-mini", 1_000_000, 0, latency_s=2.0)
    _log(cache, "gpt-4o-mini", 1_000_000, 0, latency_s=0.001, cached=True)
    (row,) = cache.usage()
    assert (row.calls, row.cached, row.requests) == (2, 1, 1)
    assert row.prompt_tokens == 1_000_000 and row.cost_usd == pytest.approx(0.15)
    assert row.mean_latency_s == pytest.approx(2.0)


def test_calls_without_a_model_are_grouped_by_engine(cache: Cache) -> None:
    _log(cache, None, 0, 0, engine="rules")
    (row,) = cache.usage()
    assert row.model == "(rules)" and row.cost_usd is None


def test_usage_since_leaves_out_older_calls(cache: Cache) -> None:
    now = datetime.now(timezone.utc)
    _log(cache, "gpt-4o", 100, 0, at=now - timedelta(days=2))
    _log(cache, "gpt-4o", 200, 0, at=now)
    (row,) = cache.usage(since=now - timedelta(days=1))
    assert (row.calls, row.prompt_tokens) == (1, 200)
    assert cache.usage(since=now + timedelta(seconds=1)) == []


def test_usage_since_compares_instants_across_time_zones(cache: Cache) -> None:
    moment = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
    _log(cache, "gpt-4o", 100, 0, at=moment)
    paris = timezone(timedelta(hours=1))
    assert cache.usage(since=datetime(2025, 3, 1, 13, 0, tzinfo=paris))[0].calls == 1
    assert cache.usage(since=datetime(2025, 3, 1, 13, 1, tzinfo=paris)) == []


def test_log_timestamps_are_utc_iso_text(cache: Cache) -> None:
    _log(cache, "gpt-4o", 1, 1, at=datetime(2025, 3, 1, 13, 0, tzinfo=timezone(timedelta(hours=1))))
    with sqlite3.connect(cache.path) as raw:
        (ts,) = raw.execute("SELECT ts FROM calls").fetchone()
    assert ts == "2025-03-01T12:00:00.000000+00:00"


def test_logged_errors_are_one_line_without_api_keys(cache: Cache) -> None:
    _log(cache, "gpt-4o", 0, 0, ok=False, error="401: bad key sk-abcdefghijklmnop\nAuthorization: Bearer xyz")
    with sqlite3.connect(cache.path) as raw:
        (error,) = raw.execute("SELECT error FROM calls").fetchone()
    assert "sk-abc" not in error and "xyz" not in error and "\n" not in error
    assert error.startswith("401: bad key [redacted]")


# --------------------------------------------------------------------------- prices


def test_million_prompt_tokens_of_gpt_4o_mini_cost_fifteen_cents() -> None:
    assert estimate_cost("gpt-4o-mini", 1_000_000, 0) == pytest.approx(0.15)
    assert estimate_cost("gpt-4.1-nano", 0, 1_000_000) == pytest.approx(0.40)


def test_unknown_or_missing_model_has_no_cost() -> None:
    assert estimate_cost("llama3.1:8b", 1_000, 1_000) is None
    assert estimate_cost(None, 1_000, 1_000) is None


def test_dated_model_is_priced_as_its_base_model() -> None:
    assert estimate_cost("gpt-4o-mini-2024-07-18", 1_000_000, 0) == pytest.approx(0.15)
    assert estimate_cost("gpt-4o-2024-08-06", 1_000_000, 0) == pytest.approx(2.50)
    assert estimate_cost("gpt-3.5-turbo-0125", 1_000_000, 0) == pytest.approx(0.50)


def test_other_variants_of_a_model_are_not_guessed() -> None:
    assert estimate_cost("gpt-4o-audio-preview", 1_000_000, 0) is None


def test_prices_file_overrides_and_adds_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"gpt-4o-mini": [1, 2], "My-Local": [0.0, 0.5]}), encoding="utf-8")
    monkeypatch.setenv("SUMMARIZER_PRICES", str(prices))
    assert estimate_cost("gpt-4o-mini-2024-07-18", 1_000_000, 1_000_000) == pytest.approx(3.0)
    assert estimate_cost("my-local", 0, 2_000_000) == pytest.approx(1.0)
    assert estimate_cost("gpt-4o", 1_000_000, 0) == pytest.approx(2.50)


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"m": [1]}', '{"m": [-1, 2]}', '{"m": "cheap"}'])
def test_bad_prices_file_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(content, encoding="utf-8")
    monkeypatch.setenv("SUMMARIZER_PRICES", str(prices))
    with pytest.raises(ConfigError, match="prices file"):
        estimate_cost("gpt-4o", 1, 1)


def test_missing_prices_file_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_PRICES", str(tmp_path / "nope.json"))
    with pytest.raises(ConfigError, match="cannot be read"):
        estimate_cost("gpt-4o", 1, 1)


# --------------------------------------------------------------------------- paths and bad files


def test_default_path_honours_summarizer_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE", str(tmp_path / "mine.db"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_path() == tmp_path / "mine.db"


def test_default_path_honours_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUMMARIZER_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_path() == tmp_path / "xdg" / "summarizer" / "cache.sqlite3"


def test_default_path_falls_back_to_home_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUMMARIZER_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_cache_path() == tmp_path / ".cache" / "summarizer" / "cache.sqlite3"


def test_cache_without_path_opens_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE", str(tmp_path / "env.sqlite3"))
    with Cache() as opened:
        assert opened.path == tmp_path / "env.sqlite3"


def test_corrupt_file_raises_config_error_with_one_line_message(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"this is not a database\n" * 200)
    with pytest.raises(ConfigError) as caught:
        Cache(path)
    message = str(caught.value)
    assert message.startswith(f"cache file {path} is not a SQLite database: ")
    assert "\n" not in message


def test_folder_in_place_of_the_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "cache.sqlite3").mkdir()
    with pytest.raises(ConfigError, match="cannot be used"):
        Cache(tmp_path / "cache.sqlite3")


def test_file_of_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Cache(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version=99")
    with pytest.raises(ConfigError, match="newer summarizer"):
        Cache(path)


def test_another_applications_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA application_id=42")
    with pytest.raises(ConfigError, match="another application"):
        Cache(path)


# --------------------------------------------------------------------------- several processes

WRITES_PER_PROCESS = 200


def _write_many(path: str, worker: int) -> None:
    with Cache(path) as opened:
        for i in range(WRITES_PER_PROCESS):
            opened.put(f"{worker}-{i}", f'{{"w": {worker}, "i": {i}}}', model="gpt-4o", article_id=str(i))
            opened.log_call(
                model="gpt-4o",
                engine="llm",
                article_id=str(i),
                prompt_tokens=10,
                completion_tokens=1,
                latency_s=0.5,
                ok=True,
                cached=False,
            )


def test_processes_writing_concurrently_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite3")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_many, args=(path, n)) for n in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=60)
    assert [p.exitcode for p in workers] == [0, 0, 0, 0]
    with Cache(path) as opened:
        (row,) = opened.usage()
        assert (row.calls, row.prompt_tokens) == (4 * WRITES_PER_PROCESS, 40 * WRITES_PER_PROCESS)
        assert all(opened.get(f"{n}-{i}") == f'{{"w": {n}, "i": {i}}}' for n in range(4) for i in (0, 199))
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT COUNT(*) FROM summaries").fetchone()[0] == 4 * WRITES_PER_PROCESS


# --------------------------------------------------------------------------- report


def _row(model: str, cost: float | None, **kwargs: int | float) -> UsageRow:
    fields = {"calls": 2, "cached": 0, "failed": 0, "prompt_tokens": 1000, "completion_tokens": 100}
    fields.update({"latency_s": 3.0, **kwargs})
    return UsageRow(model=model, cost_usd=cost, **fields)


def test_format_usage_shows_na_for_unknown_cost_and_a_total_line() -> None:
    text = format_usage([_row("gpt-4o-mini", 0.15), _row("llama3", None, calls=3, cached=2, latency_s=1.0)])
    lines = text.splitlines()
    assert lines[0].split()[:2] == ["model", "calls"]
    llama = next(line for line in lines if line.startswith("llama3")).split()
    assert llama[-2:] == ["1.00s", "n/a"]
    total = lines[-1].split()
    assert total[:6] == ["total", "5", "2", "0", "2,000", "200"]
    assert total[-4] == "1.33s"  # 4 s over 3 requests
    assert " ".join(total[-3:]) == "$0.1500 + n/a"  # the known costs, marked incomplete


def test_format_usage_shows_na_latency_when_every_call_was_a_hit() -> None:
    line = format_usage([_row("gpt-4o", 0.0, cached=2, latency_s=0.0)]).splitlines()[2]
    assert line.split()[-2:] == ["n/a", "$0.0000"]


def test_format_usage_total_of_known_costs() -> None:
    text = format_usage([_row("gpt-4o", 0.5), _row("gpt-4o-mini", 0.25)])
    assert text.splitlines()[-1].split()[-1] == "$0.7500"


def test_format_usage_of_an_empty_log() -> None:
    assert format_usage([]) == "No calls logged."


def test_request_options_that_change_the_answer_change_the_key():
    from summarizer.cache import cache_key

    base = dict(text_sha256="0" * 64, engine="llm", model="m", prompt_version="p", schema_version="1.2")
    keys = {
        cache_key(**base),
        cache_key(**base, options={"strict": True, "max_output_tokens": None}),
        cache_key(**base, options={"strict": False, "max_output_tokens": None}),
        cache_key(**base, options={"strict": True, "max_output_tokens": 256}),
    }
    assert len(keys) == 4
    assert cache_key(**base, options={"strict": True}) == cache_key(**base, options={"strict": True})
