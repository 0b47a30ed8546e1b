"""Stage 1, catalogue: read and validate catalogue/catalogue.yaml, and publish its JSON Schema."""

from generator.catalogue.load import load_catalogue
from generator.catalogue.model import Catalogue, Entry, Paper, Smoke, SmokeInput, SmokeOverride
from generator.catalogue.repos import github_key
from generator.catalogue.schema import catalogue_schema

__all__ = [
    "Catalogue",
    "Entry",
    "Paper",
    "Smoke",
    "SmokeInput",
    "SmokeOverride",
    "catalogue_schema",
    "github_key",
    "load_catalogue",
]
