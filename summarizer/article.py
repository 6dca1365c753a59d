"""An article and the ways one is read: a text file, standard input, or a JSON object.

Reading is strict on purpose: a summary is only as trustworthy as the text it points into, so
bytes that are not UTF-8, binary files, empty or oversized inputs are refused with one clear
line (`InputError`) instead of being guessed at.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from summarizer.errors import InputError

MAX_BYTES = 5_000_000
"""Largest article accepted (about 800,000 words): larger inputs are almost surely not one article."""

_HEADER = re.compile(r"\A\s*date[ \t]+(\d{4}-\d{1,2}-\d{1,2})\b\s*")
_JSON_FIELDS = {"text", "published", "title", "id", "source"}


@dataclass(frozen=True)
class Article:
    """One news article: its exact text and what is known about it.

    `text` is what every evidence offset counts into; it is never altered after reading.
    """

    text: str
    id: str = "article"
    published: dt.date | None = None
    title: str | None = None
    source: str | None = None
    extra: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the text as UTF-8: identifies the exact text a summary points into."""
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()


def parse_date(value: object, what: str = "published") -> dt.date | None:
    """Read an ISO date (YYYY-MM-DD, or the date part of a timestamp); None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise InputError(f"{what} must be a date like 2022-02-07, not {type(value).__name__}")
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date like 2022-02-07") from None


def split_header(text: str) -> tuple[dt.date | None, str]:
    """Split a leading `date YYYY-MM-DD` header (leading whitespace allowed) from the text."""
    match = _HEADER.match(text)
    if not match:
        return None, text
    return parse_date(match.group(1), "the date header"), text[match.end() :]


def decode(data: bytes, name: str) -> str:
    """Bytes to text, refusing what is not a UTF-8 text article."""
    if not data.strip():
        raise InputError(f"{name} is empty")
    if len(data) > MAX_BYTES:
        raise InputError(f"{name} is too large ({len(data):,} bytes; the limit is {MAX_BYTES:,})")
    if b"\x00" in data:
        raise InputError(f"{name} looks binary (it contains NUL bytes), not a text article")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not UTF-8 text (bad byte at offset {exc.start})") from None
    return text.removeprefix("\ufeff")


def from_text(
    raw: str,
    *,
    id: str = "article",
    published: dt.date | None = None,
    title: str | None = None,
    source: str | None = None,
) -> Article:
    """An article from raw text; a leading `date YYYY-MM-DD` header sets `published`."""
    header_date, text = split_header(raw)
    if not text.strip():
        raise InputError(f"{id}: the article has no text")
    return Article(text=text, id=id, published=published or header_date, title=title, source=source)


def parse_json(raw: str, name: str) -> object:
    """Parse JSON text, every way it can fail being one InputError line: malformed, nested too
    deeply for the parser (RecursionError), or a number too long to convert (ValueError)."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name} is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise InputError(f"{name} is not valid JSON (nested too deeply)") from None
    except ValueError as exc:  # int() refuses numbers of more than 4,300 digits
        raise InputError(f"{name} is not valid JSON ({str(exc).split(';')[0]})") from None


def _check_unicode(value: str, what: str) -> None:
    """Refuse a lone surrogate (JSON allows `\\ud800`): such a string is not text, cannot be
    written as UTF-8, and would fail later, in the cache key or the output writer."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            f"{what} holds a lone surrogate (\\u{ord(value[exc.start]):04x} at character {exc.start}), "
            "not valid Unicode text"
        ) from None


def from_json(raw: str, *, id: str = "article", name: str = "input") -> Article:
    """An article from a JSON object with `text` and optional published, title, id, source."""
    return from_mapping(parse_json(raw, name), id=id, name=name)


def from_mapping(obj: object, *, id: str = "article", name: str = "input") -> Article:
    """An article from an already-parsed JSON object."""
    if not isinstance(obj, dict):
        raise InputError(f"{name} must be a JSON object with a 'text' field")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{name} has no 'text' (a non-empty string is required)")
    _check_unicode(text, f"{name}: 'text'")
    for key in ("title", "source", "id"):
        value = obj.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise InputError(f"{name}: '{key}' must be a string")
        if isinstance(value, int) and abs(value) >= 10**50:
            raise InputError(f"{name}: '{key}' is a number of more than 50 digits, not an id")
        if isinstance(value, str):
            _check_unicode(value, f"{name}: '{key}'")
    article = from_text(
        text,
        id=str(obj["id"]) if obj.get("id") is not None else id,
        published=parse_date(obj.get("published"), f"{name}: 'published'"),
        title=obj.get("title"),
        source=obj.get("source"),
    )
    extra = {k: v for k, v in obj.items() if k not in _JSON_FIELDS}
    return replace(article, extra=extra) if extra else article


def _looks_like_json(path: Path | None, raw: str) -> bool:
    if path is not None and path.suffix.lower() == ".jsonl":
        raise InputError(f"{path} holds many articles (JSON Lines): use `summarizer batch {path}`")
    if path is not None and path.suffix.lower() == ".json":
        return True
    if path is not None and path.suffix.lower() in {".txt", ".text", ".md"}:
        return False
    return raw.lstrip().startswith("{")


def from_bytes(data: bytes, *, name: str, path: Path | None = None, id: str) -> Article:
    """An article from the bytes of a file or of standard input."""
    raw = decode(data, name)
    if _looks_like_json(path, raw):
        return from_json(raw, id=id, name=name)
    return from_text(raw, id=id)


def read_path(path: Path) -> Article:
    """Read one article file (text, or JSON when it ends in .json or starts with '{')."""
    try:
        if path.is_dir():
            raise InputError(f"{path} is a folder, not an article file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"{path} is too large ({size:,} bytes; the limit is {MAX_BYTES:,})")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return from_bytes(data, name=str(path), path=path, id=path.stem)
