"""Random and malformed archives: extraction never writes outside its folder and fails only with ArchiveError.

Archives are made of entries whose names and link targets mix ordinary names with ``..``, absolute
paths, drive letters, backslashes, NUL characters, names too long for the file system and names given
twice; entries are files, folders, symbolic and hard links, devices, fifos and unknown types; the
archive is compressed or not, then maybe cut short or given a wrong byte.
"""

from __future__ import annotations

import io
import os
import random
import stat
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinhub._archive import extract
from pinhub.errors import ArchiveError
from tests.pinhub.archives import zip_of

ORIGIN = "https://example.invalid/acme/widgets/archive/main.tar.gz"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
# Deep enough that a few ".." from the target still land inside the folder the test watches.
TARGET = Path("a", "b", "c", "d", "e", "f", "target")
KINDS = [
    tarfile.REGTYPE,
    tarfile.AREGTYPE,
    tarfile.CONTTYPE,
    tarfile.DIRTYPE,
    tarfile.SYMTYPE,
    tarfile.LNKTYPE,
    tarfile.CHRTYPE,
    tarfile.BLKTYPE,
    tarfile.FIFOTYPE,
    b"Z",
]


def noise(size: int, seed: int = 0) -> bytes:
    """Bytes that do not compress, the same for the same arguments (so examples can be replayed)."""
    return random.Random(seed).randbytes(size)


# Most names and link targets come from a few parts, so entries collide and links lead through each other.
parts = st.sampled_from(["x", "y", "sub", "..", "."])
wild_segments = st.one_of(
    st.sampled_from(["repo", "hubconf.py", "", "C:", "..\\..", ".pinhub-manifest.json"]),
    st.text(min_size=1, max_size=8),
    st.just("n" * 300),
)
names = st.one_of(
    st.builds(lambda rest: "repo/" + "/".join(rest), st.lists(parts, min_size=1, max_size=3)),
    st.builds(
        lambda prefix, rest, separator: prefix + separator.join(rest),
        st.sampled_from(["repo/", "", "/", "./repo/", "other/", "repo\\", "C:/repo/"]),
        st.lists(st.one_of(parts, wild_segments), max_size=4),
        st.sampled_from(["/", "\\"]),
    ),
)
link_targets = st.one_of(st.builds("/".join, st.lists(parts, min_size=1, max_size=4)), names)
contents = st.one_of(st.binary(max_size=16), st.builds(noise, st.integers(1, 4096)))
members = st.tuples(names, st.sampled_from(KINDS), link_targets, contents, st.sampled_from([0o644, 0o755, 0]))


def build(entries: list[tuple[str, bytes, str, bytes, int]], compression: str, tar_format: int) -> bytes:
    """A tar archive of the entries tarfile can write (it refuses some names; those are left out)."""
    buffer = io.BytesIO()
    open_tar: Callable[..., tarfile.TarFile] = tarfile.open  # the mode is chosen at run time
    with open_tar(fileobj=buffer, mode=f"w:{compression}", format=tar_format, pax_headers={"comment": COMMIT}) as tar:
        for name, kind, link, data, mode in entries:
            info = tarfile.TarInfo(name)
            info.type, info.linkname, info.mode = kind, link, mode
            has_data = kind in (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.CONTTYPE)
            info.size = len(data) if has_data else 0
            try:
                tar.addfile(info, io.BytesIO(data) if has_data else None)
            except (ValueError, UnicodeError):
                continue
    return buffer.getvalue()


def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """The archive cut short, or with one byte changed."""
    if draw(st.booleans()):
        return data[: draw(st.integers(0, len(data)))]
    position = draw(st.integers(0, len(data) - 1))
    return data[:position] + bytes([data[position] ^ draw(st.integers(1, 255))]) + data[position + 1 :]


@st.composite
def archives(draw: st.DrawFn) -> bytes:
    """Tar archives of any entries, well formed or damaged, and now and then something that is not a tar archive."""
    entries = draw(st.lists(members, max_size=8))
    data = build(entries, draw(st.sampled_from(["", "gz", "bz2", "xz"])), draw(st.sampled_from([1, 2])))
    damage = draw(st.sampled_from(["none", "none", "some", "other"]))
    if damage == "some":
        return damaged(draw, data)
    if damage == "other":
        return draw(st.sampled_from([b"", b"<html>rate limited</html>", zip_of({"repo/x": b"x"}), noise(600)]))
    return data


