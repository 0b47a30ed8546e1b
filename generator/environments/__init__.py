"""Verification environments: one virtual environment per distinct set of resolved packages, made with uv.

An entry is introspected and smoke-loaded with the Python of its own environment: the catalogue's
torch/torchvision pair, the hub's `dependencies` mapped to distributions, and the entry's
`requirements:`. The set is resolved to exact versions first (`uv pip compile`); the environment is
named by the hash of that resolved set, so entries that resolve alike share one, across builds too.
uv's cache hard-links files, so many environments cost about one torch on disk.
"""

from generator.environments.create import (
    EnvironmentRequest,
    InstallError,
    ReadyEnvironment,
    prepare_environment,
)
from generator.environments.devices import machine_devices
from generator.environments.requirements import distribution, hub_requirements
from generator.environments.verification import verification_request

__all__ = [
    "EnvironmentRequest",
    "InstallError",
    "ReadyEnvironment",
    "distribution",
    "hub_requirements",
    "machine_devices",
    "prepare_environment",
    "verification_request",
]
