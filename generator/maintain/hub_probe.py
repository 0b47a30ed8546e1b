"""Import and load a hub the way the build does: in a verification environment, in the sandbox.

check-repo and add make the hub's environment as the build makes an entry's (the catalogue's
`verification:` pair, the hub's `dependencies` mapped to distributions, the entry's `requirements:`;
see generator/environments), import hubconf.py with its Python, and smoke-load each entrypoint on CPU
with keywords that avoid downloading weights. When the import or a load stops at a package that
nobody declares, its distribution (`cv2` → `opencv-python`) is added and the environment made again,
a few rounds at most: what was added is what the entry's `requirements:` must hold.

Names that hubconf.py imports from elsewhere (`Path`, `partial`, a library's class) are listed by
torch.hub but are not the hub's models; they are not loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.catalogue.model import VerificationSetting
from generator.environments import (
    InstallError,
    ReadyEnvironment,
    distribution,
    hub_requirements,
    prepare_environment,
    verification_request,
)
from generator.environments.loader import loader_path
from generator.environments.requirements import requirement_name
from generator.introspect import HubInfo, ImportSettings, introspect_hub, source_view
from generator.introspect.static import read_hubconf
from generator.lock.records import EntrypointLock, SmokeResult, normalise_name
from generator.settings import build_cache_dir, environments_dir
from generator.smoke import SmokeRequest, smoke_entrypoint

MAX_ROUNDS = 6  # environments made at most: each round may add the packages the last one lacked
# How the smoke stage words a load that stopped at an undeclared package (generator/outcomes.py).
MISSING_REASON = re.compile(r"^imports (.+?), which neither the hub nor the catalogue declares")
TRUE_OR_FALSE = ("True", "False")


@dataclass(frozen=True)
class ProbeSettings:
    """What to probe with.

    Attributes:
        verification: The catalogue's verification pair (Python, torch, torchvision).
        environments: Where environments live (default: the build's, `$PINHUB_ENVIRONMENTS`).
        requirements: Requirement lines to start from (an entry's `requirements:`).
        smoke: Smoke-load the entrypoints too (else only import hubconf.py).
        smoke_timeout: Seconds each load may take.
        trusted: Run the hub's code even where no sandbox is available.
    """

    verification: VerificationSetting = field(default_factory=VerificationSetting)
    environments: Path | None = None
    requirements: tuple[str, ...] = ()
    smoke: bool = True
    smoke_timeout: float = 120.0
    trusted: bool = False

    @property
    def environments_dir(self) -> Path:
        """The folder environments are made in."""
        return self.environments or environments_dir(build_cache_dir())


@dataclass(frozen=True)
class Load:
    """One smoke load: the entrypoint, the keywords it was called with, and its result."""

    name: str
    kwargs: dict[str, Any]
    result: SmokeResult

    @property
    def call(self) -> str:
        """The call as Python would write it: `tiny(pretrained=False)`."""
        return f"{self.name}({', '.join(f'{key}={value!r}' for key, value in self.kwargs.items())})"

    @property
    def is_model(self) -> bool:
        """It loaded and returned an nn.Module."""
        return self.result.status == "ok" and self.result.is_module


@dataclass
class ProbedHub:
    """What probing a hub found.

    Attributes:
        hub: The introspection, in the environment (static when the import failed or no environment).
        requirements: What the environment held besides the pair (mapped `dependencies`, then the rest).
        added: Packages the import or a load needed that nobody declares: import name → distribution added.
        unresolved: Packages still missing at the end (could not be installed, or still not found).
        environment: The environment of the last round (None when none could be made).
        environment_error: Why an environment could not be made ('' when it could).
        loads: One per entrypoint of the hub's own, in the hub's order (empty when not smoke-loaded).
        imported: Entrypoints defined outside the hub's folder (imported helpers): not loaded.
    """

    hub: HubInfo
    requirements: list[str] = field(default_factory=list)
    added: dict[str, str] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)
    environment: ReadyEnvironment | None = None
    environment_error: str = ""
    loads: list[Load] = field(default_factory=list)
    imported: list[str] = field(default_factory=list)

    @property
    def own(self) -> list[EntrypointLock]:
        """The hub's own entrypoints (not names hubconf.py imports from elsewhere), in its order."""
        return own_entrypoints(self.hub, self.imported)

    def load(self, name: str) -> Load | None:
        """The load of entrypoint `name`, if it was loaded."""
        return next((load for load in self.loads if load.name == name), None)


def probe_hub(hub_dir: Path, settings: ProbeSettings) -> ProbedHub:
    """Make the hub's environment, import hubconf.py and smoke-load its entrypoints; add what they miss.

    Never raises for the hub's faults: an environment that cannot be made and a hubconf.py that does not
    import are reported in the result.

    Raises:
        SandboxUnavailableError: no sandbox here, and the settings do not trust the hub.
    """
    declared = read_hubconf(hub_dir / "hubconf.py").dependencies
    added: dict[str, str] = {}
    loads: dict[str, Load] = {}
    probed: ProbedHub | None = None
    for _ in range(MAX_ROUNDS):
        requirements, _ = hub_requirements(declared, [*settings.requirements, *added.values()])
        try:
            environment = prepare_environment(
                verification_request(settings.verification, requirements), settings.environments_dir
            )
        except InstallError as error:
            if probed is None:
                return ProbedHub(source_view(hub_dir), requirements, added, environment_error=str(error))
            probed.unresolved = [name for name in added if name not in probed.added]  # import names
            probed.environment_error = f"the packages it imports cannot be installed: {error}"
            return probed
        hub = introspect_hub(hub_dir, _import_settings(environment, settings))
        imported = _imported(hub)
        if hub.method == "dynamic" and settings.smoke:
            for entrypoint in own_entrypoints(hub, imported):
                earlier = loads.get(entrypoint.name)
                if earlier is None or earlier.result.status == "missing-dependency":
                    loads[entrypoint.name] = _load(hub_dir, entrypoint, environment, settings)
        missing = [*hub.missing_packages, *(name for load in loads.values() for name in missing_in(load.result))]
        probed = ProbedHub(hub, requirements, dict(added), [], environment, "", list(loads.values()), imported)
        held = {normalise_name(requirement_name(line)) for line in requirements}
        new = {name: distribution(name) for name in missing if normalise_name(distribution(name)) not in held}
        if not new:
            probed.unresolved = list(dict.fromkeys(missing))
            return probed
        added |= new
    assert probed is not None  # MAX_ROUNDS >= 1
    return probed


def missing_in(result: SmokeResult) -> list[str]:
    """The import names a load stopped at because nobody declares them ([] for any other result)."""
    match = MISSING_REASON.match(result.reason) if result.status == "missing-dependency" else None
    return [name.strip() for name in match.group(1).split(",")] if match else []


def no_download_kwargs(signature: str) -> dict[str, Any]:
    """Keywords that build the model without downloading weights: `pretrained=False` when it is a yes/no
    (default True, False or none), `pretrained=None` when it names weights ('imagenet', a path), else
    `weights=None`; {} when the signature has neither."""
    for keyword in ("pretrained", "weights"):
        found = re.search(rf"(?:^\(|[,(])\s*\*?{keyword}\s*(?::\s*([^=,)]+?))?\s*(?:=\s*([^,)]+?))?\s*[,)]", signature)
        if found:
            annotation, default = (found.group(1) or "").strip(), (found.group(2) or "").strip()
            yes_no = keyword == "pretrained" and (default in TRUE_OR_FALSE or (not default and "str" not in annotation))
            return {keyword: False if yes_no else None}
    return {}


def _import_settings(environment: ReadyEnvironment, settings: ProbeSettings) -> ImportSettings:
    return ImportSettings(
        python=environment.python,
        import_paths=(loader_path(settings.environments_dir),),
        trusted=settings.trusted,
    )


def _imported(hub: HubInfo) -> list[str]:
    """Callables that hubconf.py only imports from outside the hub's folder (its own modules' count as its)."""
    if hub.method != "dynamic":
        return []
    return [e.name for e in hub.entrypoints if not e.defined_at]


def own_entrypoints(hub: HubInfo, imported: list[str]) -> list[EntrypointLock]:
    """The hub's own entrypoints, in its order: every callable torch.hub.list lists (functions, classes,
    partials) when hubconf.py imported, less `imported`; the functions and classes its source defines when not."""
    if hub.method == "dynamic":
        return [e for e in hub.entrypoints if e.name not in imported]
    return [e for e in hub.entrypoints if e.kind in ("function", "class")]


def _load(hub_dir: Path, entrypoint: EntrypointLock, environment: ReadyEnvironment, settings: ProbeSettings) -> Load:
    kwargs = no_download_kwargs(entrypoint.signature)
    request = SmokeRequest(
        hub_dir=hub_dir,
        entrypoint=entrypoint.name,
        kwargs=kwargs,
        timeout=settings.smoke_timeout,
        python=environment.python,
        import_paths=(loader_path(settings.environments_dir),),
        trusted=settings.trusted,
    )
    return Load(entrypoint.name, kwargs, smoke_entrypoint(request))


def mapped(added: dict[str, str]) -> str:
    """'cv2 → opencv-python, timm': import names with the distribution that provides each."""
    return ", ".join(f"{module} → {dist}" if module != dist else module for module, dist in added.items())


def probe_text(probed: ProbedHub) -> str:
    """What probing found, for a maintainer: the environment, what was added, and one line per load."""
    hub = probed.hub
    lines = [f"environment: {', '.join(probed.requirements) or 'the verification pair only'}"]
    if probed.environment_error:
        lines.append(f"  {probed.environment_error}")
    if probed.added:
        lines.append(f"imported without being declared (added to requirements:): {mapped(probed.added)}")
    if probed.unresolved:
        lines.append(f"still missing: {', '.join(probed.unresolved)}")
    state = "imported" if hub.method == "dynamic" else f"did not import ({hub.status}): {hub.error}"
    lines.append(f"hubconf.py {state}; {len(hub.entrypoints)} entrypoints")
    if probed.imported:
        lines.append(f"  imported from elsewhere, not loaded: {', '.join(probed.imported)}")
    for load in probed.loads:
        result = load.result
        what = ""
        if result.status == "ok":
            what = " (a module)" if result.is_module else f" (returned {result.returned})"
        reason = f": {result.reason}" if result.reason else ""
        lines.append(f"  {load.call}: {result.status}{what}{reason}")
    return "\n".join(lines)
