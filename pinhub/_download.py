"""Weights: ``download_url_to_file`` and ``load_state_dict_from_url``, verified and atomic."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from pinhub._cache import locked
from pinhub._dirs import checkpoints_dir
from pinhub._http import fetch_to_file, log, offline_mode
from pinhub.errors import NetworkUnreachableError, OfflineCacheMissError

if TYPE_CHECKING:
    from torch.serialization import MAP_LOCATION

# The hash prefix torch.hub reads from names like resnet18-5c106cde.pth.
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
_HEX = re.compile(r"[0-9a-fA-F]*")


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
    be required, concurrent callers download the file once, and zip files from before torch 1.6
    are not unpacked.

    Args:
        url: the URL of the object.
        model_dir: where to keep it; default ``<hub_dir>/checkpoints``, shared with torch.hub.
        map_location: passed to ``torch.load``.
        progress: show a progress bar on stderr when it is a terminal.
        check_hash: verify the SHA-256 prefix in the file name (``name-<sha256 prefix>.ext``).
        file_name: the name to save under; default the last part of the URL.
        weights_only: passed to ``torch.load``; keep True unless you trust the file's author.
        sha256: the expected full SHA-256 (or a prefix), checked when the file is downloaded.

    Returns:
        What ``torch.load`` returns, usually a state dict.

    Raises:
        HashMismatchError: the download does not match the expected SHA-256.
        OfflineCacheMissError: the file is not cached and the network is off or unreachable.
    """
    folder = Path(os.fspath(model_dir)) if model_dir is not None else checkpoints_dir()
    folder.mkdir(parents=True, exist_ok=True)
    filename = file_name or os.path.basename(urlparse(url).path)
    cached = folder / filename
    expected = sha256
    if expected is None and check_hash:
        match = HASH_REGEX.search(filename)
        expected = match.group(1) if match else None
    if expected is not None and not _HEX.fullmatch(expected):
        raise ValueError(f"sha256 must be hex digits, got {expected!r}")
    if not cached.exists():
        _download_once(url, cached, expected, progress)
    import torch

    result: dict[str, Any] = torch.load(cached, map_location=map_location, weights_only=weights_only)
    return result


def _download_once(url: str, cached: Path, expected: str | None, progress: bool) -> None:
    """Download into the cache, once however many processes ask at the same time."""
    if offline_mode():
        raise OfflineCacheMissError(
            f"{cached.name} is not in {cached.parent} and PINHUB_OFFLINE is set; "
            f"run the same call with network access to download {url}"
        )
    with locked(cached.with_name(f".{cached.name}.lock"), cached.name):
        if cached.exists():
            return
        log(f'Downloading: "{url}" to {cached}')
        try:
            fetch_to_file(url, cached, sha256_prefix=expected, progress=progress)
        except NetworkUnreachableError as error:
            raise OfflineCacheMissError(f"{cached.name} is not cached and {error}; cannot download {url}") from error
