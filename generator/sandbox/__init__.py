"""Running untrusted hub code: a bubblewrap sandbox with no network, no view of the builder's files,
a scrubbed environment, a timeout and limits on its whole process tree. Used by the introspect and
smoke stages and check-repo; knows nothing about any of them."""

from generator.sandbox.runner import Limits, Outcome, SandboxUnavailableError, run_probe, sandbox_available

__all__ = ["Limits", "Outcome", "SandboxUnavailableError", "run_probe", "sandbox_available"]
