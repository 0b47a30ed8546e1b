"""Check a hub's ``dependencies``: the subset of PEP 508 (requirements, markers) and PEP 440 (versions) hubs use.

torch.hub's dependencies are import names (``"torch"``, ``"yaml"``); PEP 508 strings add versions
and markers (``"timm>=0.9"``, ``"pywin32; sys_platform == 'win32'"``). A name is looked up as an
installed distribution first, then as an importable module.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import platform
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pinhub.errors import HubconfError, MissingDependenciesError

_VERSION = re.compile(
    r"""v?(?:(?P<epoch>\d+)!)?(?P<release>\d+(?:\.\d+)*)
    (?:[-_.]?(?P<pre_l>alpha|a|beta|b|preview|pre|rc|c)[-_.]?(?P<pre_n>\d+)?)?
    (?P<post>-(?P<post_n1>\d+)|[-_.]?(?:post|rev|r)[-_.]?(?P<post_n2>\d+)?)?
    (?:[-_.]?(?P<dev>dev)[-_.]?(?P<dev_n>\d+)?)?
    (?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?""",
    re.VERBOSE | re.IGNORECASE,
)
_PRE_RANK = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}
_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_REQUIREMENT = re.compile(rf"\s*(?P<name>{_NAME})\s*(?P<extras>\[[^\]]*\])?\s*(?P<rest>[^;]*?)\s*(?:;(?P<marker>.*))?")
_SPECIFIER = re.compile(r"\s*(?P<op>~=|===|==|!=|<=|>=|<|>)\s*(?P<version>[^\s,;()]+)\s*")
_MARKER_TOKEN = re.compile(
    r"\s*(?:(?P<str>'[^']*'|\"[^\"]*\")|(?P<op>===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b)"
    r"|(?P<paren>[()])|(?P<bool>and\b|or\b)|(?P<var>[a-z_.]+))"
)
_INF = float("inf")


@dataclass(frozen=True)
class Version:
    """A PEP 440 version, comparable through :meth:`key`."""

    epoch: int
    release: tuple[int, ...]
    pre: tuple[int, int] | None = None
    post: int | None = None
    dev: int | None = None
    local: str | None = None

    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse a version string.

        Raises:
            ValueError: not a PEP 440 version.
        """
        match = _VERSION.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"invalid version: {text!r}")
        pre = (_PRE_RANK[match["pre_l"].lower()], int(match["pre_n"] or 0)) if match["pre_l"] else None
        return cls(
            epoch=int(match["epoch"] or 0),
            release=tuple(int(part) for part in match["release"].split(".")),
            pre=pre,
            post=int(match["post_n1"] or match["post_n2"] or 0) if match["post"] else None,
            dev=int(match["dev_n"] or 0) if match["dev"] else None,
            local=match["local"].lower() if match["local"] else None,
        )

    @property
    def public(self) -> Version:
        """The version without its local label (``2.1.0+cpu`` -> ``2.1.0``)."""
        return Version(self.epoch, self.release, self.pre, self.post, self.dev)

    @property
    def is_prerelease(self) -> bool:
        return self.pre is not None or self.dev is not None

    def base(self) -> tuple[int, tuple[int, ...]]:
        """Epoch and release, trailing zeros dropped: what pre- and post-releases share."""
        release = list(self.release)
        while len(release) > 1 and release[-1] == 0:
            release.pop()
        return self.epoch, tuple(release)

    def key(self) -> tuple[object, ...]:
        """A sort key that orders versions as PEP 440 does."""
        if self.pre is None and self.post is None and self.dev is not None:
            pre: tuple[float, float] = (-_INF, 0)  # 1.0.dev0 sorts before 1.0a0
        else:
            pre = (float(self.pre[0]), float(self.pre[1])) if self.pre else (_INF, 0)
        local = tuple((1, int(p), "") if p.isdigit() else (0, 0, p) for p in re.split(r"[-_.]", self.local or ""))
        return (
            *self.base(),
            pre,
            -_INF if self.post is None else self.post,
            _INF if self.dev is None else self.dev,
            local if self.local else (),
        )


def _release_prefix(version: Version, prefix: tuple[int, ...]) -> bool:
    padded = version.release + (0,) * max(0, len(prefix) - len(version.release))
    return padded[: len(prefix)] == prefix


