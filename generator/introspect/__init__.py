"""Stage 3, introspect: what a hub offers, read statically first, then by importing it in a sandbox."""

from generator.introspect.inspect_hub import HubInfo, ImportSettings, introspect_hub, source_view

__all__ = ["HubInfo", "ImportSettings", "introspect_hub", "source_view"]
