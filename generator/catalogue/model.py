"""The catalogue format, as typed models. `catalogue/schema.json` is generated from these classes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from generator.catalogue.repos import GITHUB_REPO_PATTERN as GITHUB_REPO_PATTERN  # where remote.py reads it
from generator.catalogue.repos import github_name, remote_problem, unsafe_reason
from generator.errors import GeneratorError

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SHA_PATTERN = r"^[0-9a-f]{40}$"
# torch.hub loads any public attribute of hubconf.py: fairseq registers names like 'roberta.large'.
ENTRYPOINT_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(?:[.-][A-Za-z0-9_]+)*$"
ARXIV_PATTERN = r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})$"
DOI_PATTERN = r"^10\.\d{4,9}/\S+$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
EntrypointName = Annotated[str, StringConstraints(pattern=ENTRYPOINT_PATTERN)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
VERSION_PATTERN = r"^\d+(\.\d+)*([a-z]+\d*)?(\+[A-Za-z0-9.]+)?$"
# A PEP 508 requirement without URLs or markers: a name, optional extras, optional version specifiers.
REQUIREMENT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._, -]+\])?\s*([<>=!~]=?\s*[A-Za-z0-9.*+!-]+\s*,?\s*)*$"
Requirement = Annotated[str, StringConstraints(pattern=REQUIREMENT_PATTERN, strip_whitespace=True)]


class UnknownEntryError(GeneratorError):
    """An entry id that the catalogue does not have (a command's --only ID or ID argument, say)."""


class _Strict(BaseModel):
    """Unknown keys are errors: a typo must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Category(_Strict):
    """A browsing category (vision, nlp, ...), declared once at the top of the catalogue."""

    id: Slug
    title: NonEmpty
    description: str = ""
    icon: str = Field(default="", description="Material icon name, e.g. 'material/eye'.")


class Result(_Strict):
    """A reported evaluation result, shown on the model page with its source."""

    dataset: NonEmpty
    metric: NonEmpty
    value: float | str
    source: str = Field(default="", description="Where the number comes from: a URL or 'measured here'.")


class Paper(_Strict):
    """The paper behind a model: keyed by its arXiv id, or a DOI for papers not on arXiv."""

    title: NonEmpty
    arxiv: Annotated[str, StringConstraints(pattern=ARXIV_PATTERN)] | None = None
    doi: Annotated[str, StringConstraints(pattern=DOI_PATTERN)] | None = None
    authors: list[NonEmpty] = Field(default_factory=list)
    year: int | None = None
    venue: str = ""

    @model_validator(mode="after")
    def _has_an_identifier(self) -> Paper:
        if self.arxiv is None and self.doi is None:
            raise ValueError("a paper needs an 'arxiv' id (e.g. 1512.03385) or a 'doi' (e.g. 10.1109/CVPR.2016.90)")
        return self


class SmokeInput(_Strict):
    """An example input for the smoke test's forward pass: random data of this shape and dtype."""

    shape: list[Annotated[int, Field(ge=1)]] = Field(min_length=1)
    dtype: Literal["float32", "float16", "int64"] = "float32"
    high: int = Field(default=2, ge=1, description="Exclusive upper bound for int64 inputs (e.g. vocab size).")


Device = Literal["cpu", "cuda"]


class SmokeOverride(_Strict):
    """Smoke settings for one entrypoint, replacing the entry's defaults where given."""

    kwargs: dict[str, Any] | None = None
    input: SmokeInput | None = None
    skip: str | None = Field(default=None, description="Why this entrypoint is not smoke-loaded.")
    devices: list[Device] | None = Field(
        default=None, description="Smoke-load only on these devices (e.g. [cuda] for code that needs a GPU)."
    )


class Smoke(_Strict):
    """How the build smoke-loads the entry's entrypoints (keyword arguments that avoid weight downloads)."""

    kwargs: dict[str, Any] = Field(default_factory=dict)
    input: SmokeInput | None = None
    timeout: float = Field(default=300.0, gt=0, le=3600)
    skip: str | None = Field(default=None, description="Why no entrypoint of this entry is smoke-loaded.")
    devices: list[Device] | None = Field(
        default=None, description="Smoke-load only on these devices; default: every device the build has."
    )
    entrypoints: dict[EntrypointName, SmokeOverride] = Field(default_factory=dict)

    def for_entrypoint(self, name: str) -> SmokeOverride:
        """The effective settings for one entrypoint: its override merged over the entry's defaults."""
        override = self.entrypoints.get(name, SmokeOverride())
        return SmokeOverride(
            kwargs=override.kwargs if override.kwargs is not None else self.kwargs,
            input=override.input if override.input is not None else self.input,
            skip=override.skip if override.skip is not None else self.skip,
            devices=override.devices if override.devices is not None else self.devices,
        )


class Entry(_Strict):
    """One model (or a family of entrypoints) in the catalogue."""

    id: Slug
    title: NonEmpty
    summary: Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
    description: str = Field(default="", description="Markdown, written by the maintainers (trusted).")
    repo: NonEmpty = Field(description="GitHub 'owner/name', a git URL, or './path' inside this project.")
    subdir: str = Field(default="", description="Folder of hubconf.py inside the repo, if not its root.")
    ref: str = Field(default="", description="The branch or tag users see, e.g. 'main' or 'v1.2'.")
    commit: Annotated[str, StringConstraints(pattern=SHA_PATTERN)] | None = None
    awaiting_pin: str | None = Field(
        default=None, description="Why a remote entry has no commit yet; its page says so and nothing is verified."
    )
    entrypoints: list[EntrypointName] | None = Field(
        default=None, description="Entrypoints to feature, the first one in the main snippet; default all."
    )
    requirements: list[Requirement] = Field(
        default_factory=list,
        description="PEP 508 requirements the hub needs but does not declare in its `dependencies` (versions "
        "allowed, e.g. 'timm>=0.9'); installed in its verification environment, and added to the page's install "
        "line and the notebook.",
    )
    category: Slug
    tags: list[Slug] = Field(default_factory=list)
    license: NonEmpty = "unknown"
    paper: list[Paper] = Field(default_factory=list)
    results: list[Result] = Field(default_factory=list)
    smoke: Smoke = Field(default_factory=Smoke)
    accelerator: Literal["cpu", "cuda-optional", "cuda"] = "cuda-optional"
    load_kwargs: dict[str, Any] = Field(default_factory=dict, description="Keyword arguments the snippet shows.")
    example: str = Field(default="", description="Python usage code run after the load, in the notebook.")

    @field_validator("paper", mode="before")
    @classmethod
    def _one_or_many_papers(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value

    @field_validator("repo")
    @classmethod
    def _repo_form(cls, value: str) -> str:
        if is_local_repo(value):
            outside = ".." in value.split("/")
            problem = unsafe_reason(value) or (
                f"a project path must stay inside the project, got {value!r}" if outside else None
            )
        else:
            problem = remote_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("subdir")
    @classmethod
    def _relative_subdir(cls, value: str) -> str:
        if value.startswith("/") or ".." in value.split("/"):
            raise ValueError(f"expected a relative folder inside the repo, got {value!r}")
        return value.strip("/")

    @model_validator(mode="after")
    def _remote_repos_are_pinned(self) -> Entry:
        if is_local_repo(self.repo):
            if self.commit or self.awaiting_pin:
                raise ValueError("a hub inside this project is pinned by the build; remove 'commit'/'awaiting_pin'")
        elif self.commit is None and self.awaiting_pin is None:
            raise ValueError(
                "'commit' is required for a remote repo: add the full 40-character SHA the entry is pinned to "
                "(git ls-remote <repo> <ref>), or set 'awaiting_pin' to say why it has none yet"
            )
        elif self.commit and self.awaiting_pin:
            raise ValueError("the entry has a 'commit' now: remove 'awaiting_pin'")
        return self

    @property
    def is_local(self) -> bool:
        """True when the hub lives inside this project (e.g. the shipped examples)."""
        return is_local_repo(self.repo)

    @property
    def github(self) -> str | None:
        """'owner/name' as the catalogue spells it when the repo is on GitHub, else None.

        Compare repositories with `generator.catalogue.repos.github_key`: GitHub names ignore case.
        """
        return github_name(self.repo)


class VerificationSetting(_Strict):
    """The environment every entry is verified in: a Python release and a matching torch/torchvision pair.

    Each entry gets a virtual environment of its own with these plus its hub's requirements; the lock
    records the exact packages, and the pages pin them.
    """

    python: Annotated[str, StringConstraints(pattern=r"^3\.\d+$")] = "3.11"
    torch: Annotated[str, StringConstraints(pattern=VERSION_PATTERN)] = "2.14.1"
    torchvision: Annotated[str, StringConstraints(pattern=VERSION_PATTERN)] | None = Field(
        default="0.29.1", description="The torchvision release built for that torch (null: none)."
    )

    def requirements(self) -> list[str]:
        """torch and torchvision as requirement lines."""
        pair = [f"torch=={self.torch}"]
        return pair + ([f"torchvision=={self.torchvision}"] if self.torchvision else [])


class Catalogue(_Strict):
    """The whole catalogue file: declared categories and tags, the verification environment, then the models."""

    categories: list[Category] = Field(min_length=1)
    tags: list[Slug] = Field(default_factory=list)
    verification: VerificationSetting = Field(default_factory=VerificationSetting)
    models: list[Entry] = Field(default_factory=list)

    def entry(self, entry_id: str) -> Entry:
        """The entry with this id.

        Raises:
            UnknownEntryError: the catalogue has no such entry (the message lists the known ids).
        """
        for entry in self.models:
            if entry.id == entry_id:
                return entry
        known = ", ".join(e.id for e in self.models) or "none"
        raise UnknownEntryError(f"no entry {entry_id!r} in the catalogue; known: {known}")

    def category(self, category_id: str) -> Category:
        """The declared category with this id."""
        return next(c for c in self.categories if c.id == category_id)


def is_local_repo(repo: str) -> bool:
    """A repo written as './path' names a folder inside this project."""
    return repo == "." or repo.startswith("./")
