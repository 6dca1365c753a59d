"""Credentials: where the base URL may point, and how every message is kept free of secrets.

One module owns this so that stderr, batch error rows, the call log and output files all
redact the same way (a second, weaker copy of the pattern is how a secret leaks).

Decisions (see the README, "Credentials"):

* a base URL carrying `user:password@` is refused. httpx would turn it into a Basic
  `Authorization` header that replaces the API key without a word, and a URL is the form a
  secret is most often copied in: shell history, `ps`, logs, bug reports. The key belongs in
  OPENAI_API_KEY, which is sent as a Bearer token and never printed;
* a base URL must be http(s) with a host and a valid port; anything else is an input error
  now, not a traceback on the first request.
"""

from __future__ import annotations

import base64
import os
import re
from urllib.parse import urlsplit

from summarizer.errors import ConfigError

REDACTED = "[redacted]"

_PATTERNS = (
    # URL userinfo: scheme://user:password@host -> scheme://[redacted]@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@'\"]+@"), rf"\1{REDACTED}@"),
    # Authorization header values of any scheme (Bearer, Basic, Token...), as text or JSON
    (re.compile(r"(?i)\b(authorization[\"']?\s*[:=]\s*[\"']?)(\w+\s+)?[^\s\"',}]+"), rf"\1{REDACTED}"),
    (re.compile(r"(?i)\b(Bearer|Basic|Token)\s+[A-Za-z0-9+/=_.~\-]{4,}"), rf"\1 {REDACTED}"),
    # key-like fields: api_key=..., "api-key": "...", password: ..., token=...
    (
        re.compile(r"(?i)\b((?:api[_-]?key|x-api-key|password|passwd|secret|token)[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+"),
        rf"\1{REDACTED}",
    ),
    # OpenAI-style keys wherever they stand (sk-..., sk-proj-...)
    (re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}"), REDACTED),
)


def _secret_forms(secret: str) -> list[str]:
    """A secret and the encodings a server may echo it in (Basic auth's base64 of `user:secret`
    is covered by the header patterns; the bare base64 of the secret is covered here)."""
    forms = [secret]
    encoded = base64.b64encode(secret.encode("utf-8")).decode("ascii")
    forms.append(encoded.rstrip("="))
    return [f for f in forms if len(f) >= 4]


def redact(message: str, secret: str | None = None) -> str:
    """`message` with every credential cut out: the given secret and OPENAI_API_KEY (also
    base64-encoded), Authorization values (Bearer, Basic...), URL userinfo, key-like fields
    and anything shaped like an OpenAI key."""
    secrets = [s for s in (secret, os.environ.get("OPENAI_API_KEY")) if s]
    for value in secrets:
        for form in _secret_forms(value):
            message = message.replace(form, REDACTED)
    for pattern, replacement in _PATTERNS:
        message = pattern.sub(replacement, message)
    return message


def public_url(base_url: str | None) -> str:
    """The server's URL fit for a message: credentials written into it are cut out."""
    if not base_url:
        return "api.openai.com"
    try:
        parts = urlsplit(base_url)
        if parts.username or parts.password:
            host = parts.hostname or ""
            netloc = f"{host}:{parts.port}" if parts.port else host
            return parts._replace(netloc=netloc).geturl()
    except ValueError:  # a bad port: say the URL without its userinfo anyway
        return redact(base_url)
    return base_url


def check_base_url(base_url: str | None) -> str | None:
    """The base URL if it is usable, else a one-line ConfigError (never a traceback later).

    Refused: credentials in the URL (see the module docstring), a scheme other than http(s),
    no host, a port that is not a number from 1 to 65535.
    """
    if base_url is None or base_url == "":
        return None
    shown = redact(base_url)
    bad_port = f"base URL {shown!r} has a bad port (a number from 1 to 65535 is required)"
    try:
        parts = urlsplit(base_url)
        port = parts.port
    except ValueError:
        raise ConfigError(bad_port) from None
    if parts.username is not None or parts.password is not None:
        raise ConfigError(
            f"base URL {public_url(base_url)!r} carries credentials (user:password@): they are "
            "refused, put the key in OPENAI_API_KEY instead (sent in the Authorization header)"
        )
    if parts.scheme not in ("http", "https"):
        raise ConfigError(f"base URL {shown!r} must start with http:// or https://")
    if not parts.hostname:
        raise ConfigError(f"base URL {shown!r} names no host")
    if port == 0:
        raise ConfigError(bad_port)
    return base_url
