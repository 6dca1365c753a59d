"""The exceptions the library raises: one class per thing a caller may want to handle.

Every message is one line meant for a person, and never contains an API key. An `LLMError`
also says what the failed article cost: `requests` (HTTP requests actually sent) and `usage`
(the tokens of every answer received), so a call log can record what the server billed.
"""

from __future__ import annotations

from typing import Any


class SummarizerError(Exception):
    """Base class of every error `summarizer` raises on purpose."""


class InputError(SummarizerError):
    """The article cannot be read: empty, binary, not UTF-8, too large, malformed JSON..."""


class ConfigError(SummarizerError):
    """The engine is not configured: no model, no key, an unknown mode..."""


class LLMError(SummarizerError):
    """The model's server failed, or the model gave no usable answer after the retries."""

    def __init__(self, message: str, *, requests: int = 0, usage: Any = None) -> None:
        super().__init__(message)
        self.requests = requests
        """HTTP requests sent for the article, retries included."""
        self.usage = usage
        """`summarizer.schema.Usage` summed over every answer received, or None."""


class AuthenticationError(LLMError):
    """The server refused the API key."""


class ServerError(LLMError):
    """The server answered with an error, timed out or could not be reached, after the retries."""


class OutputLimitError(LLMError):
    """The answer was cut at the output limit (finish_reason `length`) before it was complete."""


class ContextLimitError(ServerError):
    """The request does not fit the model's context window (the server refused it, HTTP 400)."""


class DeadlineError(ServerError):
    """The article's deadline (`timeout`) passed: the request in flight was cancelled."""


class OutputError(SummarizerError):
    """The result cannot be written: a folder named as the file, a full disk, a locked output..."""
