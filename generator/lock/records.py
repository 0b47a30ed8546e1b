"""Records stored in catalogue.lock (plain, serialisable models), and the one rule for what they mean.

The site is rendered from catalogue + lock alone, so these records hold everything a page shows that
only running the model's code could tell. The stages that run hub code (introspect, smoke) produce
these records; `verdict` and `device_state` are the only definitions of "verified" and "failed",
used alike by `--strict`, the build's summary, the pages and catalogue.json.

For hubs outside this project the lock holds facts about their code (names, kinds, signatures,
statuses, timings, where each entrypoint is defined, a hash of each docstring), never its text:
docstrings are kept in the build cache (see `generator.lock.docstrings`).
"""

from __future__ import annotations

import hashlib
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

LOCK_FORMAT = 2
DEVICES = ("cpu", "cuda")  # every device a result can be recorded for, in the order pages show them

Status = Literal[
    "ok",
    "needs-arguments",
    "needs-network",
    "missing-dependency",
    "cannot-install",
    "error",
    "timeout",
    "skipped",
]
# Statuses that fail an entry when a featured entrypoint has them.
FAILING: frozenset[str] = frozenset({"needs-arguments", "missing-dependency", "cannot-install", "error", "timeout"})
# What each status means, in a sentence a reader of a model page understands.
STATUS_MEANINGS: dict[str, str] = {
    "ok": "Loaded in the sandbox; the figures are from that load.",
    "needs-arguments": "Not a model by itself: it needs arguments the catalogue does not give (a helper or a class).",
    "needs-network": "Loading it downloads something (weights, or another hub), which the sandbox does not allow.",
    "missing-dependency": "Loading it imports a package that neither the hub nor the catalogue declares.",
    "cannot-install": "Its requirements could not be installed, so it was not loaded.",
    "error": "Loading it raised an error.",
    "timeout": "Loading it took longer than the build allows.",
    "skipped": "Not loaded, deliberately (the reason is given).",
}
DeviceState = Literal["ok", "failed", "needs-network", "skipped"]
Verdict = Literal["verified", "failed", "unverified", "unfetchable"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModelFacts(_Record):
    """What a user exploring a loaded nn.Module would see (`dir(model)`, `help(model.forward)`)."""

    forward_signature: str = ""
    forward_doc: str = Field(default="", description="Kept only for hubs inside this project; see forward_doc_sha256.")
    forward_doc_sha256: str = ""
    methods: list[str] = Field(default_factory=list)
    properties: list[str] = Field(default_factory=list)


class SmokeResult(_Record):
    """The outcome of loading one entrypoint on one device."""

    status: Status
    reason: str = ""
    error_type: str = Field(default="", description="The exception's type name when loading raised one.")
    seconds: float | None = None
    parameters: int | None = None
    returned: str = Field(default="", description="Qualified type name of what the entrypoint returned.")
    is_module: bool = False
    input_shape: list[int] | None = None
    output_shape: list[int] | None = None
    output_dtype: str = ""
    forward_seconds: float | None = None
    peak_memory_mb: float | None = None
    peak_device_memory_mb: float | None = Field(default=None, description="CUDA memory at its peak.")
    model: ModelFacts | None = None
    isolation: str = Field(default="", description="How the load was kept in its box.")

    @property
    def failing(self) -> bool:
        """True when this result fails a featured entrypoint (see FAILING)."""
        return self.status in FAILING


class EntrypointLock(_Record):
    """One entrypoint as introspected, with its smoke results per device ('cpu', 'cuda')."""

    name: str
    kind: Literal["function", "class", "other"] = "function"
    signature: str = ""
    docstring: str = Field(default="", description="Kept only for hubs inside this project; see docstring_sha256.")
    docstring_sha256: str = ""
    defined_at: str = Field(default="", description="'path/in/repo.py:LINE' where it is defined, when known.")
    found: bool = Field(default=True, description="False: the catalogue features it but hubconf.py has none.")
    featured: bool = Field(default=True, description="The catalogue features it (default: every entrypoint).")
    smoke: dict[str, SmokeResult] = Field(default_factory=dict)

    @property
    def is_auxiliary(self) -> bool:
        """True when loading it returned something other than an nn.Module (a transform, a tokenizer)."""
        cpu = self.smoke.get("cpu")
        return bool(cpu and cpu.status == "ok" and not cpu.is_module)

    @property
    def is_helper(self) -> bool:
        """True when every load of it needed arguments or the network: a helper, not a model to feature."""
        statuses = {result.status for result in self.smoke.values()} - {"skipped"}  # loads that were made
        return bool(statuses) and statuses <= {"needs-arguments", "needs-network"}


class Stale(_Record):
    """Why the data of an entry is from an earlier build (its repo could not be fetched this time)."""

    reason: str
    attempted_at: str
    key: str = Field(default="", description="The entry key the failed attempts were made under.")


class Environment(_Record):
    """A verification environment: the Python release and every package installed in it, exactly."""

    python: str = Field(description="Python release, e.g. '3.11'.")
    packages: list[str] = Field(description="Every distribution installed, as 'name==version', sorted by name.")

    @property
    def id(self) -> str:
        """Hash of the resolved set: equal sets are one environment, on disk and in the lock."""
        text = "\n".join([f"python=={self.python}", *self.packages])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def version(self, name: str) -> str | None:
        """The installed version of distribution `name` (any spelling), or None."""
        wanted = normalise_name(name)
        for line in self.packages:
            package, _, version = line.partition("==")
            if normalise_name(package) == wanted:
                return version
        return None


class EntryLock(_Record):
    """Everything the build found for one catalogue entry at its pinned commit."""

    id: str
    key: str = Field(description="Hash of every input the result depends on; equal key → reuse.")
    repo: str
    subdir: str = ""
    commit: str | None
    on_ref: bool | None = Field(default=None, description="Whether the commit is on the entry's ref (None: unchecked).")
    dirty: bool = Field(default=False, description="Built from uncommitted changes of a local hub.")
    verified_at: str
    dependencies: list[str] = Field(default_factory=list, description="What hubconf.py declares.")
    requirements: list[str] = Field(
        default_factory=list, description="What the environment was asked for besides torch: PEP 508 lines."
    )
    environments: dict[str, str] = Field(
        default_factory=dict, description="Per device, the id of the environment it was verified in (see Lock)."
    )
    environment_error: str = Field(default="", description="Why no environment could be made ('' when one was).")
    missing_packages: list[str] = Field(
        default_factory=list, description="Packages the import needed that the environment did not have."
    )
    introspection: Literal["dynamic", "static", "none"] = "dynamic"
    introspection_error: str = ""
    introspection_status: Status = Field(default="ok", description="The import's status, as a load's would be.")
    isolation: str = Field(default="", description="How the import was kept in its box.")
    entrypoints: list[EntrypointLock] = Field(default_factory=list)
    device_keys: dict[str, str] = Field(
        default_factory=dict,
        description="Per device, the key its smoke results were built under; a device absent here was not run.",
    )
    stale: Stale | None = None

    def entrypoint(self, name: str) -> EntrypointLock | None:
        """The introspected entrypoint of that name, if the hub has it."""
        return next((e for e in self.entrypoints if e.name == name), None)

    @property
    def featured(self) -> list[EntrypointLock]:
        """The entrypoints the entry's verdict and pages are about."""
        return [e for e in self.entrypoints if e.featured]

    @property
    def verified(self) -> bool:
        """True when a build has introspected this entry (its data is real, even if something failed)."""
        return bool(self.verified_at) and self.introspection != "none"

    def device_state(self, device: str) -> DeviceState | None:
        """How the featured entrypoints fared on `device` (None: none was smoke-loaded there)."""
        results = [e.smoke[device] for e in self.featured if device in e.smoke]
        if not results:
            return None
        statuses = {r.status for r in results}
        if statuses & FAILING:
            return "failed"
        if "ok" in statuses:
            return "ok"
        return "needs-network" if "needs-network" in statuses else "skipped"

    @property
    def verdict(self) -> Verdict:
        """The one pass/fail rule: failed when the import or a featured load failed anywhere; verified when
        a featured entrypoint loaded somewhere; unverified when none was loaded (each needed the network,
        or the catalogue skips it); unfetchable when no build ever reached the repository."""
        if not self.verified:
            return "unfetchable" if self.stale else "failed"
        states = [self.device_state(device) for device in DEVICES]
        if self.introspection_error or self.environment_error or "failed" in states:
            return "failed"
        return "verified" if "ok" in states else "unverified"


class Lock(_Record):
    """The whole lock file: the verification environments, and one record per catalogue entry."""

    format: int = LOCK_FORMAT
    environments: dict[str, Environment] = Field(default_factory=dict, description="By id (Environment.id).")
    entries: dict[str, EntryLock] = Field(default_factory=dict)

    def environment(self, record: EntryLock, device: str = "cpu") -> Environment | None:
        """The environment `record` was verified in on `device` (else on any device), if recorded."""
        ids = [record.environments.get(device), *record.environments.values()]
        return next((self.environments[i] for i in ids if i and i in self.environments), None)


class ShardLock(_Record):
    """What one `lock --shard I/N` run found: its slice of the entries, smoke results for its devices only.

    `merge` combines shard files (from a CI matrix: shards x CPU and GPU runners) into catalogue.lock.
    """

    format: int = LOCK_FORMAT
    shard: str = Field(description="'I/N': this run verified the I-th of N slices of the catalogue.")
    devices: list[str] = Field(description="The devices this run smoke-loaded on; results for others are left out.")
    environments: dict[str, Environment] = Field(default_factory=dict)
    entries: dict[str, EntryLock] = Field(default_factory=dict)


def normalise_name(name: str) -> str:
    """A distribution name as PEP 503 compares them: 'Pillow', 'pillow' and 'PIL-low' agree where they should."""
    return re.sub(r"[-_.]+", "-", name).lower()
