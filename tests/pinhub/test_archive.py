"""Safe extraction: nothing from an archive may land outside the target folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pinhub._archive import archive_commit, extract
from pinhub.errors import ArchiveError
from tests.pinhub.archives import Member, directory, fifo, file, hardlink, symlink, tar_gz

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def extract_members(tmp_path: Path, members: list[Member]) -> Path:
    archive = tmp_path / "archive.tar.gz"
    archive.write_bytes(tar_gz(members, commit=COMMIT))
    target = tmp_path / "out" / "target"
    extract(archive, target)
    return target


def test_extracts_below_the_top_folder(tmp_path: Path) -> None:
    members = [
        directory("repo-v1"),
        file("repo-v1/hubconf.py", b"dependencies = []\n"),
        file("repo-v1/tools/run.sh", b"#!/bin/sh\n", mode=0o755),
        symlink("repo-v1/docs/readme", "../hubconf.py"),
        hardlink("repo-v1/copy.py", "repo-v1/hubconf.py"),
    ]
    archive = tmp_path / "a.tar.gz"
    archive.write_bytes(tar_gz(members, commit=COMMIT))
    target = tmp_path / "target"
    result = extract(archive, target)
    assert result.commit == COMMIT == archive_commit(archive)
    assert (target / "hubconf.py").read_bytes() == b"dependencies = []\n"
    assert os.access(target / "tools" / "run.sh", os.X_OK)
    assert (target / "docs" / "readme").read_bytes() == b"dependencies = []\n"
    assert (target / "copy.py").read_bytes() == b"dependencies = []\n"
    assert set(result.files) == {"hubconf.py", "tools/run.sh", "copy.py"}
    assert result.links == {"docs/readme": "../hubconf.py"}


@pytest.mark.fault("Loader", "an archive with an unsafe member: refused, naming the URL")
@pytest.mark.parametrize(
    ("members", "message"),
    [
        ([file("/etc/evil")], "absolute path"),
        ([file("repo/../../evil")], "directory traversal"),
        ([file("repo/a"), file("other/b")], "one top-level folder"),
        ([symlink("repo/link", "/etc/passwd")], "absolute target"),
        ([symlink("repo/link", "../../outside")], "escapes"),
        # Looks inside if read as text ("d/../x" is "x"), but d is a link to the root: it leads to ../x.
        ([symlink("repo/d", "."), symlink("repo/d/l", "../x")], "escapes"),
        # Harmless when made (b does not exist yet); b, created later, turns it into an escape.
        ([symlink("repo/a", "b/c/../.."), symlink("repo/b", ".")], "escapes"),
        ([hardlink("repo/h", "repo/../../etc/passwd")], "directory traversal"),
        ([hardlink("repo/h", "repo/missing")], "outside the archive"),
        ([fifo("repo/pipe")], "special file"),
        ([file("repo/.pinhub-manifest.json")], "manifest"),
    ],
    ids=[
        "absolute",
        "dotdot",
        "two-tops",
        "abs-link",
        "escaping-link",
        "link-through-link",
        "link-made-escaping-later",
        "hardlink-dotdot",
        "hardlink-unknown",
        "fifo",
        "manifest",
    ],
)
def test_refuses_unsafe_members(tmp_path: Path, members: list[Member], message: str) -> None:
    with pytest.raises(ArchiveError, match=message):
        extract_members(tmp_path, members)
    assert not (tmp_path / "out" / "x").exists()
    assert not (tmp_path / "evil").exists()
    target = tmp_path / "out" / "target"
    assert not [path for path in target.rglob("*") if path.is_symlink()]  # none left to lead outside later


@pytest.mark.fault("Loader", "a truncated archive: an error naming the URL")
def test_truncated_archive(tmp_path: Path) -> None:
    data = tar_gz([file("repo/big", os.urandom(200_000))], commit=COMMIT)
    archive = tmp_path / "cut.tar.gz"
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(ArchiveError, match="corrupt or truncated"):
        extract(archive, tmp_path / "target")


@pytest.mark.fault("Loader", "not an archive: an error naming the URL")
def test_not_an_archive(tmp_path: Path) -> None:
    archive = tmp_path / "page.tar.gz"
    archive.write_text("<html>rate limited</html>")
    with pytest.raises(ArchiveError):
        archive_commit(archive)
