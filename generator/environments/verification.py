"""The request for an entry's verification environment: the catalogue's pair first, then the hub's requirements.

The build (generator/verify/plan.py) and the maintainers' commands (check-repo, add) ask for
environments through this one function, so a hub is imported and loaded in the same kind of
environment whoever probes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from generator.environments.create import EnvironmentRequest

if TYPE_CHECKING:
    from generator.catalogue.model import VerificationSetting


def verification_request(verification: VerificationSetting, requirements: Sequence[str]) -> EnvironmentRequest:
    """The catalogue's Python and torch/torchvision pair, then `requirements` (the hub's mapped
    `dependencies` and the entry's `requirements:`, as `hub_requirements` returns them)."""
    return EnvironmentRequest(python=verification.python, requirements=(*verification.requirements(), *requirements))
