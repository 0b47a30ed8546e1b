"""Ids and repositories: look-alike characters are named, unsafe repository URLs refused with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.catalogue import github_key, load_catalogue
from tests.generator.catalogue.test_load import VALID, problems, write


@pytest.mark.fault("Catalogue", "a lookalike letter in an id: named with its position")
def test_a_lookalike_letter_in_an_id_is_named_with_its_position(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("id: resnet-tiny", "id: resn\u0435t-tiny"))
    assert problems(path) == [
        f"{path}:7: models[0].id: expected a slug: lowercase letters, digits and single dashes, e.g. 'resnet-50', "
        "got 'resnеt-tiny': character 5, 'е', is CYRILLIC SMALL LETTER IE (U+0435), not ASCII; type it again"
    ]


@pytest.mark.fault("Catalogue", "lookalike letters in tags and categories: named")
def test_lookalikes_in_tags_and_categories_are_named_too(tmp_path: Path) -> None:
    text = VALID.replace("  - id: vision", "  - id: vis\u0456on").replace(
        "[classification, digits]", "[classific\u0430tion]"
    )
    found = "\n".join(problems(write(tmp_path, text)))
    assert "categories[0].id: expected a slug" in found
    assert "character 4, 'і', is CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I (U+0456), not ASCII" in found
    assert "tags[0]: expected a slug" in found
    assert "character 10, 'а', is CYRILLIC SMALL LETTER A (U+0430), not ASCII" in found


@pytest.mark.fault("Catalogue", "an invisible character in an id: named")
def test_an_invisible_character_in_an_id_is_named(tmp_path: Path) -> None:
    found = problems(write(tmp_path, VALID.replace("id: resnet-tiny", 'id: "resnet\u200b-tiny"')))
    assert any("character 7, '\\u200b', is ZERO WIDTH SPACE (U+200B), not ASCII" in p for p in found)


@pytest.mark.fault("Catalogue", "an unsafe repository URL: refused with the reason", param="repo")
@pytest.mark.parametrize(
    ("repo", "message"),
    [
        (
            "http://git.example.com/owner/name.git",
            "http:// is unencrypted: anyone on the network path could change the code the build fetches and runs; "
            "use https://git.example.com/owner/name.git",
        ),
        (
            '"ext::sh -c touch% /tmp/pwned"',
            "ext::… is git's remote-helper form <transport>::<address>, which makes git run a program "
            "(ext:: runs any command); give the repository's https:// URL",
        ),
        ('"git@ext::sh -c id"', "git@ext::… is git's remote-helper form <transport>::<address>"),
        ('"fd::17"', "fd::… is git's remote-helper form"),
        ('"-uhelp"', "'-uhelp' starts with '-', which git would read as an option, not a repository"),
        ('"ssh://-oProxyCommand=id/x"', "the host of 'ssh://-oProxyCommand=id/x' starts with '-'"),
        (
            '"https://github.com/owner/na me"',
            "character 28, ' ', is SPACE (U+0020): a repository has no spaces or control characters; remove it",
        ),
        ('"owner/na\\x07me"', "character 9, '\\x07', is a control character (U+0007): a repository has no spaces"),
        ('"./hubs/tiny\\u202e"', "is RIGHT-TO-LEFT OVERRIDE (U+202E): a repository has no spaces or control"),
        (
            "https://g\u0456thub.com/owner/name",
            "character 10, 'і', is CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I (U+0456); a repository is written "
            "in ASCII (hosts in their xn-- form)",
        ),
    ],
)
def test_unsafe_repository_urls_are_refused_with_the_reason(tmp_path: Path, repo: str, message: str) -> None:
    path = write(tmp_path, VALID.replace("repo: owner/name", f"repo: {repo}"))
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:10: models[0].repo: ")
    assert message in problem


@pytest.mark.parametrize(
    "repo",
    [
        "owner/name",
        "https://github.com/owner/name.git",
        "https://git.example.com/team/hub.git",
        "git@github.com:owner/name.git",
        "ssh://git@host.example:2222/team/hub.git",
        "ssh://[::1]/srv/hub.git",
        "git://mirror.example/owner/name.git",
        "file:///srv/mirrors/owner/name.git",
        "https://example.com/a::b.git",
    ],
)
def test_ordinary_repository_urls_are_accepted(tmp_path: Path, repo: str) -> None:
    assert load_catalogue(write(tmp_path, VALID.replace("repo: owner/name", f"repo: {repo}"))).models[0].repo == repo


def test_github_names_keep_their_spelling_and_compare_without_case(tmp_path: Path) -> None:
    entry = load_catalogue(write(tmp_path, VALID.replace("repo: owner/name", "repo: Coderx7/SimpleNet_Pytorch")))
    assert entry.models[0].github == "Coderx7/SimpleNet_Pytorch"
    spellings = [
        "Coderx7/SimpleNet_Pytorch",
        "coderx7/simplenet_pytorch",
        "https://github.com/Coderx7/SimpleNet_Pytorch.git",
        "https://GitHub.com/coderx7/simplenet_pytorch/",
        "git@github.com:CODERX7/SimpleNet_Pytorch.git",
        "ssh://git@github.com/coderx7/SimpleNet_Pytorch",
    ]
    assert {github_key(spelling) for spelling in spellings} == {"coderx7/simplenet_pytorch"}
    assert github_key("https://git.example.com/Team/Hub.git") == "https://git.example.com/Team/Hub.git"
