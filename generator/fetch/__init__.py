"""Stage 2, fetch: a checkout of each requested repo at exactly its pinned commit."""

from generator.fetch.checkout import (
    Checkout,
    FetchError,
    FetchRequest,
    fetch_checkout,
    git_url,
)
from generator.fetch.failures import FailureKind
from generator.fetch.policy import FetchPolicy

__all__ = [
    "Checkout",
    "FailureKind",
    "FetchError",
    "FetchPolicy",
    "FetchRequest",
    "fetch_checkout",
    "git_url",
]
