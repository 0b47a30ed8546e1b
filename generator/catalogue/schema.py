"""The JSON Schema of catalogue.yaml, for editors (YAML language server) and other tools."""

from __future__ import annotations

import json
from typing import Any

from generator.catalogue.model import Catalogue

SCHEMA_ID = "https://pinhub.github.io/pinhub/catalogue.schema.json"


def catalogue_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) generated from the typed catalogue models."""
    schema = Catalogue.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "PinHub catalogue"
    return schema


def schema_text() -> str:
    """The schema as the committed file catalogue/schema.json holds it."""
    return json.dumps(catalogue_schema(), indent=2, sort_keys=True) + "\n"
