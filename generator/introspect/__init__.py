"""Stage 3, introspect: what a hub offers, read statically first, then by importing it in its verification
environment, in the sandbox."""

from generator.introspect.inspect_hub import HubInfo, ImportSettings, introspect_hub, source_view

__all__ = ["HubInfo", "ImportSettings", "introspect_hub", "source_view"]
