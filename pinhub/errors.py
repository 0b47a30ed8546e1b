"""The errors pinhub raises.

Every class derives from :class:`PinHubError` and also from the builtin exception a caller would
naturally catch, so ``except FileNotFoundError`` or ``except PermissionError`` keeps working, and
code written against ``torch.hub`` (which raises ``RuntimeError`` and ``ValueError``) still catches
the same failures.
"""

from __future__ import annotations

__all__ = [
    "ArchiveError",
    "CatalogueError",
    "ConfigurationError",
    "DamagedCacheError",
    "DownloadError",
    "EntrypointNotFoundError",
    "HashMismatchError",
    "HubconfError",
    "MissingDependenciesError",
    "NetworkError",
    "NetworkUnreachableError",
    "OfflineCacheMissError",
    "PinHubError",
    "RefNotFoundError",
    "RepoSpecError",
    "UntrustedRepoError",
]


class PinHubError(Exception):
    """Base class of every error raised by pinhub."""


class RepoSpecError(PinHubError, ValueError):
    """A repository, ref, commit, subdir or source argument is malformed."""


class RefNotFoundError(PinHubError, LookupError):
    """The repository has no branch, tag or commit matching the requested ref."""


class NetworkError(PinHubError, ConnectionError):
    """A server could not be reached, or kept failing after the retries."""


class NetworkUnreachableError(NetworkError):
    """No connection could be made (DNS failure, refused, unreachable, timed out).

    Where a cached copy can stand in (a branch resolved before), pinhub uses it instead.
    """


class DownloadError(NetworkError):
    """A download failed: an HTTP error status, or a body shorter than announced.

    Attributes:
        status: the HTTP status, when the server answered with an error.
        retryable: whether trying again may help (5xx, 429, a truncated body).
    """

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable


class HashMismatchError(PinHubError, RuntimeError):
    """A file's SHA-256 digest differs from the expected one.

    Raised for a download (which is then not kept), and for a cached file that cannot be downloaded
    again now; the message names the file, the expected and the actual digest.
    """


class ArchiveError(PinHubError, ValueError):
    """An archive is corrupt, unsafe (absolute paths, ``..``, escaping links) or not the pinned commit."""


class OfflineCacheMissError(PinHubError, FileNotFoundError, ConnectionError):
    """Something is missing from the cache while only the cache may be used.

    Raised when ``PINHUB_OFFLINE`` is set or the network is unreachable. The message names the
    missing ``repo@commit`` and the command that fetches it once a network is available.
    """


class DamagedCacheError(OfflineCacheMissError):
    """Something in the cache changed after it was downloaded, and it cannot be downloaded again now.

    A file of a cached commit was edited, replaced or removed, or a weights file was cut short, while
    ``PINHUB_OFFLINE`` is set or the network is unreachable. The message names the changed files and
    how to restore them (``force_reload=True``, or the fetch command, with network access).
    """


class ConfigurationError(PinHubError, ValueError):
    """An environment variable pinhub reads (``PINHUB_*``) has a value it cannot use.

    The message names the variable, the value, and the values it accepts.
    """


class CatalogueError(PinHubError, LookupError):
    """A catalogue id cannot be resolved: the index has no such entry, or the entry has no commit yet."""


class UntrustedRepoError(PinHubError, PermissionError):
    """The repository is not trusted and the user did not (or could not) confirm it.

    The message says how to trust it: ``trust_repo=True``, or a line in the ``trusted_list`` file.
    """


class HubconfError(PinHubError, ValueError):
    """A hub has no ``hubconf.py``, or its ``dependencies`` cannot be read statically."""


class EntrypointNotFoundError(PinHubError, AttributeError, RuntimeError):
    """The hub's ``hubconf.py`` has no callable with the requested name."""


class MissingDependenciesError(PinHubError, ImportError, RuntimeError):
    """Packages a hub declares in ``dependencies`` are missing or too old.

    Attributes:
        unmet: the requirement strings that are not satisfied, in declaration order.
    """

    def __init__(self, message: str, unmet: list[str]) -> None:
        super().__init__(message)
        self.unmet = unmet
