"""What a hub's files show without running them: hubconf.py's declarations and imports (read by the
introspect stage's reader), and the weight files and URLs in every Python file (ast only)."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from generator.environments.requirements import requirement_name
from generator.introspect.static import PARSE_LOCK, StaticHubconf, read_hubconf
from generator.lock.records import normalise_name

WEIGHT_SUFFIXES = (".pt", ".pth", ".bin", ".ckpt", ".safetensors", ".pth.tar")
# Functions whose URL argument is a weight file whatever its name ends with.
DOWNLOADERS = {"load_state_dict_from_url", "load_url", "download_url_to_file"}
SKIPPED_DIRS = {".git", "__pycache__", ".github", "node_modules"}
MAX_FILES = 2000
MAX_FILE_BYTES = 2_000_000


@dataclass
class HubSource:
    """The parts of a hub check-repo reads from its files.

    Attributes:
        declares_dependencies: hubconf.py assigns `dependencies` at the top level.
        imports: Top-level packages hubconf.py imports that are neither the standard library nor the hub's own.
        weight_urls: http(s) literals in the hub's Python files that look like weight files.
        weight_files: Weight files committed in the hub's folder (relative paths).
    """

    declares_dependencies: bool = False
    imports: list[str] = field(default_factory=list)
    weight_urls: list[str] = field(default_factory=list)
    weight_files: list[str] = field(default_factory=list)

    @property
    def has_weights(self) -> bool:
        """Whether the hub has weights to load (files or URLs)."""
        return bool(self.weight_urls or self.weight_files)


def read_hub_source(hub_dir: Path) -> HubSource:
    """Scan `hub_dir`: hubconf.py's declarations and imports, every Python file's weight URLs."""
    declared = read_hubconf(hub_dir / "hubconf.py")
    found = HubSource(declares_dependencies=declared.declares_dependencies, imports=_third_party(declared, hub_dir))
    urls: set[str] = set()
    for path in _files(hub_dir):
        if path.name.endswith(WEIGHT_SUFFIXES):
            found.weight_files.append(path.relative_to(hub_dir).as_posix())
        elif path.suffix == ".py":
            tree = _parse(path)
            urls.update(weight_urls(tree) if tree is not None else ())
    found.weight_urls = sorted(urls)
    return found


def comparable_name(requirement: str) -> str:
    """A `dependencies` item or an import as they compare: 'scikit-learn>=1' and 'scikit_learn' → 'scikit_learn'."""
    return normalise_name(requirement_name(requirement) or requirement).replace("-", "_")


def weight_urls(tree: ast.AST) -> set[str]:
    """URL literals that name a weight file, or that are passed to a function that downloads weights."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _looks_like_weights(node.value):
            found.add(node.value)
        elif isinstance(node, ast.Call) and _called_name(node.func) in DOWNLOADERS:
            arguments = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "url")]
            found.update(str(a.value) for a in arguments if isinstance(a, ast.Constant) and _is_http(a.value))
    return found


def _looks_like_weights(text: str) -> bool:
    return _is_http(text) and urlsplit(text).path.lower().endswith(WEIGHT_SUFFIXES)


def _is_http(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://")) and " " not in value


def _called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _third_party(declared: StaticHubconf, hub_dir: Path) -> list[str]:
    names = set(declared.imports)
    own = {name for name in names if (hub_dir / f"{name}.py").is_file() or (hub_dir / name).is_dir()}
    return sorted(names - own - set(sys.stdlib_module_names) - {"__future__"})


def _files(hub_dir: Path) -> list[Path]:
    found: list[Path] = []
    for path in sorted(hub_dir.rglob("*")):
        if len(found) >= MAX_FILES:
            break
        if SKIPPED_DIRS.isdisjoint(path.relative_to(hub_dir).parts) and path.is_file():
            found.append(path)
    return found


def _parse(path: Path) -> ast.Module | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        text = path.read_text(encoding="utf-8")
        with PARSE_LOCK:  # ast.parse is not safe from two threads at once (see introspect/static.py)
            return ast.parse(text, filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return None
