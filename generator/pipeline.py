"""The build, in order: catalogue → verify (fetch → environment → introspect → smoke) → lock → examples
→ render → site.

This is the one module that knows the stages' order; `generator.verify` sequences the stages of one
entry. A CI matrix splits the middle part: `lock` with a shard writes a shard file per job, `merge`
makes the lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.catalogue import Catalogue, load_catalogue
from generator.catalogue.model import Entry
from generator.config import ProjectConfig
from generator.environments import machine_devices
from generator.errors import GeneratorError, InvalidInputError
from generator.example_runs import ExamplesContext, ExamplesReport, cached_examples, run_examples
from generator.lock import MergeReport, Shard, merge_shards, only_devices, read_lock, read_shard, write_lock
from generator.lock.records import EntryLock, Environment, Lock, ShardLock
from generator.render import Rendered, example_notebooks, read_votes, render_pages
from generator.render.notebooks import INSTALL_TAG
from generator.settings import build_cache_dir, environments_dir
from generator.site import SiteBuild, build_site, publish_loader
from generator.verify import Progress, Verification, VerifyContext, verify_entries


@dataclass(frozen=True)
class LockOptions:
    """How `lock` runs.

    Attributes:
        only: Limit the run to these entry ids.
        force: Rebuild entries even when their key says nothing changed.
        progress: Where to report each step.
        jobs: How many fetches, imports and smoke loads run at once.
        shard: Verify only this slice of the catalogue.
        output: Write a shard file here (this run's entries and devices only) instead of catalogue.lock.
        devices: Smoke-load on these devices only (default: every device this machine has).
        retry_unfetchable: Try entries that could not be fetched last time again (`build` does not: an
            offline build must not wait on hosts it cannot reach).
        trusted: Run hub code even where no sandbox is available (the maintainer trusts every hub).
    """

    only: tuple[str, ...] = ()
    force: bool = False
    progress: Progress | None = None
    jobs: int = 1
    shard: Shard | None = None
    output: Path | None = None
    devices: tuple[str, ...] | None = None
    retry_unfetchable: bool = True
    trusted: bool = False


@dataclass
class LockReport:
    """The lock after a run, which entries were rebuilt, whether the file changed, and each entry's outcome.

    `catalogue` is the catalogue the run read, so that later stages of the same build need not read it again.
    """

    lock: Lock
    rebuilt: list[str]
    written: bool
    path: Path | None = None
    outcomes: dict[str, tuple[str, float]] = field(default_factory=dict)
    catalogue: Catalogue | None = None


def read_catalogue(config: ProjectConfig) -> Catalogue:
    """Stage 1 alone: the catalogue, read and checked (raises InvalidInputError listing every problem)."""
    return load_catalogue(config.catalogue)


def lock(config: ProjectConfig, options: LockOptions) -> LockReport:
    """Verify the selected entries (reusing unchanged ones) and write catalogue.lock, or a shard file."""
    catalogue = load_catalogue(config.catalogue)
    previous = read_lock(config.lock)
    selected = select_entries(catalogue, options.only, options.shard)
    cache = build_cache_dir()
    context = VerifyContext(
        project_root=config.root,
        cache_dir=cache,
        environments_dir=environments_dir(cache),
        docstrings_dir=config.cache_dir,
        verification=catalogue.verification,
        devices=_devices(options.devices),
        force=options.force,
        retry_unfetchable=options.retry_unfetchable,
        trusted=options.trusted,
        progress=options.progress,
    )
    verified = verify_entries([(e, previous.entries.get(e.id)) for e in selected], context, options.jobs)
    records = _in_catalogue_order(catalogue, {**previous.entries, **{v.entry.id: v.record for v in verified}})
    new_lock = Lock(environments=_environments(records, previous, verified), entries=records)
    report = LockReport(new_lock, [v.entry.id for v in verified if not v.reused], False, config.lock)
    report.outcomes = {v.entry.id: (v.outcome, v.seconds) for v in verified}
    report.catalogue = catalogue
    if options.output is not None:
        report.path = options.output
        report.written = write_lock(options.output, _shard_file(verified, options, context, new_lock))
    elif new_lock != previous or not config.lock.exists():  # comparing records is cheaper than formatting them
        report.written = write_lock(config.lock, new_lock)
    return report


def select_entries(catalogue: Catalogue, only: Sequence[str], shard: Shard | None) -> list[Entry]:
    """The entries a run verifies: those named by `only` (all when empty) that fall in `shard`, less those
    awaiting a pin (nothing of theirs can be verified until they have a commit).

    Raises:
        UnknownEntryError: `only` names an entry the catalogue lacks (the message lists the known ids).
    """
    for entry_id in only:
        catalogue.entry(entry_id)  # an unknown id is an error, not a silent no-op
    chosen = [e for e in catalogue.models if (not only or e.id in only) and (shard is None or shard.contains(e.id))]
    return [e for e in chosen if e.awaiting_pin is None]


def merge(config: ProjectConfig, shard_files: Sequence[Path]) -> tuple[MergeReport, bool]:
    """Combine shard files into catalogue.lock (written atomically, and only when every file agrees)."""
    catalogue = load_catalogue(config.catalogue)
    previous = read_lock(config.lock)
    shards, problems = [], []
    for path in shard_files:
        try:
            shards.append((path, read_shard(path)))
        except InvalidInputError as error:
            problems += error.problems
    if problems:
        raise InvalidInputError(problems)
    report = merge_shards(previous, shards, [e.id for e in catalogue.models])
    return report, write_lock(config.lock, report.lock)


def examples(config: ProjectConfig, read: tuple[Catalogue, Lock] | None = None) -> ExamplesReport:
    """Run the example entries' notebooks (cached by content) for their pages' "Example output".

    `read`: the catalogue and lock when the build has them already (else they are read from their files).
    """
    catalogue, current = read or (load_catalogue(config.catalogue), read_lock(config.lock))
    context = ExamplesContext(config.root, config.github_repo, config.example_outputs, INSTALL_TAG)
    return run_examples(example_notebooks(catalogue, current, config), context)


def render(
    config: ProjectConfig, executed: ExamplesReport | None = None, read: tuple[Catalogue, Lock] | None = None
) -> Rendered:
    """Stage 6 alone: pages from the catalogue, the committed lock and the executed examples, and the
    Reliability page from the last test run's results in the build folder.

    No network and no model code: without `executed`, example outputs come from the cache only.
    `read`: the catalogue and lock when the build has them already (else they are read from their files).
    """
    catalogue, current = read or (load_catalogue(config.catalogue), read_lock(config.lock))
    if executed is None:
        outputs = cached_examples(example_notebooks(catalogue, current, config), config.example_outputs)
    else:
        outputs = executed.executed
    return render_pages(catalogue, current, config, outputs, read_votes(config.reactions))


def site(config: ProjectConfig) -> SiteBuild:
    """Stage 7 alone: the loader's wheel and package index into the docs folder, then MkDocs over it.

    A generated page MkDocs rejects is published as a stand-in that says why (`SiteBuild.replaced`).
    """
    publish_loader(config.root, config.docs_dir / "simple")
    return build_site(config.mkdocs_yml, config.site_dir, docs_dir=config.docs_dir)


def build(config: ProjectConfig, options: LockOptions) -> tuple[LockReport, Rendered, SiteBuild]:
    """Everything, end to end."""
    report = lock(config, options)
    read = (report.catalogue or load_catalogue(config.catalogue), report.lock)  # the catalogue is parsed once
    rendered = render(config, examples(config, read), read)
    return report, rendered, site(config)


def _devices(requested: tuple[str, ...] | None) -> tuple[str, ...]:
    here = machine_devices()
    if requested is None:
        return here
    unavailable = [device for device in requested if device not in here]
    if unavailable:
        raise GeneratorError(f"--device {unavailable[0]}: this machine has only {', '.join(here)}")
    return requested


def _environments(
    records: dict[str, EntryLock], previous: Lock, verified: list[Verification]
) -> dict[str, Environment]:
    """Every environment a record refers to, from this run or the previous lock, by id."""
    known = {**previous.environments, **{k: v for item in verified for k, v in item.environments.items()}}
    used = {i for record in records.values() for i in record.environments.values()}
    return {i: known[i] for i in sorted(used) if i in known}


def _shard_file(verified: list[Verification], options: LockOptions, context: VerifyContext, lock: Lock) -> ShardLock:
    devices = list(context.devices)
    entries = {v.entry.id: only_devices(v.record, devices) for v in verified}
    used = {i for record in entries.values() for i in record.environments.values()}
    return ShardLock(
        shard=str(options.shard or Shard(1, 1)),
        devices=devices,
        environments={i: e for i, e in lock.environments.items() if i in used},
        entries=entries,
    )


def _in_catalogue_order(catalogue: Catalogue, records: dict[str, EntryLock]) -> dict[str, EntryLock]:
    """Records of entries still in the catalogue and pinned (a removed entry's record goes with it, and an
    entry awaiting a pin has nothing verified to record)."""
    return {e.id: records[e.id] for e in catalogue.models if e.id in records and e.awaiting_pin is None}
