"""From a hub's `dependencies` to a pip install line: import names mapped to distribution names, then pinned.

Import names become distribution names as the verification environments have them (one mapping, in
generator/environments/requirements.py); modules of the standard library are dropped.

Dependencies come from third-party hubconf.py files, so anything that is not a plain PEP 508
requirement is left out of the command line rather than pasted into a page.

An entry the build verified is installed as it was verified: torch, torchvision (when its environment
had it) and each of its requirements at the version its environment held (`pinned`). An entry never
verified gets the unpinned requirements.
"""

from __future__ import annotations

import re

from generator.environments.requirements import REQUIREMENT, hub_requirements
from generator.lock.records import Environment, normalise_name

PROVIDED = frozenset({"torch", "pinhub"})  # installed by the install line itself
FRAMEWORK = ("torch", "torchvision")  # pinned first, from the environment, whether or not a hub declares them
VERSION = re.compile(r"^[0-9][A-Za-z0-9.+!-]*$")  # a version as pip reports it, and nothing else
NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[A-Za-z0-9._, -]+\])?")


def requirements(dependencies: list[str]) -> tuple[list[str], list[str]]:
    """(pip requirement strings, rejected entries): import names mapped to distributions, torch dropped
    (the install line brings it), torchvision kept when a hub declares it."""
    return hub_requirements(dependencies, provided=PROVIDED)


def install_requirements(wanted: list[str], environment: Environment | None) -> list[str]:
    """The requirements a page installs besides pinhub: pinned to `environment` when the build verified
    the entry in one, else `wanted` as declared (import names mapped, unsafe lines left out)."""
    return pinned(wanted, environment) if environment else requirements(wanted)[0]


def pinned(wanted: list[str], environment: Environment) -> list[str]:
    """torch, torchvision and each of `wanted` as `name==version` at the versions `environment` holds.

    A requirement the environment lacks is kept as it was asked for. Local version labels ('+cpu') are
    dropped: `torch==2.14.1` matches the build's `2.14.1+cpu`, and PyPI has no local versions.
    """
    framework = _framework(environment)
    lines = [f"{name}=={_public(version)}" for name, version in framework.items()]
    for line in requirements(wanted)[0]:
        name, extras = _name_and_extras(line)
        version = _version(environment, name)
        if normalise_name(name) not in framework:
            lines.append(f"{name}{extras}=={_public(version)}" if version else line)
    return lines


def verified_versions(wanted: list[str], environment: Environment) -> list[str]:
    """What an environment held, for people: 'torch 2.14.1', 'torchvision 0.29.1', then each 'name==version'."""
    framework = _framework(environment)
    found = [f"{name} {version}" for name, version in framework.items()]
    for line in requirements(wanted)[0]:
        name = _name_and_extras(line)[0]
        version = _version(environment, name)
        if version and normalise_name(name) not in framework:
            found.append(f"{name}=={version}")
    return found


def _framework(environment: Environment) -> dict[str, str]:
    """torch and torchvision → their versions in `environment` (those it has)."""
    return {name: version for name in FRAMEWORK if (version := _version(environment, name))}


def _version(environment: Environment, name: str) -> str | None:
    """The version of `name` in `environment`, if it has one that looks like a version."""
    version = environment.version(name)
    return version if version and VERSION.match(version) else None


def _name_and_extras(requirement: str) -> tuple[str, str]:
    match = NAME.match(requirement)
    return (match[1], match[2] or "") if match else (requirement, "")


def _public(version: str) -> str:
    return version.split("+", 1)[0]


def pip_install_line(site_url: str, lines: list[str], loader_version: str | None = None) -> str:
    """One `pip install` line for pinhub and `lines` (requirements as `install_requirements` makes them).

    A line that is not a plain PEP 508 requirement is left out. pinhub comes from the wheel the site
    ships, by its URL: an index (even an extra one) would let pip prefer any other project that calls
    itself `pinhub` on PyPI. Without a shipped wheel, the site's index.
    """
    safe = [line for line in lines if REQUIREMENT.match(line)]
    quoted = [f'"{r}"' if re.search(r"[<>=!~\[]", r) else r for r in safe]
    if loader_version:
        return " ".join(["pip install", loader_wheel_url(site_url, loader_version), *quoted])
    return " ".join(["pip install --extra-index-url", f"{site_url}simple/", "pinhub", *quoted])


def loader_wheel_url(site_url: str, version: str) -> str:
    """Where the site publishes the loader's wheel (see generator/site/package.py)."""
    return f"{site_url}simple/pinhub/pinhub-{version}-py3-none-any.whl"
