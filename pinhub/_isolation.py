"""Import each hub under a private package, so hubs whose modules share names live in one process.

torch.hub puts a hub's folder on ``sys.path`` and imports ``hubconf``; its ``models`` or ``utils`` then
sit in ``sys.modules`` under those names, and the next hub with a ``models`` gets the first one. Here
each hub folder becomes the package ``_pinhub_hub_<id>``, and every module of the hub runs with its
own ``__builtins__`` whose ``__import__`` maps the hub's top-level names (``models``, ``utils``) to
that package. So ``import models`` in the hub's code, at load time or lazily inside ``forward``
long after, always finds the hub's own ``models``.

While hubconf.py is imported and while an entrypoint runs (the *window*), the hub's names are also
visible process-wide, as with torch.hub: ``sys.modules["models"]`` is the hub's module, and a meta
path finder maps ``models.x`` to the private module. That serves code that imports by string, such
as unpickling a full model saved as ``models.yolo.Model``. After the window, whatever those names
meant before is put back. Windows are serialised by a lock, since ``sys.modules`` is shared.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import os
import re
import sys
import threading
import types
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PREFIX = "_pinhub_hub_"
# The private package in qualified names ("_pinhub_hub_1f2e….models.Net"), as text shows them.
PRIVATE_NAME = re.compile(rf"\b{PREFIX}[0-9a-f]+\.?")


def public_name(text: str) -> str:
    """`text` with the private package removed from every qualified name in it: what a torch.hub user sees
    (`models.Net`), the same wherever the hub's folder is."""
    return PRIVATE_NAME.sub("", text)


def signature_text(obj: Any) -> str:
    """`obj`'s signature as `inspect` writes it, in public names; '' when it has none."""
    try:
        return public_name(str(inspect.signature(obj)))
    except (TypeError, ValueError):
        return ""


# Module state that isolation needs: the hubs imported so far (by package, and by folder as given, so a
# repeated load skips resolving the path), the window stack, and its lock.
_HUBS: dict[str, Hub] = {}
_BY_FOLDER: dict[tuple[str, str], Hub] = {}
_ACTIVE: list[Hub] = []
_WINDOW_LOCK = threading.RLock()


@dataclass
class Hub:
    """One imported hub: its private package name, folder, and the names it owns."""

    package: str
    path: Path
    names: frozenset[str]
    builtins: dict[str, Any] = field(default_factory=dict)
    modules: set[str] = field(default_factory=set)


def register(path: Path, fingerprint: str) -> Hub:
    """The hub for a folder at a given state, creating its private package on first use."""
    known = _BY_FOLDER.get((os.fspath(path), fingerprint))
    if known is not None:
        return known
    with _WINDOW_LOCK:
        return _create(path, fingerprint)


def _create(path: Path, fingerprint: str) -> Hub:
    real = path.resolve()
    package = _package_name(real, fingerprint)
    hub = _HUBS.get(package)
    if hub is not None:
        _BY_FOLDER[(os.fspath(path), fingerprint)] = hub
        return hub
    hub = Hub(package, real, _own_names(real))
    hub.builtins = {**vars(builtins), "__import__": _hub_import(hub)}
    spec = importlib.machinery.ModuleSpec(package, None, is_package=True)
    spec.submodule_search_locations = [str(real)]
    root = importlib.util.module_from_spec(spec)
    root.__doc__ = f"The hub in {real}, imported by pinhub."
    sys.modules[package] = root
    _install_finder()
    _HUBS[package] = hub
    _BY_FOLDER[(os.fspath(path), fingerprint)] = hub
    return hub


def _package_name(real_path: Path, fingerprint: str) -> str:
    return PREFIX + hashlib.sha256(f"{real_path}\0{fingerprint}".encode()).hexdigest()[:16]


def imported(path: Path, fingerprint: str, name: str) -> bool:
    """Whether module ``name`` of the hub in ``path`` (in that state) is already imported."""
    known = _BY_FOLDER.get((os.fspath(path), fingerprint))
    package = known.package if known is not None else _package_name(path.resolve(), fingerprint)
    return f"{package}.{name}" in sys.modules


def hub_of(module: types.ModuleType) -> Hub | None:
    """The hub a module belongs to, if it is a hub module."""
    return _HUBS.get(module.__name__.partition(".")[0])


def import_module(hub: Hub, name: str) -> types.ModuleType:
    """Import a module of the hub (``"hubconf"``, ``"models"``) in its window."""
    module = sys.modules.get(f"{hub.package}.{name}")
    if module is not None:
        return module
    with window(hub):
        return importlib.import_module(f"{hub.package}.{name}")


