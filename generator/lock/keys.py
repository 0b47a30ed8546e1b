"""The lock keys: hashes of everything an entry's verification result depends on.

An entry's key covers what introspection and smoke-loading depend on everywhere: the repo, commit
and hub contents, what is smoke-loaded and how, the torch release and Python version, the installed
version of every package the hub declares, and the generator's own probe code. A device key adds the
device, so that CPU and CUDA results are reused, carried over and merged independently: a machine
without a GPU can tell that a GPU machine's CUDA results still hold without being able to redo them.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

from generator.catalogue.model import Entry

GENERATOR_ROOT = Path(__file__).resolve().parent.parent
# The code that runs inside the sandbox: a change to it can change any result.
PROBE_SOURCES = ("sandbox/child.py", "sandbox/guard.py", "introspect/probe.py", "smoke/probe.py")
REQUIREMENT_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
MISSING = "missing"


def entry_key(
    entry: Entry, commit: str | None, content_digest: str, torch_version: str, dependency_versions: dict[str, str]
) -> str:
    """sha256 over the repo, commit, hub contents, smoke settings, torch, Python, dependencies and probes."""
    inputs: dict[str, Any] = {
        "repo": entry.repo,
        "subdir": entry.subdir,
        "commit": commit,
        "content": content_digest,
        "entrypoints": entry.entrypoints,
        "smoke": entry.smoke.model_dump(mode="json"),
        "torch": torch_release(torch_version),
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "dependencies": dependency_versions,
        "probes": probes_digest(),
    }
    return _digest(inputs)


def device_key(key: str, device: str) -> str:
    """The key of an entry's smoke results on one device ('cpu', 'cuda')."""
    return _digest({"entry": key, "device": device})


def torch_release(version: str) -> str:
    """'2.13.0+cu126' → '2.13.0': one release built for CPU or for CUDA gives the same CPU results.

    (Any version: the part after '+' is a PEP 440 local label, which names a build, not a release.)
    """
    return version.split("+")[0]


def dependency_versions(dependencies: list[str]) -> dict[str, str]:
    """The installed release of each declared dependency: a version, 'stdlib', 'present' or 'missing'.

    Read from package metadata, importing nothing, so that checking whether anything changed is cheap.
    A local version label is left out (torch '2.13.0+cu126' is release '2.13.0'), so that CPU and GPU
    machines with builds of the same releases agree on every key.
    """
    return {requirement: torch_release(installed_version(requirement)) for requirement in dependencies}


@cache  # one build sees one environment; a thousand entries that need torch look it up once
def installed_version(requirement: str) -> str:
    """The version of what `requirement` (an import name or a PEP 508 requirement) names, as installed."""
    match = REQUIREMENT_NAME.match(requirement)
    if match is None:
        return MISSING
    name = match.group(1)
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        pass
    top = name.split(".")[0]
    distributions = _import_names().get(top)
    if distributions:
        return importlib.metadata.version(distributions[0])
    if top in sys.stdlib_module_names:
        return "stdlib"
    try:
        return "present" if importlib.util.find_spec(top) is not None else MISSING
    except (ImportError, ValueError):
        return MISSING


@cache
def _import_names() -> dict[str, list[str]]:
    """Top-level import name → distributions that provide it (`PIL` → `pillow`)."""
    return dict(importlib.metadata.packages_distributions())


@cache
def probes_digest() -> str:
    """Hash of the sandboxed probe scripts."""
    digest = hashlib.sha256()
    for relative in PROBE_SOURCES:
        digest.update((GENERATOR_ROOT / relative).read_bytes())
    return digest.hexdigest()[:16]


def _digest(inputs: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