@st.composite
def linked_archives(draw: st.DrawFn) -> bytes:
    """Folders, files and many symbolic links like ``x -> y/sub/../..``, whose meaning changes as others appear."""
    down = st.lists(st.sampled_from(["x", "y", "sub"]), max_size=3)
    # Down some folders, then up about as many: harmless until one of those folders turns out to be a link.
    targets = st.builds(
        lambda names, extra: "/".join([*names, *[".."] * max(0, len(names) + extra)]) or ".",
        down,
        st.sampled_from([-1, 0, 0, 1]),
    )
    name = st.builds(
        lambda rest: "repo/" + "/".join(rest), st.lists(st.sampled_from(["x", "y", "sub"]), min_size=1, max_size=2)
    )
    kind = st.sampled_from([tarfile.SYMTYPE, tarfile.SYMTYPE, tarfile.SYMTYPE, tarfile.DIRTYPE, tarfile.REGTYPE])
    entries = draw(st.lists(st.tuples(name, kind, targets), max_size=8))
    return build([(path, how, target, b"data", 0o644) for path, how, target in entries], "", tarfile.PAX_FORMAT)


@st.composite
def damaged_streams(draw: st.DrawFn) -> bytes:
    """A sound archive of a few files of random data, compressed, then cut short or with one byte changed."""
    files = draw(st.lists(st.integers(1, 6000), min_size=1, max_size=4))
    entries = [(f"repo/file{n}", tarfile.REGTYPE, "", noise(size, n), 0o644) for n, size in enumerate(files)]
    return damaged(draw, build(entries, draw(st.sampled_from(["", "gz", "bz2", "xz"])), tarfile.PAX_FORMAT))


def extraction_error(archive: Path, target: Path) -> str | None:
    """Extract; the ArchiveError's message if it is refused (any other error fails the test)."""
    try:
        extract(archive, target, ORIGIN)
    except ArchiveError as error:
        return str(error)
    return None


def snapshot(root: Path, skip: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``root`` but ``skip``'s subtree, with its type and size."""
    seen: dict[str, tuple[int, int]] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if Path(folder, d) != skip]
        for name in [*dirs, *files]:
            info = os.lstat(Path(folder, name))
            seen[os.path.relpath(Path(folder, name), root)] = (stat.S_IFMT(info.st_mode), info.st_size)
    return seen


def assert_contained(target: Path) -> None:
    """Only files, folders and links that lead inside ``target`` are in it."""
    inside = os.path.realpath(target)
    for folder, dirs, files in os.walk(target):
        for name in [*dirs, *files]:
            path = Path(folder, name)
            mode = os.lstat(path).st_mode
            assert stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode), f"special file {path}"
            real = os.path.realpath(path)
            assert real == inside or real.startswith(inside + os.sep), f"{path} leads to {real}"


def check_extraction(archive: bytes) -> None:
    """Extract among other folders: nothing outside changes; only an ArchiveError naming the URL is raised."""
    with tempfile.TemporaryDirectory(prefix="pinhub-fuzz-") as scratch:
        root = Path(scratch)
        target = root / TARGET
        target.parent.mkdir(parents=True)
        for bait in BAITS:
            (root / bait).write_text("keep me\n")
        download = root / "download.incomplete"
        download.write_bytes(archive)
        before = snapshot(root, skip=target)
        refusal = extraction_error(download, target)
        if refusal is not None:
            assert ORIGIN in refusal and str(download) not in refusal
        assert snapshot(root, skip=target) == before
        assert all((root / bait).read_text() == "keep me\n" for bait in BAITS)
        assert_contained(target)


BAITS = ("outside.txt", "a/b/neighbour.txt", "a/b/c/d/e/f/sibling.txt")
# Bounded for CI: the three properties take a few seconds together.
FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.fault("Loader", "fuzzing extraction: any archive stays inside its folder or fails with an ArchiveError")
@FUZZ
@given(archive=archives())
def test_any_archive_stays_inside_and_fails_only_with_archive_error(archive: bytes) -> None:
    check_extraction(archive)


@pytest.mark.fault("Loader", "fuzzing extraction: links through links never lead outside")
@FUZZ
@given(archive=linked_archives())
def test_links_through_links_never_lead_outside(archive: bytes) -> None:
    check_extraction(archive)


@pytest.mark.fault("Loader", "fuzzing extraction: a damaged compressed archive fails with an ArchiveError")
@FUZZ
@given(archive=damaged_streams())
def test_damaged_compressed_archives_fail_only_with_archive_error(archive: bytes) -> None:
    check_extraction(archive)
