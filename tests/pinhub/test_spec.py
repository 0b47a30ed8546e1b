"""Parsing what users pass: repository strings, refs, commits, sub-directories, sources."""

from __future__ import annotations

import pytest

from pinhub._spec import ACCEPTED_SOURCES, RepoSpec, parse_source, parse_spec
from pinhub.errors import RepoSpecError

SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("pytorch/vision",), RepoSpec("github", "pytorch/vision")),
        (("pytorch/vision:v0.10.0",), RepoSpec("github", "pytorch/vision", ref="v0.10.0")),
        (("owner/name:feature/x",), RepoSpec("github", "owner/name", ref="feature/x")),
        ((f"owner/name:{SHA.upper()}",), RepoSpec("github", "owner/name", ref=SHA)),
        (("owner/name", "github", "ABCDEF1"), RepoSpec("github", "owner/name", commit="abcdef1")),
        (
            ("owner/name", "GitHub", None, "examples/digits/"),
            RepoSpec("github", "owner/name", subdir="examples/digits"),
        ),
        (("https://host/org/repo.git#v2", "git"), RepoSpec("git", "https://host/org/repo.git", ref="v2")),
        (("git@host:org/repo.git", "git"), RepoSpec("git", "git@host:org/repo.git")),
        (("./some/dir", "local"), RepoSpec("local", "./some/dir")),
        (("owner/name", "github", None, "."), RepoSpec("github", "owner/name")),
    ],
)
def test_parses(args: tuple[str, ...], expected: RepoSpec) -> None:
    assert parse_spec(*args) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("pytorch",), "owner/name"),
        (("a/b/c",), "owner/name"),
        (("owner/name:bad..ref",), "invalid ref"),
        (("owner/name:with space",), "invalid ref"),
        (("owner/name:",), "invalid ref"),
        (("owner/name", "svn"), "Unknown source"),
        (("owner/name", "github", "main"), "commit= takes a commit SHA"),
        (("owner/name", "github", "abc"), "commit= takes a commit SHA"),
        (("owner/name", "github", None, "../up"), "subdir"),
        (("owner/name", "github", None, "/abs"), "subdir"),
        (("--upload-pack=evil", "git"), "git URL"),
        ((f"owner/name:{SHA}", "github", "fedcba9"), "pins"),
        (("",), "non-empty"),
    ],
)
def test_refuses(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(RepoSpecError, match=message):
        parse_spec(*args)
    assert issubclass(RepoSpecError, ValueError)


def test_the_unknown_source_message_lists_exactly_what_is_accepted() -> None:
    with pytest.raises(RepoSpecError) as raised:
        parse_source("svn")
    assert str(raised.value) == 'Unknown source: "svn". Allowed values: "github" | "git" | "local" | "catalogue".'
    assert [parse_source(name.upper()) for name in ACCEPTED_SOURCES] == list(ACCEPTED_SOURCES)


def test_full_and_abbreviated_commits() -> None:
    assert parse_spec(f"o/n:{SHA}").full_commit == SHA
    assert parse_spec("o/n", commit=SHA).full_commit == SHA
    assert parse_spec("o/n:abc1234").full_commit is None
    assert parse_spec("o/n:abc1234").abbreviated == "abc1234"
    assert parse_spec("o/n:main").abbreviated is None
