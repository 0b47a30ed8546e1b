"""One way to fetch a URL: retries on server errors, size checks, SHA-256, an atomic write, a progress bar."""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import importlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar
from urllib.error import HTTPError, URLError
from urllib.parse import urlparse
from urllib.request import Request, urlopen

from pinhub import _settings as settings
from pinhub._atomic import temporary_name
from pinhub.errors import DownloadError, HashMismatchError, NetworkUnreachableError, OfflineCacheMissError

T = TypeVar("T")

USER_AGENT = "pinhub"
ATTEMPTS = 3
BACKOFF_S = 0.2
TIMEOUT_S = 60.0
CHUNK = 128 * 1024


def log(message: str) -> None:
    """Tell the user what is happening; stderr, so stdout stays the program's own."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def read_url(url: str) -> tuple[bytes, str]:
    """GET a small document, with retries.

    Returns:
        The body and its Content-Type.
    """

    def attempt() -> tuple[bytes, str]:
        with _open(url) as response:
            body = _read_exactly(response, url, lambda chunk: None)
            return body, response.headers.get_content_type()

    return _retrying(attempt)


def fetch_to_file(url: str, dst: Path, *, sha256_prefix: str | None = None, progress: bool = False) -> str:
    """Download ``url`` to ``dst`` atomically (a per-process temp file, then ``os.replace``).

    Args:
        url: what to download.
        dst: where the complete, verified file ends up; nothing is written there on failure.
        sha256_prefix: the expected SHA-256 in hex, full or a prefix.
        progress: show a progress bar, when stderr is a terminal.

    Returns:
        The SHA-256 of the file, in hex.

    Raises:
        HashMismatchError: the digest does not start with ``sha256_prefix``.
        DownloadError: an HTTP error, or a body shorter than announced (after retries).
        NetworkUnreachableError: no connection could be made.
    """
    tmp = temporary_name(dst)
    try:
        digest = _retrying(lambda: _download_once(url, tmp, progress))
        expected = (sha256_prefix or "").strip().lower()
        if not digest.startswith(expected):
            raise HashMismatchError(f'invalid hash value for {url} (expected "{expected}", got "{digest}")')
        os.replace(tmp, dst)
        return digest
    finally:
        tmp.unlink(missing_ok=True)


def _download_once(url: str, tmp: Path, progress: bool) -> str:
    sha256 = hashlib.sha256()
    with _open(url) as response, tmp.open("wb") as sink:
        total = _content_length(response)
        with _progress_bar(total, progress and sys.stderr.isatty()) as advance:

            def consume(chunk: bytes) -> None:
                sink.write(chunk)
                sha256.update(chunk)
                advance(len(chunk))

            _read_exactly(response, url, consume, keep=False)
    return sha256.hexdigest()


def _read_exactly(
    response: http.client.HTTPResponse, url: str, consume: Callable[[bytes], None], *, keep: bool = True
) -> bytes:
    """Read the whole body in chunks, refusing one shorter than its Content-Length."""
    total = _content_length(response)
    parts: list[bytes] = []
    received = 0
    try:
        while chunk := response.read(CHUNK):
            received += len(chunk)
            consume(chunk)
            if keep:
                parts.append(chunk)
    except (http.client.IncompleteRead, ConnectionError, TimeoutError) as error:
        raise DownloadError(f"download of {url} was cut off: {error!r}", retryable=True) from error
    if total is not None and received != total:
        raise DownloadError(f"download of {url} was cut off: got {received} of {total} bytes", retryable=True)
    return b"".join(parts)


def _content_length(response: http.client.HTTPResponse) -> int | None:
    value = response.headers.get("Content-Length")
    return int(value) if value and value.isdigit() else None


def _open(url: str) -> http.client.HTTPResponse:
    if settings.offline():
        raise OfflineCacheMissError(f"PINHUB_OFFLINE is set: refusing to fetch {url}")
    try:
        response: http.client.HTTPResponse = urlopen(
            Request(url, headers={"User-Agent": USER_AGENT}), timeout=TIMEOUT_S
        )
    except HTTPError as error:
        error.close()
        retryable = error.code >= 500 or error.code == 429
        message = f"HTTP Error {error.code} ({error.reason}) for {url}"
        raise DownloadError(message, status=error.code, retryable=retryable) from error
    except (URLError, TimeoutError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        host = urlparse(url).netloc or url
        raise NetworkUnreachableError(f"cannot reach {host}: {reason}") from error
    return response


def _retrying(attempt: Callable[[], T]) -> T:
    """Run ``attempt``, again after a short pause when it fails in a way that may pass."""
    for number in range(1, ATTEMPTS + 1):
        try:
            return attempt()
        except DownloadError as error:
            if not error.retryable or number == ATTEMPTS:
                raise
            log(f"{error}; retrying ({number}/{ATTEMPTS - 1})")
            time.sleep(BACKOFF_S * 2 ** (number - 1))
    raise AssertionError("unreachable")  # pragma: no cover


class _TextBar:
    """What torch.hub shows without tqdm: a percentage, rewritten in place."""

    def __init__(self, total: int | None) -> None:
        self.total = total
        self.done = 0

    def update(self, count: int) -> None:
        self.done += count
        text = f"{100 * self.done / self.total:.1f}%" if self.total else f"{self.done} bytes"
        sys.stderr.write(f"\r{text}")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


@contextlib.contextmanager
def _progress_bar(total: int | None, enabled: bool) -> Iterator[Callable[[int], None]]:
    if not enabled:
        yield lambda count: None
        return
    try:
        tqdm = importlib.import_module("tqdm").tqdm
        bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024)
    except ImportError:
        bar = _TextBar(total)
    try:
        yield bar.update
    finally:
        bar.close()
