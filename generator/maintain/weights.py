"""Do a hub's weight URLs answer? A HEAD request each, from this process (never from the hub's code)."""

from __future__ import annotations

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

HEAD_TIMEOUT = 5.0
MAX_URLS = 50
USER_AGENT = "pinhub-check-repo (a HEAD request to check that a weight file is published)"
# Servers that refuse HEAD (or implement it badly) get a GET for the first byte instead.
NO_HEAD = {403, 405, 501}

Answer = Literal["ok", "missing", "unreachable"]


@dataclass(frozen=True)
class UrlCheck:
    """What one URL answered: ok (2xx), missing (the server said no: 4xx/5xx) or unreachable (no answer)."""

    url: str
    answer: Answer
    detail: str


def check_urls(urls: list[str], timeout: float = HEAD_TIMEOUT) -> list[UrlCheck]:
    """Check up to MAX_URLS URLs, a few at a time, in the order given."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda url: check_url(url, timeout), urls[:MAX_URLS]))


def check_url(url: str, timeout: float = HEAD_TIMEOUT) -> UrlCheck:
    """HEAD `url` (following redirects); a server that refuses HEAD is asked for its first byte."""
    try:
        status = _request(url, "HEAD", timeout)
    except urllib.error.HTTPError as error:
        if error.code not in NO_HEAD:
            return UrlCheck(url, "missing", f"answered HTTP {error.code} {error.reason}")
        try:
            status = _request(url, "GET", timeout, {"Range": "bytes=0-0"})
        except urllib.error.HTTPError as retry:
            return UrlCheck(url, "missing", f"answered HTTP {retry.code} {retry.reason}")
        except (urllib.error.URLError, OSError, ValueError) as retry:
            return UrlCheck(url, "unreachable", f"unreachable (offline?): {_reason(retry)}")
    except (urllib.error.URLError, OSError, ValueError) as error:
        return UrlCheck(url, "unreachable", f"unreachable (offline?): {_reason(error)}")
    return UrlCheck(url, "ok", f"HTTP {status}")


def _request(url: str, method: str, timeout: float, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, **(headers or {})})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return int(response.status)


def _reason(error: BaseException) -> str:
    reason = getattr(error, "reason", None) or error
    return str(reason)[:200]
