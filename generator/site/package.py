"""The loader ships with the site: the `pinhub` wheel and a PEP 503 simple index in `<docs>/simple/`.

`pip install --index-url <site_url>simple/ pinhub` (or the wheel's own URL) then works from the
published site. The wheel is built offline with hatchling, the build backend of pyproject.toml,
in a child interpreter so that the build never imports project code into the generator's process.
"""

from __future__ import annotations

import hashlib
import html
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from generator.errors import GeneratorError
from generator.files import staged_directory
from generator.lock.records import normalise_name

SOURCE_KEY = ".source-key"  # the hash of the sources the published wheel was built from

_BUILD_WHEEL = """
import sys
from hatchling.builders.wheel import WheelBuilder
for path in WheelBuilder(sys.argv[1]).build(directory=sys.argv[2], versions=["standard"]):
    print(path)
"""


class PackageBuildError(GeneratorError):
    """The loader's wheel could not be built; the message carries hatchling's output."""


@dataclass(frozen=True)
class Wheel:
    """A built wheel: its file, its project name (normalised) and version, and its SHA-256."""

    path: Path
    project: str
    version: str
    sha256: str


def publish_loader(project_root: Path, simple_dir: Path) -> Wheel | None:
    """Build the wheel of the project at `project_root` and write the simple index around it.

    `simple_dir` is replaced as a whole: `index.html` lists the project, `<project>/index.html` links
    the wheel with its `#sha256=` fragment and `data-requires-python`, and the wheel sits beside it.
    When the index already holds the wheel of these very sources (their hash is kept beside it),
    nothing is built or written. A project without pyproject.toml has no package to ship: nothing is
    written and None returned.
    """
    if not (project_root / "pyproject.toml").is_file():
        return None
    key = source_key(project_root)
    published = _published(simple_dir, key)
    if published is not None:
        return published
    with tempfile.TemporaryDirectory(prefix="pinhub-wheel-") as scratch:
        built = build_wheel(project_root, Path(scratch))
        with staged_directory(simple_dir) as staging:
            folder = staging / built.project
            folder.mkdir()
            target = folder / built.path.name
            target.write_bytes(built.path.read_bytes())
            (staging / "index.html").write_text(_page("Simple index", [(f"{built.project}/", built.project, "")]))
            link = (f"{target.name}#sha256={built.sha256}", target.name, _requires_python(project_root))
            (folder / "index.html").write_text(_page(f"Links for {built.project}", [link]))
            (staging / SOURCE_KEY).write_text(key, encoding="utf-8")
    return Wheel(simple_dir / built.project / built.path.name, built.project, built.version, built.sha256)


def source_key(project_root: Path) -> str:
    """Hash of what the wheel is built from: pyproject.toml and the package's files."""
    digest = hashlib.sha256((project_root / "pyproject.toml").read_bytes())
    package = project_root / "pinhub"
    for path in sorted(package.rglob("*")) if package.is_dir() else ():
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(project_root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _published(simple_dir: Path, key: str) -> Wheel | None:
    """The wheel the index holds, if it was built from sources with this key."""
    try:
        if (simple_dir / SOURCE_KEY).read_text(encoding="utf-8") != key:
            return None
    except OSError:
        return None
    wheels = sorted(simple_dir.glob("*/*.whl"))
    if len(wheels) != 1:
        return None
    name, version = wheels[0].name.split("-")[:2]
    return Wheel(wheels[0], normalise_name(name), version, hashlib.sha256(wheels[0].read_bytes()).hexdigest())


def _requires_python(project_root: Path) -> str:
    """pyproject.toml's `requires-python` ('' when it sets none)."""
    with open(project_root / "pyproject.toml", "rb") as file:
        return str(tomllib.load(file).get("project", {}).get("requires-python", ""))


def build_wheel(project_root: Path, directory: Path, timeout: float = 300.0) -> Wheel:
    """Build the project's wheel into `directory` with hatchling, offline and without build isolation."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _BUILD_WHEEL, str(project_root), str(directory)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PackageBuildError(f"building the wheel of {project_root} took longer than {timeout:.0f} s") from None
    wheels = [Path(line) for line in done.stdout.splitlines() if line.endswith(".whl")]
    if done.returncode != 0 or not wheels:
        raise PackageBuildError(f"cannot build the wheel of {project_root}:\n{(done.stderr or done.stdout)[-3000:]}")
    path = wheels[0]
    name, version = path.name.split("-")[:2]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Wheel(path, normalise_name(name), version, digest)


def _page(title: str, links: list[tuple[str, str, str]]) -> str:
    """A PEP 503 page: one anchor per (href, text, requires-python)."""
    anchors = []
    for href, text, requires in links:
        attribute = f' data-requires-python="{html.escape(requires)}"' if requires else ""
        anchors.append(f'    <a href="{html.escape(href)}"{attribute}>{html.escape(text)}</a><br>')
    body = "\n".join(anchors)
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n  <head>\n    <meta name="pypi:repository-version" content="1.0">\n'
        f"    <title>{html.escape(title)}</title>\n  </head>\n  <body>\n    <h1>{html.escape(title)}</h1>\n"
        f"{body}\n  </body>\n</html>\n"
    )
