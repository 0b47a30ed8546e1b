"""Weights: ``download_url_to_file`` and ``load_state_dict_from_url``, verified and atomic.

A weights file in the cache is checked on every use, not only when it is downloaded: against the
expected SHA-256 when one is given (cheaply, see pinhub._integrity), and for being cut short when it
cannot be loaded. A file that fails either check is downloaded again when possible; otherwise the
error names the file and says how to restore it.
"""

from __future__ import annotations

import os
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from pinhub import _settings as settings
from pinhub._cache import locked
from pinhub._dirs import checkpoints_dir
from pinhub._http import fetch_to_file, log
from pinhub._integrity import Hashed, Stamp, current_sha256, record, recorded
from pinhub.errors import (
    DamagedCacheError,
    HashMismatchError,
    NetworkUnreachableError,
    OfflineCacheMissError,
    PinHubError,
)

if TYPE_CHECKING:
    from torch.serialization import MAP_LOCATION

# The hash prefix torch.hub reads from names like resnet18-5c106cde.pth.
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
_HEX = re.compile(r"[0-9a-fA-F]*")
_ZIP_MAGIC = b"PK\x03\x04"


def download_url_to_file(
    url: str, dst: str | os.PathLike[str], hash_prefix: str | None = None, progress: bool = True
) -> None:
    """Download the object at ``url`` to ``dst``.

    The file is written under a temporary name and renamed into place once complete and verified,
    so ``dst`` never holds a partial or unverified file.

    Args:
        url: the URL to download.
        dst: the path to save to, for example ``/tmp/resnet18.pth``.
        hash_prefix: the expected SHA-256 in hex: all 64 digits (recommended) or a prefix.
        progress: show a progress bar on stderr when it is a terminal.

    Raises:
        HashMismatchError: the SHA-256 does not match ``hash_prefix``.
        DownloadError: the server answered with an error, or the body was cut short (after retries).
        NetworkUnreachableError: the server could not be reached.
        OfflineCacheMissError: ``PINHUB_OFFLINE`` is set.
    """
    settings.validate()
    if hash_prefix is not None and not _HEX.fullmatch(hash_prefix):
        raise ValueError(f"hash_prefix must be hex digits of a SHA-256, got {hash_prefix!r}")
    fetch_to_file(url, Path(os.path.expanduser(os.fspath(dst))), sha256_prefix=hash_prefix, progress=progress)


def load_state_dict_from_url(
    url: str,
    model_dir: str | os.PathLike[str] | None = None,
    map_location: MAP_LOCATION = None,
    progress: bool = True,
    check_hash: bool = False,
    file_name: str | None = None,
    weights_only: bool = True,
    *,
    sha256: str | None = None,
) -> dict[str, Any]:
    """Load the serialized object at ``url``, downloading it into the cache first if needed.

    Unlike torch.hub, ``weights_only`` defaults to True (no arbitrary unpickling), a full SHA-256 can
    be required and is checked on every load (not only on download), a cached file that was cut
    short is downloaded again, concurrent callers download the file once, and zip files from before
    torch 1.6 are not unpacked.

    Args:
        url: the URL of the object.
        model_dir: where to keep it; default ``<hub_dir>/checkpoints``, shared with torch.hub.
        map_location: passed to ``torch.load``.
        progress: show a progress bar on stderr when it is a terminal.
        check_hash: verify the SHA-256 prefix in the file name (``name-<sha256 prefix>.ext``).
        file_name: the name to save under; default the last part of the URL.
        weights_only: passed to ``torch.load``; keep True unless you trust the file's author.
        sha256: the expected full SHA-256 (or a prefix). A cached file that differs is downloaded
            again. The hash of a file is kept beside it, so a file untouched since costs one ``stat``.

    Returns:
        What ``torch.load`` returns, usually a state dict.

    Raises:
        HashMismatchError: the download does not match the expected SHA-256, or the cached file does
            not and cannot be downloaded again now.
        OfflineCacheMissError: the file is not cached and the network is off or unreachable.
        DamagedCacheError: the cached file was cut short and cannot be downloaded again now.
    """
    settings.validate()
    folder = Path(os.fspath(model_dir)) if model_dir is not None else checkpoints_dir()
    folder.mkdir(parents=True, exist_ok=True)
    filename = file_name or os.path.basename(urlparse(url).path)
    weights = _Weights(url, folder / filename, _expected_sha256(sha256, check_hash, filename), progress)
    weights.make_available()
    return weights.load(map_location, weights_only)


