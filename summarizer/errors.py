"""The exceptions the library raises: one class per thing a caller may want to handle.

Every message is one line meant for a person, and never contains an API key.
"""

from __future__ import annotations


class SummarizerError(Exception):
    """Base class of every error `summarizer` raises on purpose."""


class InputError(SummarizerError):
    """The article cannot be read: empty, binary, not UTF-8, too large, malformed JSON..."""


class ConfigError(SummarizerError):
    """The engine is not configured: no model, no key, an unknown mode..."""


class LLMError(SummarizerError):
    """The model's server failed, or the model gave no usable answer after the retries."""


class AuthenticationError(LLMError):
    """The server refused the API key."""


class ServerError(LLMError):
    """The server answered with an error, timed out or could not be reached, after the retries."""


class OutputError(SummarizerError):
    """The result cannot be written: a folder named as the file, a full disk, a locked output..."""
