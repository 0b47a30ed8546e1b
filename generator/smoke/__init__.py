"""Stage 4, smoke: load every entrypoint in a sandboxed subprocess, on CPU and, when present, CUDA."""

from generator.smoke.run import SmokeRequest, skipped, smoke_entrypoint

__all__ = ["SmokeRequest", "skipped", "smoke_entrypoint"]
