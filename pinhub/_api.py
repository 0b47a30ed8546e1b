"""``load``, ``list`` and ``help``: torch.hub's entry points, on top of pinned, verified, isolated hubs."""

from __future__ import annotations

import builtins
import contextlib
import types
from typing import Any

from pinhub import _settings as settings
from pinhub import hubconf
from pinhub._deps import check_requirements
from pinhub._resolve import Resolved, parse_request, resolve_spec
from pinhub._trust import TrustRepo, check_trust

METADATA_ATTRIBUTE = "__pinhub__"


def load(
    repo_or_dir: str,
    model: str,
    *args: Any,
    source: str = "github",
    trust_repo: TrustRepo = None,
    force_reload: bool = False,
    verbose: bool = True,
    skip_validation: bool = False,
    commit: str | None = None,
    subdir: str | None = None,
    **kwargs: Any,
) -> Any:
    """Load a model (or any object an entrypoint returns) from a pinned repository or a local directory.

    Example:
        >>> model = pinhub.load("pinhub/pinhub", "digits_classifier", commit="<40-hex>", subdir="examples/digits")
        >>> model.__pinhub__.commit  # exactly what was loaded

    Args:
        repo_or_dir: ``owner/name[:ref]`` for GitHub, where ``ref`` is a branch, a tag or a commit SHA
            (full or abbreviated; without one, the default branch); a git URL with an optional
            ``#ref`` for ``source="git"``; a directory for ``source="local"``; an entry id of the
            PinHub catalogue for ``source="catalogue"`` (loads the commit and folder the site verified).
        model: the name of an entrypoint in the hub's hubconf.py.
        *args: passed to the entrypoint.
        source: ``"github"`` (default), ``"git"``, ``"local"`` or ``"catalogue"``.
        trust_repo: ``True`` trusts the repository and records it in ``<hub_dir>/trusted_list``;
            ``"check"`` or ``None`` (default) loads it if trusted and otherwise asks; ``False`` always
            asks. Asking needs a terminal: without one an :class:`~pinhub.errors.UntrustedRepoError`
            explains how to trust the repository. Not used for ``source="local"``.
        force_reload: download the commit again even if it is cached.
        verbose: report cache hits on stderr.
        skip_validation: accepted for compatibility with torch.hub; pinhub never calls the GitHub
            REST API, and branches and tags are always resolved through the repository's own refs.
        commit: the commit to load, as a full or abbreviated SHA.
        subdir: the sub-directory of the repository that holds hubconf.py.
        **kwargs: passed to the entrypoint.

    Returns:
        What the entrypoint returns. When it accepts attributes (an ``nn.Module`` does), it carries
        a :class:`~pinhub.Resolved` as ``__pinhub__``: source, repo, ref, exact commit, subdir, path.

    Raises:
        UntrustedRepoError: the repository is not trusted.
        MissingDependenciesError: packages the hub declares are missing or too old (checked before
            any of its code runs).
        EntrypointNotFoundError: the hub has no such entrypoint.
        OfflineCacheMissError: the commit is not cached and the network is off or unreachable.
        DamagedCacheError: the cached commit was changed and cannot be downloaded again now.
        CatalogueError: no such catalogue id, or its entry is not pinned yet.
        ConfigurationError: a ``PINHUB_*`` environment variable has a value pinhub cannot use.
    """
    module, resolved = open_hub(repo_or_dir, source, trust_repo, force_reload, verbose, commit, subdir)
    entry = hubconf.get_entrypoint(module, model)
    result = hubconf.call_entrypoint(module, entry, *args, **kwargs)
    with contextlib.suppress(AttributeError, TypeError):
        setattr(result, METADATA_ATTRIBUTE, resolved)
    return result


def list(
    github: str,
    force_reload: bool = False,
    skip_validation: bool = False,
    trust_repo: TrustRepo = None,
    verbose: bool = True,
    *,
    source: str = "github",
    commit: str | None = None,
    subdir: str | None = None,
) -> builtins.list[str]:
    """List the entrypoints of a hub: every public callable of its hubconf.py, in ``dir()`` order.

    Args:
        github: the repository, as for :func:`load` (``owner/name[:ref]``, a git URL, or a directory).
        force_reload: download the commit again even if it is cached.
        skip_validation: accepted for compatibility with torch.hub (see :func:`load`).
        trust_repo: as for :func:`load`.
        verbose: report cache hits on stderr.
        source: ``"github"`` (default), ``"git"``, ``"local"`` or ``"catalogue"``.
        commit: the commit, as a full or abbreviated SHA.
        subdir: the sub-directory of the repository that holds hubconf.py.

    Returns:
        The entrypoint names.
    """
    module, _ = open_hub(github, source, trust_repo, force_reload, verbose, commit, subdir)
    return hubconf.list_entrypoints(module)


def help(
    github: str,
    model: str,
    force_reload: bool = False,
    skip_validation: bool = False,
    trust_repo: TrustRepo = None,
    *,
    source: str = "github",
    commit: str | None = None,
    subdir: str | None = None,
    verbose: bool = True,
) -> str | None:
    """Return the docstring of an entrypoint.

    Args:
        github: the repository, as for :func:`load`.
        model: the entrypoint's name.
        force_reload: download the commit again even if it is cached.
        skip_validation: accepted for compatibility with torch.hub (see :func:`load`).
        trust_repo: as for :func:`load`.
        source: ``"github"`` (default), ``"git"``, ``"local"`` or ``"catalogue"``.
        commit: the commit, as a full or abbreviated SHA.
        subdir: the sub-directory of the repository that holds hubconf.py.
        verbose: report cache hits on stderr.

    Returns:
        The docstring, or None if the entrypoint has none.
    """
    module, _ = open_hub(github, source, trust_repo, force_reload, verbose, commit, subdir)
    doc: str | None = hubconf.get_entrypoint(module, model).__doc__
    return doc


def open_hub(
    repo_or_dir: str,
    source: str,
    trust_repo: TrustRepo,
    force_reload: bool,
    verbose: bool,
    commit: str | None,
    subdir: str | None,
) -> tuple[types.ModuleType, Resolved]:
    """Trust, resolve, check dependencies (before running anything), and import the hub in isolation."""
    settings.validate()
    spec = parse_request(repo_or_dir, source, commit, subdir)
    if spec.source != "local":
        check_trust(spec, trust_repo)
    resolved = resolve_spec(spec, force_reload, verbose)
    state = resolved.commit or hubconf.fingerprint(resolved.path)
    if not hubconf.is_imported(resolved.path, state):
        requirements = resolved.dependencies
        if requirements is None:
            requirements = tuple(hubconf.read_dependencies(resolved.path / hubconf.HUBCONF))
        check_requirements([*requirements], hub_dir=resolved.path, what=str(resolved))
    return hubconf.import_hubconf(resolved.path, state=state), resolved
