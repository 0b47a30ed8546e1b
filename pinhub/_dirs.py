"""Where the cache lives: torch.hub's hub directory rules, and pinhub's folders inside it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# The one piece of module state, as in torch.hub: the directory chosen with set_dir().
_hub_dir: str | None = None


def get_dir() -> str:
    """Return the hub cache directory, following torch.hub's rules.

    In order: the directory given to :func:`set_dir` (or to ``torch.hub.set_dir`` when pinhub's
    was not called), ``$TORCH_HOME/hub``, ``$XDG_CACHE_HOME/torch/hub``, ``~/.cache/torch/hub``.

    Returns:
        The directory as a string, exactly as ``torch.hub.get_dir()`` would.
    """
    if _hub_dir is not None:
        return _hub_dir
    torch_hub = sys.modules.get("torch.hub")
    chosen = getattr(torch_hub, "_hub_dir", None)
    if isinstance(chosen, str):
        return chosen
    xdg = os.getenv("XDG_CACHE_HOME", "~/.cache")
    torch_home = os.path.expanduser(os.getenv("TORCH_HOME", os.path.join(xdg, "torch")))
    return os.path.join(torch_home, "hub")


def set_dir(d: str | os.PathLike[str]) -> None:
    """Set the hub cache directory used by pinhub (not by torch.hub).

    Args:
        d: the directory; ``~`` is expanded.
    """
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


def dir_was_set() -> bool:
    """Whether :func:`set_dir` chose the directory (so a shell command must be told about it)."""
    return _hub_dir is not None


def hub_path() -> Path:
    """The hub directory as a Path."""
    return Path(get_dir())


def checkpoints_dir() -> Path:
    """Where weights go, shared with torch.hub."""
    return hub_path() / "checkpoints"


def repos_root() -> Path:
    """pinhub's own tree of pinned repositories, kept apart from torch.hub's ``owner_name_ref`` folders."""
    return hub_path() / "pinhub"
