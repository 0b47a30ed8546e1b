"""Describe a checked-out hub: read its source, then import it in the sandbox; if that fails, keep the source's view."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from generator.introspect.static import StaticEntrypoint, StaticHubconf, read_hubconf
from generator.lock.records import EntrypointLock, Status
from generator.outcomes import classify, missing_packages
from generator.sandbox import Limits, run_probe

PROBE = Path(__file__).with_name("probe.py")
IMPORT_TIMEOUT = 120.0


@dataclass
class HubInfo:
    """The introspect stage's output for one hub.

    Attributes:
        dependencies: What hubconf.py declares in `dependencies`.
        entrypoints: As torch.hub.list lists them (dynamic), or as the source shows them (static).
        method: "dynamic" (imported) or "static" (read from the source after the import failed).
        error: Why the import failed ('' when it did not).
        status: The import's status, as a smoke load's would be ('ok' when it imported).
        missing_packages: Packages the import needed that the environment did not have.
        isolation: How the import was kept in its box.
    """

    dependencies: list[str]
    entrypoints: list[EntrypointLock]
    method: Literal["dynamic", "static"]
    error: str = ""
    status: Status = "ok"
    missing_packages: list[str] = field(default_factory=list)
    isolation: str = ""


@dataclass(frozen=True)
class ImportSettings:
    """How to import a hub: with which interpreter and loader copy, for how long, trusted or not."""

    python: Path | None = None
    import_paths: tuple[Path, ...] = ()
    timeout: float = IMPORT_TIMEOUT
    trusted: bool = False


def introspect_hub(hub_dir: Path, settings: ImportSettings | None = None) -> HubInfo:
    """Read hub_dir/hubconf.py, then import it in a sandboxed subprocess and list its entrypoints.

    Raises:
        SandboxUnavailableError: no sandbox here, and the settings do not trust the hub.
    """
    settings = settings or ImportSettings()
    static = read_hubconf(hub_dir / "hubconf.py")
    outcome = run_probe(
        PROBE,
        [str(hub_dir)],
        Limits(timeout=settings.timeout),
        python=settings.python,
        readable=[hub_dir],
        import_paths=settings.import_paths,
        trusted=settings.trusted,
    )
    result = outcome.result or {}
    if result.get("ok"):
        return HubInfo(
            dependencies=list(result["dependencies"]),
            entrypoints=[EntrypointLock.model_validate(e) for e in result["entrypoints"]],
            method="dynamic",
            isolation=outcome.isolation,
        )
    status, reason = classify(outcome, settings.timeout, hub_dir)
    missing = missing_packages(result, hub_dir)
    return HubInfo(
        dependencies=static.dependencies,
        entrypoints=static_entrypoints(static),
        method="static",
        error=static.error or import_failure(reason, missing),
        status="error" if static.error else status,
        missing_packages=missing,
        isolation=outcome.isolation,
    )


def source_view(hub_dir: Path) -> HubInfo:
    """What the source alone tells (no code run): for entries whose environment could not be made."""
    static = read_hubconf(hub_dir / "hubconf.py")
    return HubInfo(static.dependencies, static_entrypoints(static), "static", error=static.error)


def static_entrypoints(static: StaticHubconf) -> list[EntrypointLock]:
    """The entrypoints the source shows, as lock records (imported names are of unknown kind)."""
    return [_static_entrypoint(e) for e in static.entrypoints]


def _static_entrypoint(found: StaticEntrypoint) -> EntrypointLock:
    kind: Literal["function", "class", "other"] = "other" if found.kind == "imported" else found.kind
    return EntrypointLock(
        name=found.name,
        kind=kind,
        signature=found.signature,
        docstring=found.docstring,
        defined_at=f"hubconf.py:{found.line}" if found.line else "",
    )


def import_failure(reason: str, missing: list[str]) -> str:
    """One line for the page: which packages are missing, else why the import failed."""
    if missing:
        return f"missing dependencies: {', '.join(missing)} (declare them in the entry's requirements:)"
    return f"importing hubconf.py failed: {reason}"
