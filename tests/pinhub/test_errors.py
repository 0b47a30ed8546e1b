"""Every error pinhub raises can be imported by name and is listed, with its builtin, in the docs."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from pinhub import errors

ROOT = Path(__file__).resolve().parents[2]


def error_classes() -> set[str]:
    return {
        name for name, value in vars(errors).items() if inspect.isclass(value) and issubclass(value, errors.PinHubError)
    }


def test_every_error_is_exported() -> None:
    assert set(errors.__all__) == error_classes()


def test_every_error_is_in_the_table_of_the_docs() -> None:
    docs = (ROOT / "docs" / "loader.md").read_text(encoding="utf-8")
    table = docs.split("## Errors", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(\w+Error)`", table))
    assert error_classes() - {"PinHubError"} <= documented
