"""Stage 4, smoke: load each featured entrypoint in its verification environment, in the sandbox, on CPU and,
when present, CUDA."""

from generator.smoke.run import SmokeRequest, skipped, smoke_entrypoint

__all__ = ["SmokeRequest", "skipped", "smoke_entrypoint"]
