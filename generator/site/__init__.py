"""Stage 7, site: ship the loader (wheel + simple index), run MkDocs, swap the built site into place."""

from generator.site.build import ReplacedPage, SiteBuild, SiteBuildError, build_site
from generator.site.package import PackageBuildError, publish_loader

__all__ = ["PackageBuildError", "ReplacedPage", "SiteBuild", "SiteBuildError", "build_site", "publish_loader"]
