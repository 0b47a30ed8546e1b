"""The verification environment the tests verify hubs in: the torch the project's own venv has.

The catalogue's default pair (torch 2.14.1 with torchvision, a CUDA build of several GB) is what the
real catalogue is verified with; tests verify small hubs that need torch alone, so they use the
release already installed here, which uv takes from the same wheel folder pip installed it from
(`UV_FIND_LINKS`, set in tests/conftest.py). Each distinct environment is made once per test session.
"""

from __future__ import annotations

import importlib.metadata
import sys
from typing import Any

TEST_TORCH = importlib.metadata.version("torch")
TEST_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
SETTING: dict[str, Any] = {"python": TEST_PYTHON, "torch": TEST_TORCH, "torchvision": None}
YAML = f'verification: {{python: "{TEST_PYTHON}", torch: "{TEST_TORCH}", torchvision: null}}\n'
