"""Stage 2, fetch: a checkout of each entry's repo at exactly its pinned commit."""

from generator.fetch.checkout import Checkout, FetchError, build_cache_dir, fetch_entry, git_url
from generator.fetch.policy import FetchPolicy

__all__ = ["Checkout", "FetchError", "FetchPolicy", "build_cache_dir", "fetch_entry", "git_url"]
