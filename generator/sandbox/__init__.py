"""Running untrusted hub code: a subprocess with a wall-clock timeout, resource limits, a scrubbed
environment and no network. Used by the introspect and smoke stages; knows nothing about either."""

from generator.sandbox.runner import Isolation, Limits, Outcome, network_isolation, run_probe

__all__ = ["Isolation", "Limits", "Outcome", "network_isolation", "run_probe"]
