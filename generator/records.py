"""Records that pass between stages and are stored in catalogue.lock (plain, serialisable models).

The site is rendered from catalogue + lock alone, so these records hold everything a page shows that
only running the model's code could tell.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

LOCK_FORMAT = 1
DEVICES = ("cpu", "cuda")  # every device a result can be recorded for, in the order pages show them

Status = Literal["ok", "failed", "skipped"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModelFacts(_Record):
    """What a user exploring a loaded nn.Module would see (`dir(model)`, `help(model.forward)`)."""

    forward_signature: str = ""
    forward_doc: str = ""
    methods: list[str] = Field(default_factory=list)


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
    isolation: str = Field(default="", description="How the load was kept off the network.")


class EntrypointLock(_Record):
    """One entrypoint as introspected, with its smoke results per device ('cpu', 'cuda')."""

    name: str
    kind: Literal["function", "class", "other"] = "function"
    signature: str = ""
    docstring: str = ""
    found: bool = Field(default=True, description="False: the catalogue features it but hubconf.py has none.")
    smoke: dict[str, SmokeResult] = Field(default_factory=dict)

    @property
    def is_auxiliary(self) -> bool:
        """True when loading it returned something other than an nn.Module (a transform, a tokenizer)."""
        cpu = self.smoke.get("cpu")
        return bool(cpu and cpu.status == "ok" and not cpu.is_module)


class Stale(_Record):
    """Why the data of an entry is from an earlier build (its repo could not be fetched this time)."""

    reason: str
    attempted_at: str


class EntryLock(_Record):
    """Everything the build found for one catalogue entry at its pinned commit."""

    id: str
    key: str = Field(description="Hash of every input the result depends on; equal key → reuse.")
    repo: str
    subdir: str = ""
    commit: str | None
    dirty: bool = Field(default=False, description="Built from uncommitted changes of a local hub.")
    verified_at: str
    torch_version: str
    python_version: str
    dependencies: list[str] = Field(default_factory=list)
    dependency_versions: dict[str, str] = Field(
        default_factory=dict, description="Installed version of each dependency ('missing' if none); part of the key."
    )
    missing_packages: list[str] = Field(
        default_factory=list, description="Packages the hub needs that were not installed where it was built."
    )
    introspection: Literal["dynamic", "static", "none"] = "dynamic"
    introspection_error: str = ""
    isolation: str = Field(default="", description="How the import was kept off the network.")
    entrypoints: list[EntrypointLock] = Field(default_factory=list)
    device_keys: dict[str, str] = Field(
        default_factory=dict,
        description="Per device, the key its smoke results were built under; a device absent here was not run.",
    )
    stale: Stale | None = None

    def entrypoint(self, name: str) -> EntrypointLock | None:
        """The introspected entrypoint of that name, if the hub has it."""
        return next((e for e in self.entrypoints if e.name == name), None)


class Lock(_Record):
    """The whole lock file: one record per catalogue entry, keyed by entry id."""

    format: int = LOCK_FORMAT
    entries: dict[str, EntryLock] = Field(default_factory=dict)


class ShardLock(_Record):
    """What one `lock --shard I/N` run found: its slice of the entries, smoke results for its devices only.

    `merge` combines shard files (from a CI matrix: shards x CPU and GPU runners) into catalogue.lock.
    """

    format: int = LOCK_FORMAT
    shard: str = Field(description="'I/N': this run verified the I-th of N slices of the catalogue.")
    devices: list[str] = Field(description="The devices this run smoke-loaded on; results for others are left out.")
    entries: dict[str, EntryLock] = Field(default_factory=dict)
