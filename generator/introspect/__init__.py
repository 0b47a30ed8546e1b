"""Stage 3, introspect: what a hub offers, read statically first, then by importing it in a sandbox."""

from generator.introspect.inspect_hub import HubInfo, introspect_hub

__all__ = ["HubInfo", "introspect_hub"]
