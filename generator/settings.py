"""The generator's settings from the environment: every `PINHUB_*` variable it reads, read here.

Each function reads its variable when it is called, not at import, so a setting can change between
builds in one process (and tests can set it). Yes/no variables share one parser: `1`, `true`, `yes`
and `on` mean yes; `0`, `false`, `no`, `off` and the empty value mean no (any case, surrounding
spaces ignored); anything else is a `SettingsError` that names the variable and the values it takes.

| variable | function | meaning | when unset |
| --- | --- | --- | --- |
| `PINHUB_OFFLINE` | `offline()` | yes/no: fetch nothing, use only the build cache | no |
| `PINHUB_BUILD_CACHE` | `build_cache_dir()` | the build's git mirrors and checkouts | `$XDG_CACHE_HOME/pinhub/build` |
| `PINHUB_ENVIRONMENTS` | `environments_dir(cache)` | the verification environments | `environments/` in the cache |
| `PINHUB_GITHUB_API_URL` | `github_api_url()` | GitHub's GraphQL endpoint (Enterprise, tests) | GitHub's |

The loader (`pinhub`) reads its own variables (`PINHUB_OFFLINE`, `PINHUB_GITHUB_URL`,
`PINHUB_CATALOGUE_URL`) in the same way; the generator only sets them for the processes it starts.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.errors import GeneratorError

YES = ("1", "true", "yes", "on")
NO = ("0", "false", "no", "off", "")
DEFAULT_GITHUB_API_URL = "https://api.github.com/graphql"


class SettingsError(GeneratorError):
    """A `PINHUB_*` variable holds a value the generator cannot use; the message names it and the fix."""


def flag(name: str, default: bool = False) -> bool:
    """The yes/no variable `name`; `default` when it is not set at all.

    Raises:
        SettingsError: the value is neither a yes nor a no (e.g. `PINHUB_OFFLINE=sometimes`).
    """
    value = os.environ.get(name)
    if value is None:
        return default
    return parse_flag(name, value)


def parse_flag(name: str, value: str) -> bool:
    """`value` of the variable `name` as a yes/no setting (see the module's docstring for the words).

    Raises:
        SettingsError: the value is neither a yes nor a no.
    """
    word = value.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise SettingsError(
        f"{name}={value!r} is not a yes/no value: set it to 1, true, yes or on to turn it on, "
        "or to 0, false, no, off or nothing to turn it off"
    )


def offline() -> bool:
    """Whether `PINHUB_OFFLINE` forbids the network: fetch uses only the build cache."""
    return flag("PINHUB_OFFLINE")


def offline_setting() -> str:
    """`PINHUB_OFFLINE=<value>` as the user set it, for messages that say why nothing was fetched."""
    return f"PINHUB_OFFLINE={os.environ.get('PINHUB_OFFLINE', '')}"


def build_cache_dir() -> Path:
    """Where the build keeps its git mirrors and checkouts: $PINHUB_BUILD_CACHE, else the user's cache."""
    configured = os.environ.get("PINHUB_BUILD_CACHE", "").strip()
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pinhub" / "build"


def environments_dir(build_cache: Path) -> Path:
    """Where verification environments live: $PINHUB_ENVIRONMENTS, else `environments/` in `build_cache`."""
    configured = os.environ.get("PINHUB_ENVIRONMENTS", "").strip()
    return Path(configured).expanduser() if configured else build_cache / "environments"


def github_api_url() -> str:
    """GitHub's GraphQL endpoint: `PINHUB_GITHUB_API_URL`, for GitHub Enterprise and tests."""
    return os.environ.get("PINHUB_GITHUB_API_URL", "").strip() or DEFAULT_GITHUB_API_URL
