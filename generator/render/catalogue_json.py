"""`catalogue.json`: the machine-readable index of the site (entries, commits, entrypoints, verdicts).

The loader resolves a catalogue id through it: `entries[i].source` holds everything `pinhub.load`
needs (GitHub repo or git URL, commit, sub-folder), `default_entrypoint` the name it loads and
`verified` whether the build's verdict (`EntryLock.verdict`, also given as `verdict`) is "verified".
`entrypoints` describes the featured entrypoints in full; `other_entrypoints` lists every other name
in groups of one kind and status (`{"kind", "status", "names"}`), so that a hub with a thousand names
keeps the file small. `requirements` are what the page's install line adds to pinhub, pinned to the
versions the build verified with when `pinned` is true.

The file is a pure function of catalogue + lock, one entry a line, so a rebuild with nothing new
writes the same bytes and a change shows as a change of its entry's line.
"""

from __future__ import annotations

import json
from typing import Any

from generator.config import ProjectConfig
from generator.lock.records import SmokeResult
from generator.render.entrypoints import EntrypointView, OtherEntrypoint
from generator.render.view import ModelView

FORMAT = 1


def catalogue_json(views: list[ModelView], config: ProjectConfig) -> str:
    """The index as JSON text: the site's fields, then `entries`, one entry a line (keys sorted in each)."""
    head = {"format": FORMAT, "site_url": config.site_url, "repo": config.github_repo}
    fields = [f"{_compact(key)}:{_compact(value)}" for key, value in head.items()]
    entries = ",\n".join(_compact(_entry(view, config.site_url)) for view in views)
    return "{" + ",".join(fields) + ',"entries":[\n' + entries + "\n]}\n"


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _entry(view: ModelView, site_url: str) -> dict[str, Any]:
    entry, record = view.entry, view.lock
    return {
        "id": entry.id,
        "title": entry.title,
        "summary": entry.summary,
        "category": entry.category,
        "tags": list(entry.tags),
        "license": entry.license,
        "accelerator": entry.accelerator,
        "source": _source(view),
        "ref": entry.ref,
        "default_entrypoint": view.primary_name if view.entrypoints else None,
        "load_kwargs": entry.load_kwargs,
        "dependencies": list(record.dependencies) if record else [],
        "requirements": view.requirements,
        "pinned": view.pinned,
        "verdict": view.verdict,
        "verified": view.verdict == "verified",
        "verified_at": (record.verified_at or None) if record else None,
        "stale": bool(record and record.stale),
        "entrypoints": [_entrypoint(e) for e in view.entrypoints],
        "other_entrypoints": _others(view.others),
        "papers": [{"title": p.paper.title, "arxiv": p.paper.arxiv, "doi": p.paper.doi} for p in view.papers],
        "page": f"{site_url}models/{entry.id}/",
        "notebook": f"{site_url}models/{entry.id}.ipynb",
        "colab": view.colab_url,
    }


def _source(view: ModelView) -> dict[str, Any]:
    """What `pinhub.load` needs: GitHub 'owner/name' (else a git URL), the commit and the sub-folder."""
    source = view.source
    return {
        "github": source.github,
        "git_url": None if source.github else source.git_url,
        "commit": source.commit,
        "subdir": source.subdir,
    }


def _entrypoint(view: EntrypointView) -> dict[str, Any]:
    return {
        "name": view.name,
        "kind": view.kind,
        "found": view.found,
        "auxiliary": view.auxiliary,
        "smoke": {device: _smoke(result) for device, result in view.smoke},
    }


def _others(others: list[OtherEntrypoint]) -> list[dict[str, Any]]:
    """The entrypoints that are not featured, grouped by kind and status (groups in order of first name)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for other in others:
        groups.setdefault((other.kind, other.status), []).append(other.name)
    return [{"kind": kind, "status": status, "names": names} for (kind, status), names in groups.items()]


def _smoke(result: SmokeResult) -> dict[str, Any]:
    return {
        "status": result.status,
        "reason": result.reason,
        "load_seconds": result.seconds,
        "parameters": result.parameters,
        "input_shape": result.input_shape,
        "output_shape": result.output_shape,
    }
