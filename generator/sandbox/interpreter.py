"""The folders an interpreter needs inside the sandbox, found from its files without running it.

A hub's environment may hold packages the hub's requirements installed, so nothing here executes the
interpreter or any `.pth` file: its folders come from the executable's path, `pyvenv.cfg`'s `home`
and the symlinks between them. Only for the generator's own interpreter are editable installs followed
(PEP 610 `direct_url.json`, and `.pth` lines that name a folder): they are the project's own packages.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import unquote, urlparse


def interpreter_folders(python: Path) -> list[Path]:
    """The virtual environment `python` belongs to (if any) and the installation its executable comes from."""
    python = Path(os.path.abspath(python))
    folders = []
    venv = python.parent.parent
    config = venv / "pyvenv.cfg"
    if config.is_file():
        folders.append(venv)
        home = _pyvenv_home(config)
        if home is not None:
            folders.append(Path(os.path.realpath(home)).parent)
    folders.append(Path(os.path.realpath(python)).parent.parent)
    return list(dict.fromkeys(folders))


def editable_sources(python: Path) -> list[Path]:
    """The source folders of the editable installs in `python`'s environment."""
    found: list[Path] = []
    for site in _site_packages(interpreter_folders(python)):
        for record in site.glob("*.dist-info/direct_url.json"):
            found.extend(_editable_folder(record))
        for pth in site.glob("*.pth"):
            found.extend(_pth_folders(pth))
    return list(dict.fromkeys(found))


def _pyvenv_home(config: Path) -> Path | None:
    for line in config.read_text(encoding="utf-8", errors="replace").splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "home" and value.strip():
            return Path(value.strip())
    return None


def _site_packages(prefixes: list[Path]) -> list[Path]:
    return [site for prefix in prefixes for site in prefix.glob("lib*/python3*/site-packages") if site.is_dir()]


def _editable_folder(record: Path) -> list[Path]:
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict) or not (data.get("dir_info") or {}).get("editable"):
        return []
    url = urlparse(str(data.get("url", "")))
    folder = Path(unquote(url.path))
    return [folder] if url.scheme == "file" and folder.is_dir() else []


def _pth_folders(pth: Path) -> list[Path]:
    try:
        lines = pth.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    names = [line.strip() for line in lines if line.strip() and not line.startswith(("#", "import ", "import\t"))]
    return [folder for folder in (pth.parent / name for name in names) if folder.is_dir()]
