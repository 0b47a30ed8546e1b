"""The lock keys: hashes of everything an entry's verification result depends on.

An entry's key covers what it asks for, the same on every machine: the repo (GitHub names in one
case), commit and, for hubs inside this project, their contents; what is featured and how it is
smoke-loaded; the catalogue's verification pair (Python, torch, torchvision) and the entry's
`requirements:`; and the code the probes run (the sandbox scripts and the `pinhub` loader). It covers
nothing about the machine that builds: which packages happen to be installed there, where its caches
are, which torch its own environment has. The exact packages the environment resolved to are
recorded beside the key, not hashed into it, so a lock made on one machine holds on any other,
offline, without resolving anything again.

A device key adds the device, so that CPU and CUDA results are reused, carried over and merged
independently: a machine without a GPU can tell that a GPU machine's CUDA results still hold.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from generator.catalogue.model import Entry, VerificationSetting
from generator.catalogue.repos import github_key
from generator.environments.loader import loader_digest

GENERATOR_ROOT = Path(__file__).resolve().parent.parent
# The code that runs inside the sandbox (besides the loader): a change to it can change any result.
PROBE_SOURCES = ("sandbox/child.py", "sandbox/guard.py", "introspect/probe.py", "smoke/probe.py")


def entry_key(entry: Entry, verification: VerificationSetting, commit: str | None, content_digest: str = "") -> str:
    """sha256 over the repo, commit, hub contents, smoke settings, verification pair, requirements and probes."""
    inputs: dict[str, Any] = {
        "repo": repo_key(entry.repo),
        "subdir": entry.subdir,
        "commit": commit,
        "content": content_digest,
        "entrypoints": entry.entrypoints,
        "smoke": entry.smoke.model_dump(mode="json"),
        "requirements": entry.requirements,
        "verification": verification.model_dump(mode="json"),
        "probes": probes_digest(),
    }
    return _digest(inputs)


def device_key(key: str, device: str) -> str:
    """The key of an entry's smoke results on one device ('cpu', 'cuda')."""
    return _digest({"entry": key, "device": device})


def repo_key(repo: str) -> str:
    """A repo as keys and comparisons see it: GitHub 'owner/name' in lower case in any of its forms (GitHub
    ignores case), any other repo as written (paths are case-sensitive)."""
    return github_key(repo)


@cache
def probes_digest() -> str:
    """Hash of the sandboxed probe scripts and of the loader they load hubs with."""
    digest = hashlib.sha256()
    for relative in PROBE_SOURCES:
        digest.update((GENERATOR_ROOT / relative).read_bytes())
    digest.update(loader_digest().encode())
    return digest.hexdigest()[:16]


def _digest(inputs: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
