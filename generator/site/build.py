"""`mkdocs build` into a staging folder; only a successful build replaces the previous site."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.errors import GeneratorError
from generator.files import staged_directory

# Material prints a notice about its maintenance plans on every build; it is not a problem of ours.
NOISE = ("MkDocs 2.0", "mkdocs-material", "Material for MkDocs", "│", "╭", "╰", "INFO")


class SiteBuildError(GeneratorError):
    """MkDocs failed; the message carries its warnings and errors."""


def build_site(mkdocs_yml: Path, site_dir: Path, timeout: float = 900.0) -> Path:
    """Build the site described by `mkdocs_yml` into `site_dir` (strict: any warning fails the build)."""
    with staged_directory(site_dir) as staging:
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(mkdocs_yml)]
        completed = subprocess.run(
            [*command, "--site-dir", str(staging)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=mkdocs_yml.parent,
        )
        if completed.returncode != 0:
            raise SiteBuildError(f"mkdocs build failed:\n{_problems(completed.stderr + completed.stdout)}")
    return site_dir


def _problems(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip() and not line.lstrip().startswith(NOISE)]
    return "\n".join(lines[-40:]) or output[-4000:]
