"""Dependencies: PEP 440 versions, PEP 508 requirements and markers, and the one error listing what is unmet."""

from __future__ import annotations

import importlib.metadata
import sys

import pytest

from pinhub._deps import Requirement, Version, check_requirements, evaluate_marker, satisfies
from pinhub.errors import HubconfError, MissingDependenciesError

MISSING = "pinhub-surely-not-installed"


def test_versions_sort_as_pep_440_says() -> None:
    ordered = [
        "1.0.dev0",
        "1.0a1",
        "1.0a2.dev1",
        "1.0a2",
        "1.0b1",
        "1.0rc1",
        "1.0",
        "1.0.post1",
        "1.0.1",
        "1.1",
        "1!0.1",
    ]
    assert sorted(ordered, key=lambda text: Version.parse(text).key()) == ordered
    assert Version.parse("1.0").key() == Version.parse("1.0.0").key()
    assert Version.parse("2.13.0+cpu").public == Version.parse("2.13.0")


@pytest.mark.parametrize(
    ("installed", "op", "wanted", "expected"),
    [
        ("2.13.0+cpu", ">=", "2.0", True),
        ("2.13.0+cpu", "==", "2.13.0", True),
        ("2.13.0+cpu", "==", "2.13.0+cu121", False),
        ("1.0", "==", "1.0.0", True),
        ("0.9", ">=", "0.9", True),
        ("0.8.9", ">=", "0.9", False),
        ("1.4.5", "~=", "1.4.2", True),
        ("1.5.0", "~=", "1.4.2", False),
        ("1.9", "~=", "1.4", True),
        ("2.0", "~=", "1.4", False),
        ("3.0rc1", "<", "3.0", False),
        ("2.9", "<", "3.0", True),
        ("1.0.post1", ">", "1.0", False),
        ("1.1", ">", "1.0", True),
        ("1.1.3", "==", "1.1.*", True),
        ("1.2", "!=", "1.1.*", True),
        ("1.2", "!=", "1.2", False),
        ("1.0", "===", "1.0", True),
        ("1.0.0", "===", "1.0", False),
    ],
)
def test_specifiers(installed: str, op: str, wanted: str, expected: bool) -> None:
    assert satisfies(installed, op, wanted) is expected


@pytest.mark.parametrize(
    ("text", "name", "specifiers", "marker"),
    [
        ("torch", "torch", [], None),
        ("timm>=0.9", "timm", [(">=", "0.9")], None),
        ("numpy (>=1.20, <3)", "numpy", [(">=", "1.20"), ("<", "3")], None),
        ("requests[security] >= 2.8.1, == 2.8.*", "requests", [(">=", "2.8.1"), ("==", "2.8.*")], None),
        ("pywin32 >=1.0 ; sys_platform == 'win32'", "pywin32", [(">=", "1.0")], "sys_platform == 'win32'"),
        ("pkg @ https://example.org/pkg.zip", "pkg", [], None),
    ],
)
def test_parses_requirements(text: str, name: str, specifiers: list[tuple[str, str]], marker: str | None) -> None:
    requirement = Requirement.parse(text)
    assert (requirement.name, requirement.specifiers, requirement.marker) == (name, specifiers, marker)


@pytest.mark.parametrize("text", ["timm>>1", ">=1.0", "timm>=one", "a b"])
def test_refuses_requirements(text: str) -> None:
    with pytest.raises(ValueError, match="invalid"):
        Requirement.parse(text)


ENVIRONMENT = {"python_version": "3.11", "sys_platform": "linux", "os_name": "posix", "extra": ""}


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ("python_version >= '3.8'", True),
        ("python_version < '3.10'", False),
        ("python_version >= '3.8' and sys_platform == 'linux'", True),
        ("os_name == 'nt' or (python_version > '3.9' and 'lin' in sys_platform)", True),
        ('sys_platform != "linux"', False),
        ("'3.1' not in python_version", False),
    ],
)
def test_markers(marker: str, expected: bool) -> None:
    assert evaluate_marker(marker, ENVIRONMENT) is expected


@pytest.mark.parametrize("marker", ["gpu_count > '1'", "python_version >=", "(python_version > '3'"])
def test_bad_markers(marker: str) -> None:
    with pytest.raises(ValueError, match="marker"):
        evaluate_marker(marker, ENVIRONMENT)


def test_satisfied_requirements_pass() -> None:
    torch_version = importlib.metadata.version("torch")
    check_requirements(["torch", f"torch=={torch_version}", "pytest>=1", "yaml", "PyYAML>=5"])


def test_one_error_lists_every_unmet_requirement_with_the_pip_command() -> None:
    with pytest.raises(MissingDependenciesError) as raised:
        check_requirements(["torch<1", f"{MISSING}>=1.0", "pytest>=1", "yaml>=999"], what="acme/hub@abc")
    error = raised.value
    assert isinstance(error, ImportError) and isinstance(error, RuntimeError)
    assert error.unmet == ["torch<1", f"{MISSING}>=1.0", "yaml>=999"]
    message = str(error)
    assert message.startswith(f"Missing dependencies: torch<1, {MISSING}>=1.0, yaml>=999")
    assert f"torch<1 (found {importlib.metadata.version('torch')})" in message
    assert f"{MISSING}>=1.0 (not installed)" in message
    assert f"-m pip install 'torch<1' '{MISSING}>=1.0' 'yaml>=999'" in message
    assert sys.executable in message


def test_markers_exclude_requirements_for_other_platforms() -> None:
    check_requirements([f"{MISSING}; python_version < '3'", f"{MISSING}; sys_platform == 'no-such-os'"])


def test_invalid_requirement_is_a_hubconf_error() -> None:
    with pytest.raises(HubconfError, match="invalid entry in dependencies"):
        check_requirements(["torch>>2"])
