"""`catalogue.json`: the machine-readable index of the site (entries, commits, entrypoints, smoke status).

The loader resolves a catalogue id through it: `entries[i].source` holds everything `pinhub.load`
needs (GitHub repo or git URL, commit, sub-folder), `entrypoints` the names it accepts. The file is a
pure function of catalogue + lock, so a rebuild with nothing new writes the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from generator.config import ProjectConfig
from generator.lock.records import SmokeResult
from generator.render.view import EntrypointView, ModelView

FORMAT = 1


def catalogue_json(views: list[ModelView], config: ProjectConfig) -> str:
    """The index as JSON text (sorted keys, two-space indent, trailing newline)."""
    document = {
        "format": FORMAT,
        "site_url": config.site_url,
        "repo": config.github_repo,
        "entries": [_entry(view, config.site_url) for view in views],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _entry(view: ModelView, site_url: str) -> dict[str, Any]:
    entry, record = view.entry, view.lock
    primary = view.primary
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
        "default_entrypoint": primary.name if primary else None,
        "load_kwargs": entry.load_kwargs,
        "dependencies": list(record.dependencies) if record else [],
        "verified": view.verified,
        "verified_at": (record.verified_at or None) if record else None,
        "torch_version": (record.torch_version or None) if record else None,
        "stale": bool(record and record.stale),
        "entrypoints": [_entrypoint(e) for e in view.entrypoints],
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
        "featured": view.featured,
        "auxiliary": view.auxiliary,
        "smoke": {device: _smoke(result) for device, result in view.smoke},
    }


def _smoke(result: SmokeResult) -> dict[str, Any]:
    return {
        "status": result.status,
        "reason": result.reason,
        "load_seconds": result.seconds,
        "parameters": result.parameters,
        "input_shape": result.input_shape,
        "output_shape": result.output_shape,
    }
