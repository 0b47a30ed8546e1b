"""Docstrings of hubs outside this project: kept in the build cache, keyed by commit, never in the lock.

The lock is committed with the project, and the project holds only what it wrote; a hub's docstrings
are the hub's text. The build that verifies an entry writes them here, one file per repository
commit; render uses them when present, and checks each against the hash the lock holds. A fresh
clone without this cache shows a link to each entrypoint's definition at the pinned commit instead.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from generator.files import write_text_atomic
from generator.lock.records import EntryLock


def text_sha256(text: str) -> str:
    """The hash the lock holds for a docstring ('' for none)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else ""


def docstrings_path(cache_dir: Path, repo: str, commit: str | None, subdir: str) -> Path:
    """The file holding the docstrings of `repo` at `commit` (GitHub names compared case-insensitively)."""
    name = json.dumps([repo.lower(), commit or "", subdir])
    return cache_dir / "docstrings" / f"{hashlib.sha256(name.encode()).hexdigest()[:20]}.json"


def write_docstrings(cache_dir: Path, record: EntryLock, texts: dict[str, str]) -> None:
    """Keep `texts` (entrypoint name, or 'name.forward' for a model's forward → docstring) for `record`."""
    path = docstrings_path(cache_dir, record.repo, record.commit, record.subdir)
    kept = read_texts(path)
    kept.update({name: text for name, text in texts.items() if text})
    document = {"repo": record.repo, "commit": record.commit, "subdir": record.subdir, "texts": kept}
    write_text_atomic(path, json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def read_docstrings(cache_dir: Path, record: EntryLock) -> dict[str, str]:
    """Name → docstring for `record`'s entrypoints (and 'name.forward'), checked against the lock's hashes.

    A text whose hash differs from the lock's is left out: the cache was written from another build.
    Docstrings the lock holds itself (hubs inside this project) are included.
    """
    texts = read_texts(docstrings_path(cache_dir, record.repo, record.commit, record.subdir))
    found: dict[str, str] = {}
    for entrypoint in record.entrypoints:
        text = entrypoint.docstring or texts.get(entrypoint.name, "")
        if text and text_sha256(text) == entrypoint.docstring_sha256:
            found[entrypoint.name] = text
        facts = [r.model for r in entrypoint.smoke.values() if r.model is not None]
        for forward in [*(f.forward_doc for f in facts), texts.get(f"{entrypoint.name}.forward", "")]:
            if forward and text_sha256(forward) in {f.forward_doc_sha256 for f in facts}:
                found[f"{entrypoint.name}.forward"] = forward
                break
    return found


def read_texts(path: Path) -> dict[str, str]:
    """The texts of one docstrings file ({} when it is missing or unreadable: it is only a cache)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    texts = document.get("texts") if isinstance(document, dict) else None
    return {str(k): str(v) for k, v in texts.items()} if isinstance(texts, dict) else {}