def _expected_sha256(sha256: str | None, check_hash: bool, filename: str) -> str | None:
    expected = sha256
    if expected is None and check_hash:
        match = HASH_REGEX.search(filename)
        expected = match.group(1) if match else None
    if expected is not None and not _HEX.fullmatch(expected):
        raise ValueError(f"sha256 must be hex digits, got {expected!r}")
    return None if expected is None else expected.lower()


@dataclass(frozen=True)
class _Damage:
    """Why the cached file cannot be used as it is, and the error to raise if it cannot be downloaded again."""

    problem: str
    error: type[PinHubError]


@dataclass(frozen=True)
class _Weights:
    """A weights file: where it comes from, where it is cached, and the SHA-256 (or prefix) it must have."""

    url: str
    cached: Path
    expected: str | None
    progress: bool

    def make_available(self) -> None:
        """Download the file unless it is cached and has the expected hash; download it again if it has not."""
        seen = _stamp(self.cached)
        damage = None if seen is None else self.mismatch()
        if seen is not None and damage is None:
            return
        if not self.download(seen, damage):
            later = self.mismatch()  # another process downloaded it meanwhile: check its copy too
            if later is not None:
                raise HashMismatchError(later.problem)

    def mismatch(self) -> _Damage | None:
        """What is wrong with the cached file's hash, if anything."""
        if self.expected is None:
            return None
        actual = current_sha256(self.cached)
        if actual.startswith(self.expected):
            return None
        problem = f"the cached file {self.cached} does not have the expected SHA-256 {self.expected} (it has {actual})"
        return _Damage(problem, HashMismatchError)

    def load(self, map_location: MAP_LOCATION, weights_only: bool) -> dict[str, Any]:
        """``torch.load`` the cached file; one that was cut short is downloaded again first."""
        import torch

        try:
            result: dict[str, Any] = torch.load(self.cached, map_location=map_location, weights_only=weights_only)
        except Exception as error:
            why = _why_cut_short(self.cached, error)
            if why is None:
                raise
            problem = f"the cached file {self.cached} is cut short ({why})"
            self.download(_stamp(self.cached), _Damage(problem, DamagedCacheError))
            result = torch.load(self.cached, map_location=map_location, weights_only=weights_only)
        return result

    def download(self, seen: Stamp | None, damage: _Damage | None) -> bool:
        """Download into the cache, once however many processes ask; False if another process already did.

        Args:
            seen: the cached file's stamp when it was judged (None: it was missing).
            damage: why the cached file is being replaced, or None when there was none.
        """
        if settings.offline():
            raise self.cannot_download(damage, "PINHUB_OFFLINE is set")
        with locked(self.cached.with_name(f".{self.cached.name}.lock"), self.cached.name):
            if _stamp(self.cached) != seen:
                return False
            log(f"{damage.problem}; downloading it again" if damage else f'Downloading: "{self.url}" to {self.cached}')
            started_ns = time.time_ns()
            try:
                digest = fetch_to_file(self.url, self.cached, sha256_prefix=self.expected, progress=self.progress)
            except NetworkUnreachableError as error:
                raise self.cannot_download(damage, str(error)) from error
            record(self.cached, Hashed(digest, _stamp(self.cached), started_ns))
        return True

    def cannot_download(self, damage: _Damage | None, reason: str) -> PinHubError:
        """The error for a file that is needed from the network while the network cannot be used."""
        if damage is None:
            return OfflineCacheMissError(
                f"{self.cached.name} is not in {self.cached.parent} and {reason}; "
                f"run the same call with network access to download {self.url}"
            )
        return damage.error(
            f"{damage.problem}, and it cannot be downloaded again because {reason}. Run the same call with "
            f"network access to download {self.url} again (or delete {self.cached} to fetch it later)."
        )


def _stamp(path: Path) -> Stamp | None:
    try:
        return Stamp.of(os.stat(path))
    except FileNotFoundError:
        return None


def _why_cut_short(path: Path, error: Exception) -> str | None:
    """Why a file that failed to load looks incomplete, or None if it looks whole (the error is its own)."""
    size = path.stat().st_size
    downloaded = recorded(path)
    if downloaded is not None and downloaded.stamp is not None and size < downloaded.stamp.size:
        return f"{size} of the {downloaded.stamp.size} bytes downloaded are left"
    if size == 0:
        return "it is empty"
    with path.open("rb") as data:
        is_zip = data.read(len(_ZIP_MAGIC)) == _ZIP_MAGIC
    if is_zip and not zipfile.is_zipfile(path):
        return "the zip directory at its end is missing"
    if isinstance(error, EOFError) or "unexpected EOF" in str(error):
        return f"its data ends early: {error}"
    return None
