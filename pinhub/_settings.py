"""The environment variables the loader reads (``PINHUB_*``), each parsed in this one module.

A variable is read when it is used, never at import time, so setting one in a running program takes
effect on the next call. :func:`validate` reads them all; the public functions call it first, so a
value pinhub cannot use fails every call the same way, before anything is fetched or written, with a
:class:`~pinhub.errors.ConfigurationError` that names the variable and the values it accepts.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from pinhub.errors import ConfigurationError

OFFLINE = "PINHUB_OFFLINE"
GITHUB_URL = "PINHUB_GITHUB_URL"
CATALOGUE_URL = "PINHUB_CATALOGUE_URL"
VARIABLES = (OFFLINE, GITHUB_URL, CATALOGUE_URL)

DEFAULT_GITHUB_URL = "https://github.com"
DEFAULT_CATALOGUE_URL = "https://pinhub.github.io/pinhub/catalogue.json"

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
_URL_SCHEMES = ("http", "https", "file")


def offline() -> bool:
    """Whether ``PINHUB_OFFLINE`` asks for cache-only operation (no network call at all)."""
    return flag(OFFLINE)


def github_url() -> str:
    """The base URL for GitHub archives and refs, without a trailing slash (``PINHUB_GITHUB_URL``)."""
    return _url(GITHUB_URL, DEFAULT_GITHUB_URL, "https://github.example.com or file:///srv/mirrors").rstrip("/")


def catalogue_url() -> str:
    """The ``catalogue.json`` that catalogue ids are resolved with (``PINHUB_CATALOGUE_URL``)."""
    return _url(CATALOGUE_URL, DEFAULT_CATALOGUE_URL, "https://mirror.example.com/catalogue.json")


def validate() -> None:
    """Read every variable, so that a bad value is reported before anything is done.

    Raises:
        ConfigurationError: a variable has a value pinhub cannot use.
    """
    offline()
    github_url()
    catalogue_url()


def flag(name: str) -> bool:
    """A yes/no variable: 1, true, yes, on mean yes; 0, false, no, off, empty or unset mean no (any case).

    Raises:
        ConfigurationError: any other value.
    """
    raw = os.environ.get(name, "")
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS or not word:
        return False
    raise ConfigurationError(
        f"{name}={raw!r} is not a yes/no value. Set it to {', '.join(TRUE_WORDS)} to turn it on, or to "
        f"{', '.join(FALSE_WORDS)} or nothing to turn it off (case does not matter)."
    )


def _url(name: str, default: str, example: str) -> str:
    raw = os.environ.get(name, "")
    value = raw.strip()
    if not value:
        return default
    parts = urlsplit(value)
    if parts.scheme.lower() not in _URL_SCHEMES or (parts.scheme.lower() != "file" and not parts.netloc):
        schemes = ", ".join(f"{scheme}://" for scheme in _URL_SCHEMES)
        raise ConfigurationError(
            f"{name}={raw!r} is not a URL pinhub can read: give one that starts with {schemes} "
            f"(for example {example}), or unset it to use {default}."
        )
    return value
