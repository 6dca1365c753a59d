"""Reading gold files and predictions (JSON, JSONL, folders of them) with one-line errors."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from summarizer.errors import InputError

Json = dict[str, Any]


class EvalInputError(InputError, ValueError):
    """A gold or prediction file cannot be read: the message names the file (and line)."""


# --------------------------------------------------------------------------- loading


class PredictionSet(dict[str, Json]):
    """Predictions keyed by article id, remembering the error rows the loader skipped.

    Error rows (`{"id": ..., "error": ...}` without `article`) are what a batch run writes for
    an article it could not summarise; they are not predictions, but a report should say how
    many there were.
    """

    def __init__(self) -> None:
        super().__init__()
        self.error_ids: list[str] = []

    @property
    def error_rows(self) -> int:
        return len(self.error_ids)


def _read_jsonl(path: Path) -> Iterator[tuple[str, object]]:
    """Yield (location, parsed value) for each non-blank line, failing with file and line."""
    with _open(path) as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                yield where, json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalInputError(f"{where}: malformed JSON: {exc.msg} (column {exc.colno})") from exc


def _read_json(path: Path) -> Iterator[tuple[str, object]]:
    """Yield the object of a .json file, or each element when it holds a list of objects."""
    with _open(path) as handle:
        try:
            value = json.load(handle)
        except json.JSONDecodeError as exc:
            raise EvalInputError(
                f"{path}:{exc.lineno}: malformed JSON: {exc.msg} (column {exc.colno})"
            ) from exc
    if isinstance(value, list):
        for index, element in enumerate(value):
            yield f"{path}[{index}]", element
    else:
        yield str(path), value


def _open(path: Path) -> TextIO:
    """Open as UTF-8 (a byte-order mark is tolerated) or explain why the file is unreadable."""
    try:
        return path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise EvalInputError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _rows(path: Path) -> Iterator[tuple[str, object]]:
    """Rows of a JSONL file, a .json file, or every *.json / *.jsonl file of a folder."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in {".json", ".jsonl"})
        if not files:
            raise EvalInputError(f"{path}: folder holds no *.json or *.jsonl file")
        for file in files:
            yield from _rows(file)
    elif not path.exists():
        raise EvalInputError(f"{path}: no such file or folder")
    elif path.suffix == ".json":
        yield from _read_json(path)
    else:
        yield from _read_jsonl(path)


def _as_object(row: object, where: str) -> Json:
    """Every row must be a JSON object."""
    if not isinstance(row, dict):
        raise EvalInputError(f"{where}: expected a JSON object, got {type(row).__name__}")
    return row


def _article_id(row: Json, where: str) -> str:
    """The row's `article.id`, which both gold and summaries carry."""
    article = row.get("article")
    article_id = article.get("id") if isinstance(article, Mapping) else None
    if not isinstance(article_id, str) or not article_id:
        raise EvalInputError(f"{where}: no article.id")
    return article_id


def _is_error_row(row: Json) -> bool:
    return "error" in row and "article" not in row


def _store(into: dict[str, Json], article_id: str, row: Json, where: str) -> None:
    """Refuse a second row for one article: silently keeping either would hide a mistake."""
    if article_id in into:
        raise EvalInputError(f"{where}: article {article_id!r} appears twice")
    into[article_id] = row


def load_gold(path: str | Path) -> dict[str, Json]:
    """Read a gold JSONL file into a dict keyed by `article.id`, in file order."""
    gold: dict[str, Json] = {}
    for where, value in _rows(Path(path)):
        row = _as_object(value, where)
        _store(gold, _article_id(row, where), row, where)
    return gold


def load_predictions(path: str | Path) -> PredictionSet:
    """Read summaries from a JSONL file, a .json file, or a folder of *.json / *.jsonl files.

    Error rows are skipped and remembered in `error_ids`; any other row must carry `article.id`.
    """
    predictions = PredictionSet()
    for where, value in _rows(Path(path)):
        row = _as_object(value, where)
        if _is_error_row(row):
            predictions.error_ids.append(str(row.get("id", "")))
            continue
        _store(predictions, _article_id(row, where), row, where)
    return predictions
