"""Tie what an engine says to the exact words of the article.

Two uses:

* while the LLM answers, the draft models' validators call `evidence_error` and `quote_error`;
  the article they check against is set for the duration of one request by
  `grounding_context`, so the validators need no Jinja context from instructor (whose
  templating would rewrite an article containing `{{ ... }}`);
* after any engine, `locate` turns a passage into character offsets in the original text.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
from collections.abc import Iterator

_ARTICLE: contextvars.ContextVar[str | None] = contextvars.ContextVar("article", default=None)

_SHOWN = 160  # how much of a passage an error message repeats back to the model


@contextlib.contextmanager
def grounding_context(text: str) -> Iterator[None]:
    """Make `text` the article the draft validators check against (task- and thread-local)."""
    token = _ARTICLE.set(text)
    try:
        yield
    finally:
        _ARTICLE.reset(token)


def _clip(s: str) -> str:
    return s if len(s) <= _SHOWN else s[: _SHOWN - 3] + "..."


def closest_passage(text: str, passage: str) -> str | None:
    """The stretch of `text` most like `passage`, for telling the model what it should have copied."""
    if not passage or not text:
        return None
    matcher = difflib.SequenceMatcher(None, text, passage, autojunk=False)
    match = matcher.find_longest_match(0, len(text), 0, len(passage))
    if match.size < 8:
        return None
    start = max(0, match.a - match.b)
    end = min(len(text), start + len(passage))
    return text[start:end]


def _not_found(label: str, passage: str, text: str) -> str:
    message = f"{label} {_clip(passage)!r} is not in the article."
    near = closest_passage(text, passage)
    if near:
        message += f" The closest passage is {_clip(near)!r}: copy the article's words exactly."
    else:
        message += " Copy the article's words exactly, or leave the item out."
    return message


def evidence_error(passage: str, index: int = 0) -> str | None:
    """Why `passage` cannot serve as evidence, or None when it occurs in the current article."""
    text = _ARTICLE.get()
    if text is None:
        return None
    if not passage.strip():
        return f"evidence[{index}] is empty: give a passage of the article."
    if passage in text:
        return None
    return _not_found(f"evidence[{index}]", passage, text)


def quote_error(content: str) -> str | None:
    """Why a direct quote's content is not the article's words, or None when it is."""
    text = _ARTICLE.get()
    if text is None or content in text:
        return None
    return (
        _not_found("This direct quote", content, text)
        + " If the article does not quote these words, use kind 'indirect'."
    )


def locate(text: str, passage: str) -> tuple[int, int] | None:
    """Character offsets of the first exact occurrence of `passage` in `text`, or None."""
    if not passage:
        return None
    start = text.find(passage)
    if start < 0:
        return None
    return start, start + len(passage)
