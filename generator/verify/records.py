"""Lock records from what the stages found: the entry's record, then each entrypoint's final say.

Docstrings of hubs outside this project leave the record here: their text goes to the docstring
cache (generator/lock/docstrings.py) and the record keeps its hash.
"""

from __future__ import annotations

from datetime import UTC, datetime

from generator.catalogue.model import Entry
from generator.environments import ReadyEnvironment
from generator.fetch import Checkout
from generator.introspect import HubInfo
from generator.lock.docstrings import text_sha256, write_docstrings
from generator.lock.records import EntryLock, EntrypointLock
from generator.outcomes import public_text
from generator.verify.context import VerifyContext


def new_record(
    entry: Entry,
    checkout: Checkout,
    hub: HubInfo,
    key: str,
    requirements: list[str],
    environment: ReadyEnvironment | None,
    context: VerifyContext,
) -> EntryLock:
    """The record of a fresh verification, before its smoke loads."""
    entrypoints = [_with_featured(e, entry) for e in hub.entrypoints]
    known = {e.name for e in entrypoints}
    entrypoints += [
        EntrypointLock(name=n, kind="other", found=False) for n in entry.entrypoints or [] if n not in known
    ]
    record = EntryLock(
        id=entry.id,
        key=key,
        repo=entry.repo,
        subdir=checkout.subdir,
        commit=checkout.commit,
        on_ref=checkout.on_ref,
        dirty=checkout.dirty,
        verified_at=datetime.now(UTC).isoformat(timespec="seconds"),
        dependencies=hub.dependencies,
        requirements=requirements,
        missing_packages=hub.missing_packages,
        introspection="dynamic" if hub.method == "dynamic" else "static",
        introspection_error=public_text(hub.error),
        introspection_status=hub.status,
        isolation=hub.isolation,
        entrypoints=entrypoints,
    )
    keep_docstrings(record, entry.is_local, context)
    return record


def _with_featured(entrypoint: EntrypointLock, entry: Entry) -> EntrypointLock:
    featured = entry.entrypoints is None or entrypoint.name in entry.entrypoints
    return entrypoint.model_copy(update={"featured": featured, "signature": public_text(entrypoint.signature)})


def keep_docstrings(record: EntryLock, local: bool, context: VerifyContext) -> None:
    """Hash every docstring (and forward doc) of `record`; move the texts of a remote hub to the cache."""
    texts: dict[str, str] = {}
    for entrypoint in record.entrypoints:
        if entrypoint.docstring:  # a text moved to the cache earlier leaves its hash in place
            entrypoint.docstring_sha256 = text_sha256(entrypoint.docstring)
            texts[entrypoint.name] = entrypoint.docstring
            entrypoint.docstring = entrypoint.docstring if local else ""
        for result in entrypoint.smoke.values():
            if result.model is not None and result.model.forward_doc:
                result.model.forward_doc_sha256 = text_sha256(result.model.forward_doc)
                texts[f"{entrypoint.name}.forward"] = result.model.forward_doc
                result.model.forward_doc = result.model.forward_doc if local else ""
    if any(texts.values()):
        write_docstrings(context.docstrings_dir, record, texts)


def settle_featured(record: EntryLock, entry: Entry) -> None:
    """Once every load is done: with no list in the catalogue, helpers (entrypoints that only need arguments
    or the network, e.g. an imported `Path` or a class) are not featured, so they never fail the entry."""
    if entry.entrypoints is not None:
        return
    for entrypoint in record.entrypoints:
        entrypoint.featured = not entrypoint.is_helper