def _own_names(path: Path) -> frozenset[str]:
    """Top-level modules and packages in the hub folder.

    Standard library modules already imported keep their meaning, as they do under torch.hub (where
    the hub's folder comes first on sys.path, but sys.modules is consulted before it).
    """
    names = set()
    for child in path.iterdir():
        if child.suffix == ".py" and child.is_file():
            names.add(child.stem)
        elif (child / "__init__.py").is_file():
            names.add(child.name)
    reserved = set(sys.builtin_module_names) | {name for name in sys.stdlib_module_names if name in sys.modules}
    return frozenset(name for name in names if name.isidentifier() and name not in reserved)


def _hub_import(hub: Hub) -> Any:
    """The ``__import__`` that the hub's modules see."""

    def hub_import(
        name: str,
        globals: Mapping[str, object] | None = None,
        locals: Mapping[str, object] | None = None,
        fromlist: Sequence[str] | None = (),
        level: int = 0,
    ) -> types.ModuleType:
        top = name.partition(".")[0]
        if level == 0 and top in hub.names:
            module = builtins.__import__(f"{hub.package}.{name}", None, None, fromlist or (), 0)
            return module if fromlist else sys.modules[f"{hub.package}.{top}"]
        return builtins.__import__(name, globals, locals, fromlist or (), level)

    return hub_import


class _HubLoader(importlib.machinery.SourceFileLoader):
    """Loads a hub's source file with the hub's ``__builtins__`` in place before it runs."""

    def __init__(self, fullname: str, path: str, hub_builtins: dict[str, Any]) -> None:
        super().__init__(fullname, path)
        self.hub_builtins = hub_builtins

    def exec_module(self, module: types.ModuleType) -> None:
        module.__dict__["__builtins__"] = self.hub_builtins
        super().exec_module(module)


class _AliasLoader(importlib.abc.Loader):
    """Gives the private module for a public name during a window, leaving its own spec intact."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return self.module

    def exec_module(self, module: types.ModuleType) -> None:
        module.__spec__ = self.spec  # the import system overwrote it with the alias spec


class _HubFinder(importlib.abc.MetaPathFinder):
    """Finds private hub modules, and during a window the hub's public names."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        top = fullname.partition(".")[0]
        hub = _HUBS.get(top)
        if hub is not None:
            return _private_spec(hub, fullname, path)
        if _ACTIVE and top in _ACTIVE[-1].names:
            return _alias_spec(_ACTIVE[-1], fullname)
        return None


def _private_spec(hub: Hub, fullname: str, path: Sequence[str] | None) -> importlib.machinery.ModuleSpec | None:
    spec = importlib.machinery.PathFinder.find_spec(fullname, path)
    if spec is None:
        return None
    hub.modules.add(fullname)
    if type(spec.loader) is importlib.machinery.SourceFileLoader and spec.origin:
        spec.loader = _HubLoader(fullname, spec.origin, hub.builtins)
    return spec


def _alias_spec(hub: Hub, fullname: str) -> importlib.machinery.ModuleSpec | None:
    private = f"{hub.package}.{fullname}"
    try:
        module = importlib.import_module(private)
    except ModuleNotFoundError as error:
        if error.name == private:
            return None
        raise
    is_package = hasattr(module, "__path__")
    spec = importlib.machinery.ModuleSpec(fullname, _AliasLoader(module), is_package=is_package)
    if is_package:
        spec.submodule_search_locations = list(module.__path__)
    return spec


_FINDER = _HubFinder()


def _install_finder() -> None:
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


@contextlib.contextmanager
def window(hub: Hub) -> Iterator[None]:
    """Make the hub's names visible process-wide (and its folder first on sys.path) for a while."""
    with _WINDOW_LOCK:
        saved = _swap_in(hub)
        sys.path.insert(0, str(hub.path))
        _ACTIVE.append(hub)
        try:
            yield
        finally:
            _ACTIVE.pop()
            with contextlib.suppress(ValueError):
                sys.path.remove(str(hub.path))
            _swap_out(hub, saved)


def _public_keys(names: frozenset[str]) -> list[str]:
    """Entries of sys.modules under any of ``names`` (the modules, and the submodules of packages)."""
    present = [name for name in names if name in sys.modules]
    packages = tuple(f"{name}." for name in present if hasattr(sys.modules[name], "__path__"))
    if not packages:
        return present
    return present + [key for key in list(sys.modules) if key.startswith(packages)]


def _swap_in(hub: Hub) -> dict[str, types.ModuleType]:
    saved = {key: sys.modules.pop(key) for key in _public_keys(hub.names)}
    start = len(hub.package) + 1
    for private in sorted(hub.modules):
        module = sys.modules.get(private)
        if module is not None:
            sys.modules[private[start:]] = module
    return saved


def _swap_out(hub: Hub, saved: dict[str, types.ModuleType]) -> None:
    for key in _public_keys(hub.names):
        del sys.modules[key]
    sys.modules.update(saved)
