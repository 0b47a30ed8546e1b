"""The quick reader gives exactly what the careful one gives, or leaves the document to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.catalogue.load import _parse_yaml, _plain
from generator.catalogue.quick import quick_read
from support.hubrepos import PROJECT_ROOT


def careful(text: str, tmp_path: Path) -> object:
    path = tmp_path / "catalogue.yaml"
    path.write_text(text, encoding="utf-8")
    return _plain(_parse_yaml(path))


def test_the_project_catalogue_reads_the_same_both_ways(tmp_path: Path) -> None:
    text = (PROJECT_ROOT / "catalogue" / "catalogue.yaml").read_text(encoding="utf-8")
    quick = quick_read(text)
    assert quick is not None and quick == careful(text, tmp_path)


def test_plain_scalars_are_read_as_yaml_1_2_reads_them(tmp_path: Path) -> None:
    text = "a: [yes, no, on, off, y, n, 010, 0o10, 0x1F, 1_000, 1.5, .inf, true, False, null, ~, '010']\n"
    assert (
        quick_read(text)
        == careful(text, tmp_path)
        == {
            "a": [
                "yes",
                "no",
                "on",
                "off",
                "y",
                "n",
                10,
                8,
                31,
                1000,
                1.5,
                float("inf"),
                True,
                False,
                None,
                None,
                "010",
            ]
        }
    )


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1]\nb: *x\n",  # anchors and aliases: the careful reader bounds them
        "a: !!set {x}\n",  # explicit tags
        "a: 2024-13-45\n",  # dates: the careful reader checks them
        "a: 1\na: 2\n",  # a repeated key
        "{[1]: x}\n",  # a key that is not text
        "a: " + "[" * 70 + "]" * 70 + "\n",  # deep nesting
        "a: [unclosed\n",  # not YAML at all
    ],
)
def test_documents_a_catalogue_never_needs_are_left_to_the_careful_reader(text: str) -> None:
    assert quick_read(text) is None