def satisfies(installed: str, op: str, wanted: str) -> bool:
    """Whether an installed version satisfies one specifier (``op`` and ``wanted``), as PEP 440 says."""
    if op == "===":
        return installed.strip().lower() == wanted.strip().lower()
    version = Version.parse(installed)
    if op in ("==", "!=") and wanted.endswith(".*"):
        prefix = Version.parse(wanted[:-2])
        same = version.epoch == prefix.epoch and _release_prefix(version, prefix.release)
        return same if op == "==" else not same
    target = Version.parse(wanted)
    candidate = version if target.local else version.public
    if op == "~=":
        if len(target.release) < 2:
            raise ValueError(f"~= needs at least two release numbers, got {wanted!r}")
        return candidate.key() >= target.key() and _release_prefix(candidate, target.release[:-1])
    if op == "<" and candidate.is_prerelease and not target.is_prerelease and candidate.base() == target.base():
        return False
    if op == ">" and candidate.post is not None and target.post is None and candidate.base() == target.base():
        return False
    order = (candidate.key() > target.key()) - (candidate.key() < target.key())
    outcomes = {"==": order == 0, "!=": order != 0, "<=": order <= 0, ">=": order >= 0, "<": order < 0, ">": order > 0}
    return outcomes[op]


@dataclass(frozen=True)
class Requirement:
    """One parsed dependency string.

    Attributes:
        text: the string as written in hubconf.py.
        name: the distribution (or, torch.hub style, import) name.
        specifiers: ``(operator, version)`` pairs, all of which must hold.
        marker: the environment marker after ``;``, if any.
    """

    text: str
    name: str
    specifiers: list[tuple[str, str]] = field(default_factory=list)
    marker: str | None = None

    @classmethod
    def parse(cls, text: str) -> Requirement:
        """Parse a PEP 508 string (a URL after ``@`` is accepted and not checked).

        Raises:
            ValueError: the string is not a requirement.
        """
        match = _REQUIREMENT.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"invalid requirement: {text!r}")
        rest = match["rest"].strip()
        specifiers: list[tuple[str, str]] = []
        if rest and not rest.startswith("@"):
            rest = rest[1:-1] if rest.startswith("(") and rest.endswith(")") else rest
            for part in rest.split(","):
                spec = _SPECIFIER.fullmatch(part)
                if spec is None:
                    raise ValueError(f"invalid version specifier {part.strip()!r} in {text!r}")
                Version.parse(spec["version"].removesuffix(".*"))
                specifiers.append((spec["op"], spec["version"]))
        marker = match["marker"].strip() if match["marker"] else None
        return cls(text, match["name"], specifiers, marker)

    def applies(self) -> bool:
        """Whether the marker (if any) holds in this interpreter."""
        return self.marker is None or evaluate_marker(self.marker, marker_environment())


def marker_environment() -> dict[str, str]:
    """The values PEP 508 markers are evaluated against."""
    info = sys.implementation.version
    return {
        "python_version": f"{sys.version_info[0]}.{sys.version_info[1]}",
        "python_full_version": platform.python_version(),
        "os_name": os.name,
        "sys_platform": sys.platform,
        "platform_system": platform.system(),
        "platform_machine": platform.machine(),
        "platform_release": platform.release(),
        "platform_version": platform.version(),
        "platform_python_implementation": platform.python_implementation(),
        "implementation_name": sys.implementation.name,
        "implementation_version": f"{info.major}.{info.minor}.{info.micro}",
        "extra": "",
    }


def evaluate_marker(marker: str, environment: dict[str, str]) -> bool:
    """Evaluate a PEP 508 marker (comparisons joined by ``and``/``or``, with parentheses).

    Raises:
        ValueError: the marker does not parse or names an unknown variable.
    """
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(marker.rstrip()):
        match = _MARKER_TOKEN.match(marker, position)
        if match is None or match.end() == position:
            raise ValueError(f"invalid marker {marker!r} at {marker[position:]!r}")
        kind = next(name for name, value in match.groupdict().items() if value is not None)
        tokens.append((kind, " ".join(match[kind].split())))
        position = match.end()
    parser = _MarkerParser(tokens, environment, marker)
    result = parser.any_of()
    if parser.position != len(tokens):
        raise ValueError(f"invalid marker {marker!r}")
    return result


