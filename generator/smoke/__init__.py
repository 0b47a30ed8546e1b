"""Stage 4, smoke: load every entrypoint in a sandboxed subprocess, on CPU and, when present, CUDA."""

from generator.smoke.run import SmokeRequest, TorchEnvironment, skipped, smoke_entrypoint, torch_environment

__all__ = ["SmokeRequest", "TorchEnvironment", "skipped", "smoke_entrypoint", "torch_environment"]
