"""The files of small hub repositories used across the tests."""

from __future__ import annotations


def affine_hub(offset: int, dependencies: tuple[str, ...] = ("torch",)) -> dict[str, str | bytes | None]:
    """A hub with a ``models`` module and a ``utils`` package, as detr and yolov5 both have.

    ``affine(scale)(x)`` is ``x * scale + 11 * offset``: ``models.OFFSET`` is ``offset`` and
    ``utils.consts.OFFSET`` is ``10 * offset``, both read through imports that run inside ``forward``.
    """
    hubconf = f'''"""A tiny hub for tests: an affine map whose offset tells which hub it came from."""

import utils
from models import Affine

dependencies = {list(dependencies)!r}


def affine(scale: float = 1.0) -> Affine:
    """Return an Affine model that multiplies by ``scale`` and adds this hub's offset."""
    return Affine(scale)


def version() -> int:
    """This hub's offset."""
    return utils.consts.OFFSET // 10


def _helper() -> None:
    """Private: not an entrypoint."""
'''
    models = f'''import torch
from utils.consts import OFFSET as UTILS_OFFSET

OFFSET = {offset}


class Affine(torch.nn.Module):
    """x * scale + models.OFFSET + utils.consts.OFFSET."""

    def __init__(self, scale: float) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.full((1,), float(scale)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        import models  # resolved when forward runs, long after the hub was loaded
        from utils import consts

        return x * self.weight + models.OFFSET + consts.OFFSET

    def label(self) -> str:
        from utils.naming import name  # a module nothing imported before this call

        return name()
'''
    return {
        "hubconf.py": hubconf,
        "models.py": models,
        "utils/__init__.py": "from utils import consts\n",
        "utils/consts.py": f"OFFSET = {offset * 10}\n",
        "utils/naming.py": (
            f"def name() -> str:\n    return 'hub-{offset}'\n\n\n"
            "class Badge:\n    def text(self) -> str:\n        return name()\n"
        ),
        "README.md": f"hub {offset}\n",
    }


def plain_hub(answer: int) -> dict[str, str | bytes | None]:
    """A hub that needs no torch, for tests that start many Python processes."""
    return {
        "hubconf.py": "from helpers import make\n\ndependencies = []\n\n\ndef thing():\n    return make()\n",
        "helpers.py": f"def make():\n    return {{'answer': {answer}}}\n",
    }