class _MarkerParser:
    """Recursive descent over marker tokens: any_of := all_of ('or' all_of)*; all_of := atom ('and' atom)*."""

    def __init__(self, tokens: list[tuple[str, str]], environment: dict[str, str], text: str) -> None:
        self.tokens = tokens
        self.environment = environment
        self.text = text
        self.position = 0

    def take(self, kind: str | None = None, value: str | None = None) -> str:
        if self.position >= len(self.tokens):
            raise ValueError(f"invalid marker {self.text!r}: ends early")
        token_kind, token_value = self.tokens[self.position]
        if (kind and token_kind != kind) or (value and token_value != value):
            raise ValueError(f"invalid marker {self.text!r} at {token_value!r}")
        self.position += 1
        return token_value

    def peek(self, value: str) -> bool:
        return self.position < len(self.tokens) and self.tokens[self.position][1] == value

    def any_of(self) -> bool:
        result = self.all_of()
        while self.peek("or"):
            self.take()
            result = self.all_of() or result
        return result

    def all_of(self) -> bool:
        result = self.atom()
        while self.peek("and"):
            self.take()
            result = self.atom() and result
        return result

    def atom(self) -> bool:
        if self.peek("("):
            self.take()
            result = self.any_of()
            self.take("paren", ")")
            return result
        left = self.value()
        op = self.take("op")
        return _compare(left, op, self.value())

    def value(self) -> str:
        kind = self.tokens[self.position][0] if self.position < len(self.tokens) else ""
        text = self.take()
        if kind == "str":
            return text[1:-1]
        if kind == "var" and text in self.environment:
            return self.environment[text]
        raise ValueError(f"invalid marker {self.text!r}: unknown value {text!r}")


def _compare(left: str, op: str, right: str) -> bool:
    if op == "in":
        return left in right
    if op == "not in":
        return left not in right
    try:
        return satisfies(left, op, right)
    except ValueError:
        if op not in ("==", "!=", "==="):
            raise
        return (left == right) == (op != "!=")


def _importable(name: str, hub_dir: Path | None) -> bool:
    """Whether ``name`` imports as a module: one the hub ships, or one on sys.path (torch.hub's check)."""
    if not all(part.isidentifier() for part in name.split(".")):
        return False
    top = name.split(".")[0]
    if hub_dir is not None and ((hub_dir / f"{top}.py").is_file() or (hub_dir / top / "__init__.py").is_file()):
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _installed_version(name: str, hub_dir: Path | None, need_version: bool) -> tuple[bool, str | None]:
    """Whether ``name`` (a distribution or an import name) is available, and its version when asked and known.

    An importable name without a version to check is settled without reading package metadata, which
    is the slow part.
    """
    importable = _importable(name, hub_dir)
    if importable and not need_version:
        return True, None
    try:
        distribution = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        if not importable:
            return False, None
        owners = importlib.metadata.packages_distributions().get(name.split(".")[0], [])
        return True, importlib.metadata.version(owners[0]) if owners else None
    return True, distribution.version if need_version else None


def _problem(requirement: Requirement, hub_dir: Path | None) -> str | None:
    """Why a requirement is not met, or None when it is."""
    available, version = _installed_version(requirement.name, hub_dir, bool(requirement.specifiers))
    if not available:
        return "not installed"
    if version is None or not requirement.specifiers:
        return None
    try:
        ok = all(satisfies(version, op, wanted) for op, wanted in requirement.specifiers)
    except ValueError:
        return None  # an installed version PEP 440 cannot read: do not block on it
    return None if ok else f"found {version}"


def check_requirements(requirements: list[str], *, hub_dir: Path | None = None, what: str = "this hub") -> None:
    """Raise one error listing every requirement that is missing or too old, with the pip command.

    Args:
        requirements: the hub's ``dependencies``.
        hub_dir: the hub folder (modules it ships count as installed).
        what: how to name the hub in the message.

    Raises:
        HubconfError: a string is not a valid requirement.
        MissingDependenciesError: some requirements are not met.
    """
    unmet: list[tuple[Requirement, str]] = []
    for text in requirements:
        try:
            requirement = Requirement.parse(text)
            applies = requirement.applies()
        except ValueError as error:
            raise HubconfError(f"{what}: invalid entry in dependencies: {error}") from error
        problem = _problem(requirement, hub_dir) if applies else None
        if problem is not None:
            unmet.append((requirement, problem))
    if not unmet:
        return
    lines = [f"Missing dependencies: {', '.join(r.text for r, _ in unmet)}", f"{what} needs:"]
    lines += [f"  - {r.text} ({problem})" for r, problem in unmet]
    pip_args = " ".join(shlex.quote(r.text.split(";")[0].strip()) for r, _ in unmet)
    lines += ["Install them with:", f"  {shlex.quote(sys.executable)} -m pip install {pip_args}"]
    raise MissingDependenciesError("\n".join(lines), [r.text for r, _ in unmet])
