"""Stage 7, site: run MkDocs on the docs folder and swap the built site into place atomically."""

from generator.site.build import SiteBuildError, build_site

__all__ = ["SiteBuildError", "build_site"]
