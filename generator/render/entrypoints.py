"""The entrypoints of a model page: the featured ones in full, every other one as a row of a compact table.

A hub can expose hundreds of names (through `globals().update`); the page describes the ones the
catalogue features (`EntrypointLock.featured`) and lists the rest by name, kind and status, so that
it stays small and search still finds every name.

Docstrings come from `generator.lock.docstrings.read_docstrings` (texts checked against the lock's
hashes). Where a docstring exists but its text is not at hand, the page links to the definition at
the pinned commit instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from generator.catalogue.model import Entry
from generator.lock.records import DEVICES, EntryLock, EntrypointLock, SmokeResult
from generator.render import links
from generator.render.markup import html_text
from generator.render.snippets import Source
from generator.render.verification import by_device, meanings, status_symbol


@dataclass(frozen=True)
class EntrypointView:
    """One featured entrypoint, described in full."""

    name: str
    kind: str
    found: bool
    signature_html: Markup
    docstring_html: Markup
    docstring_missing: bool  # it has a docstring that this page does not hold
    docstring_url: str | None  # where to read it then (None off GitHub)
    defined_at: str
    auxiliary: bool
    smoke: list[tuple[str, SmokeResult]]

    @property
    def cpu(self) -> SmokeResult | None:
        """The CPU smoke result, if the entrypoint was smoke-loaded."""
        return dict(self.smoke).get("cpu")

    @property
    def meanings(self) -> list[tuple[str, str]]:
        """What each status of its smoke results means."""
        return meanings([result.status for _, result in self.smoke])


@dataclass(frozen=True)
class OtherEntrypoint:
    """An entrypoint that is not featured: one row of the compact table."""

    name: str
    kind: str
    status: str  # its status on CPU (else on the first device it was loaded on); '' when it was not

    @property
    def status_label(self) -> str:
        """'✓ ok', '– needs-arguments', '✗ error', or 'not loaded'."""
        return f"{status_symbol(self.status, featured=False)} {self.status}" if self.status else "not loaded"


def featured_names(entry: Entry, record: EntryLock | None) -> list[str]:
    """The featured entrypoints, in the catalogue's order: the lock's, else the catalogue's list."""
    if record is None or not record.entrypoints:
        return list(entry.entrypoints or [])
    order = list(entry.entrypoints or [])
    names = [e.name for e in record.featured]
    return sorted(names, key=lambda name: order.index(name) if name in order else len(order))


def primary_name(entry: Entry, record: EntryLock | None) -> str:
    """The entrypoint the page's main snippet loads: the first featured one that loaded a module,
    else the first featured one that is neither auxiliary nor a helper, else the first featured one."""
    names = featured_names(entry, record)
    found = [record.entrypoint(name) if record else None for name in names]
    loaded = [e.name for e in found if e and any(r.status == "ok" and r.is_module for r in e.smoke.values())]
    usable = [e.name for e in found if e and not (e.is_auxiliary or e.is_helper)]
    return next(iter(loaded or usable or names), "ENTRYPOINT")


def featured_views(
    entry: Entry, record: EntryLock | None, source: Source, docstrings: dict[str, str]
) -> list[EntrypointView]:
    """The featured entrypoints, in full (a name the lock lacks is shown as not found)."""
    views = []
    for name in featured_names(entry, record):
        info = record.entrypoint(name) if record else None
        found = info is not None and info.found
        views.append(_view(info or EntrypointLock(name=name, kind="other"), found, source, docstrings))
    return views


def other_entrypoints(record: EntryLock | None) -> list[OtherEntrypoint]:
    """Every entrypoint the lock found that is not featured, in the hub's order."""
    if record is None:
        return []
    return [OtherEntrypoint(e.name, e.kind, _status(e)) for e in record.entrypoints if not e.featured]


def _view(info: EntrypointLock, found: bool, source: Source, docstrings: dict[str, str]) -> EntrypointView:
    text = docstrings.get(info.name, "")
    missing = bool(info.docstring_sha256) and not text
    return EntrypointView(
        name=info.name,
        kind=info.kind,
        found=found,
        signature_html=html_text(f"{info.name}{info.signature}") if info.signature else Markup(""),
        docstring_html=html_text(text),
        docstring_missing=missing,
        docstring_url=definition_link(source, info) if missing else None,
        defined_at=info.defined_at,
        auxiliary=info.is_auxiliary,
        smoke=by_device(info.smoke),
    )


def definition_link(source: Source, info: EntrypointLock) -> str | None:
    """Where `info` is defined at the pinned commit: its line, else hubconf.py (None off GitHub)."""
    return links.definition_url(source, info.defined_at) or links.hubconf_url(source)


def _status(info: EntrypointLock) -> str:
    results = [info.smoke[device] for device in (*DEVICES, *sorted(info.smoke)) if device in info.smoke]
    return results[0].status if results else ""
