"""The "Propose a model" issue form and the pull request template mirror the catalogue's fields."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from ruamel.yaml import YAML

from generator.catalogue import Entry

ROOT = Path(__file__).resolve().parents[2]
FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / "propose-model.yml"
PULL_REQUEST = ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md"
REQUIRED = ["repo", "ref", "title", "summary", "category", "license", "accelerator"]
CHECKLIST = ["hubconf.py", "dependencies", "docstring", "light", "pretrained", "weight URLs", "loads on CPU"]


def form() -> dict[str, typing.Any]:
    data: dict[str, typing.Any] = YAML(typ="safe").load(FORM.read_text(encoding="utf-8"))
    return data


def fields() -> dict[str, dict[str, typing.Any]]:
    return {item["id"]: item for item in form()["body"] if "id" in item}


def test_the_form_is_a_valid_issue_form() -> None:
    data = form()
    assert {"name", "description", "body"} <= set(data)
    ids = [item["id"] for item in data["body"] if "id" in item]
    assert len(ids) == len(set(ids))
    for item in data["body"]:
        assert item["type"] in {"markdown", "input", "textarea", "dropdown", "checkboxes"}
        assert "label" in item["attributes"] or item["type"] == "markdown"


def test_each_field_of_the_form_is_a_field_of_the_catalogue() -> None:
    for field_id, item in fields().items():
        named = re.search(r"\((\w+)\)$", item["attributes"]["label"])
        if named:
            assert named.group(1) == field_id
            assert field_id in Entry.model_fields
    required = [i for i, item in fields().items() if (item.get("validations") or {}).get("required")]
    assert set(REQUIRED) <= set(required)


def test_the_accelerator_choices_are_the_catalogues() -> None:
    annotation = Entry.model_fields["accelerator"].annotation
    assert fields()["accelerator"]["attributes"]["options"] == list(typing.get_args(annotation))


def test_both_templates_ask_for_the_check_repo_checklist() -> None:
    labels = [option["label"] for option in fields()["checklist"]["attributes"]["options"]]
    template = PULL_REQUEST.read_text(encoding="utf-8")
    for phrase in CHECKLIST:
        assert any(phrase in label for label in labels), phrase
        assert phrase in template, phrase
    assert "python -m generator check-repo" in template
    for field in REQUIRED:
        assert f"`{field}`" in template, field
