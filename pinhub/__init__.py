"""pinhub: load PyTorch Hub models pinned to exact commits.

A drop-in for ``torch.hub`` (same functions, same parameters) that also takes ``commit=`` and
``subdir=``, resolves branches and tags without the GitHub REST API, keeps one immutable,
verified cache folder per commit (safe with many processes, usable offline), checks dependencies
before running a hub's code, and lets hubs whose modules share names live in one process.

Example:
    >>> import pinhub
    >>> model = pinhub.load("owner/name", "entrypoint", commit="0123456789abcdef0123456789abcdef01234567")
    >>> model.__pinhub__.commit
"""

from pinhub import errors
from pinhub._api import help, list, load
from pinhub._catalogue import CatalogueEntry
from pinhub._catalogue import lookup as catalogue_entry
from pinhub._dirs import get_dir, set_dir
from pinhub._download import download_url_to_file, load_state_dict_from_url
from pinhub._resolve import Resolved, resolve

__version__ = "0.1.0"

__all__ = [
    "CatalogueEntry",
    "Resolved",
    "__version__",
    "catalogue_entry",
    "download_url_to_file",
    "errors",
    "get_dir",
    "help",
    "list",
    "load",
    "load_state_dict_from_url",
    "resolve",
    "set_dir",
]
