"""One real site, built once per test session and served on 127.0.0.1, for the site, notebook and browser tests.

The project is a fresh git repository made from this working tree: mkdocs.yml (its site_url pointing
at the local server), docs/, overrides/, the example hubs, the loader's sources, and a catalogue of
the example entries plus a hostile one whose docstrings and outputs try to inject markup. The build
runs as users run it, `python -m generator build`, in a child process with its own caches: it
verifies the entries, executes their notebooks, renders, ships the wheel, and runs MkDocs.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from support import verification
from support.hubrepos import PROJECT_ROOT, git

HOSTILE_ID = "hostile-widget"
HOSTILE_SCRIPT = "<script>window.pwned = 1</script>"
HOSTILE_IMG = '<img src=x onerror="window.pwned = 2">'
SEARCH_TAG = "widgets"  # only the hostile entry has it: search finds it by tag alone
COPIED = ("mkdocs.yml", "pyproject.toml", "README.md")
TREES = ("docs", "overrides", "pinhub", "examples/digits", "examples/digits-vae")

HOSTILE_HUBCONF = f'''
"""A hub whose text tries to become markup on its page."""

import torch

dependencies = ["torch"]


class Widget(torch.nn.Module):
    """{HOSTILE_SCRIPT}"""

    def __init__(self) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Scores. {HOSTILE_IMG} [click](javascript:window.pwned=3)"""
        return self.layer(x)

    def onerror(self) -> str:
        """A method whose name is an HTML attribute."""
        return "{HOSTILE_SCRIPT}"


def widget(pretrained: bool = False) -> Widget:
    """Makes a widget. {HOSTILE_SCRIPT} {HOSTILE_IMG}

    </pre><script>window.pwned = 4</script><pre>
    """
    return Widget()
'''

HOSTILE_EXAMPLE = f"""
import struct, zlib

import torch
from IPython.display import HTML, Image, display

def png(width, height, pixels):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\\x00" + bytes(pixels[y * width:(y + 1) * width]) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return b"\\x89PNG\\r\\n\\x1a\\n" + body

print("scores:", model(torch.ones(1, 4)).shape)
print('{HOSTILE_SCRIPT}')
display(HTML('{HOSTILE_IMG}'))
display(Image(data=png(8, 8, [(x * 32) % 256 for x in range(64)])))
"""


@dataclass(frozen=True)
class BuiltSite:
    """The test project, its built site, and the address it is served at."""

    project: Path
    site: Path
    url: str
    build_output: str
    cache: Path

    def page(self, path: str) -> str:
        """The built HTML at `path` (relative to the site root; a folder means its index.html)."""
        target = self.site / path
        return (target / "index.html" if target.is_dir() else target).read_text(encoding="utf-8")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """The tests read pages, not logs."""


def serve(folder: Path) -> str:
    """Serve `folder` (which may not exist yet) on 127.0.0.1 until the process ends; returns its URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


def make_project(root: Path, site_url: str) -> Path:
    """The test project in `root`: this working tree's site sources, example hubs and the hostile hub."""
    for name in COPIED:
        shutil.copy(PROJECT_ROOT / name, root / name)
    ignore = shutil.ignore_patterns("models", "catalogue.json", "simple", "__pycache__", "*.pyc")
    for tree in TREES:
        shutil.copytree(PROJECT_ROOT / tree, root / tree, ignore=ignore)
    mkdocs = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(re.sub(r"(?m)^site_url: .*$", f"site_url: {site_url}", mkdocs), "utf-8")
    hostile = root / "examples" / "hostile"
    hostile.mkdir(parents=True)
    (hostile / "hubconf.py").write_text(HOSTILE_HUBCONF, encoding="utf-8")
    (root / "catalogue").mkdir()
    (root / "catalogue" / "catalogue.yaml").write_text(yaml.safe_dump(catalogue()), encoding="utf-8")
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "test project")
    return root


def catalogue() -> dict[str, Any]:
    """This project's catalogue, cut down to the example entries, plus the hostile entry."""
    real = yaml.safe_load((PROJECT_ROOT / "catalogue" / "catalogue.yaml").read_text(encoding="utf-8"))
    examples = [entry for entry in real["models"] if str(entry["repo"]).startswith("./examples/")]
    hostile = {
        "id": HOSTILE_ID,
        "title": "Hostile widget",
        "summary": "A hub whose docstrings and outputs try to inject markup into its page.",
        "repo": "./examples/hostile",
        "entrypoints": ["widget"],
        "category": real["categories"][0]["id"],
        "tags": [SEARCH_TAG],
        "license": "MIT",
        "smoke": {"kwargs": {"pretrained": False}, "input": {"shape": [1, 4]}, "timeout": 120},
        "accelerator": "cpu",
        "example": textwrap.dedent(HOSTILE_EXAMPLE).strip(),
    }
    tags = [*real.get("tags", []), SEARCH_TAG]
    setting = verification.SETTING  # torch as installed here, not the real catalogue's CUDA pair
    return {"categories": real["categories"], "tags": tags, "verification": setting, "models": [*examples, hostile]}


def build(project: Path, cache: Path) -> str:
    """`python -m generator build --strict` in the project, with every cache inside `cache`."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PINHUB_", "TORCH_HOME", "XDG_CACHE_HOME"))},
        "PINHUB_BUILD_CACHE": str(cache / "build"),
        "TORCH_HOME": str(cache / "torch"),
        "XDG_CACHE_HOME": str(cache / "xdg"),
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    command = [sys.executable, "-m", "generator", "--root", str(project), "build", "--quiet", "--strict"]
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        pytest.fail(f"the test site did not build ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-6000:]}")
    return done.stdout + done.stderr


_BUILT: dict[str, BuiltSite] = {}


def built_site(factory: pytest.TempPathFactory) -> BuiltSite:
    """The session's site, built on first use (tests in several folders share it)."""
    if "site" not in _BUILT:
        root = factory.mktemp("site-project")
        url = serve(root / "project" / "site")
        (root / "project").mkdir()
        project = make_project(root / "project", url)
        output = build(project, root / "cache")
        _BUILT["site"] = BuiltSite(project, project / "site", url, output, root / "cache")
    return _BUILT["site"]
