"""The lock key: a hash of everything an entry's verification result depends on."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from generator.catalogue.model import Entry

GENERATOR_ROOT = Path(__file__).resolve().parent.parent
# The code that runs inside the sandbox: a change to it can change any result.
PROBE_SOURCES = ("sandbox/child.py", "sandbox/guard.py", "introspect/probe.py", "smoke/probe.py")


def entry_key(entry: Entry, commit: str | None, content_digest: str, torch_version: str) -> str:
    """sha256 over the repo, commit, hub contents, what is smoke-loaded and how, torch, and the probes."""
    inputs: dict[str, Any] = {
        "repo": entry.repo,
        "subdir": entry.subdir,
        "commit": commit,
        "content": content_digest,
        "entrypoints": entry.entrypoints,
        "smoke": entry.smoke.model_dump(mode="json"),
        "torch": torch_version,
        "probes": probes_digest(),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


@cache
def probes_digest() -> str:
    """Hash of the sandboxed probe scripts."""
    digest = hashlib.sha256()
    for relative in PROBE_SOURCES:
        digest.update((GENERATOR_ROOT / relative).read_bytes())
    return digest.hexdigest()[:16]
