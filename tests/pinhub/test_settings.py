"""PINHUB_* environment variables: one reading of yes and no everywhere, and clear errors for other values."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import pinhub
from pinhub._settings import VARIABLES
from pinhub.errors import ConfigurationError, OfflineCacheMissError
from support.github import GitHubServer
from tests.pinhub.conftest import Widgets

ROOT = Path(__file__).resolve().parents[2]


def load(repo: str = "acme/widgets", **kwargs: Any) -> Any:
    return pinhub.load(repo, "affine", trust_repo=True, verbose=False, **kwargs)


def network_calls(widgets: Widgets, server: GitHubServer, tmp_path: Path) -> dict[str, Callable[[], object]]:
    """One call for each way pinhub reaches the network, none of them cached yet."""
    return {
        "github commit": lambda: load(commit=widgets.second),
        "github branch": lambda: load("acme/widgets:dev"),
        "git source": lambda: load(widgets.repo.url, source="git", commit=widgets.second),
        "weights": lambda: pinhub.load_state_dict_from_url(f"{server.url}/w/net.pt", model_dir=tmp_path),
        "download": lambda: pinhub.download_url_to_file(f"{server.url}/w/net.pt", tmp_path / "net.pt"),
        "catalogue": lambda: pinhub.catalogue_entry("widgets"),
    }


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "Yes", " on "])
def test_every_yes_word_keeps_every_call_off_the_network(
    value: str, widgets: Widgets, server: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PINHUB_CATALOGUE_URL", f"{server.url}/site/catalogue.json")
    monkeypatch.setenv("PINHUB_OFFLINE", value)
    for name, call in network_calls(widgets, server, tmp_path).items():
        with pytest.raises(OfflineCacheMissError):
            call()
        assert server.requests == [], name


@pytest.mark.parametrize("value", ["0", "false", "No", "OFF", "", "  "])
def test_every_no_word_leaves_the_network_on(
    value: str, widgets: Widgets, server: GitHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PINHUB_OFFLINE", value)
    assert load(commit=widgets.first).__pinhub__.commit == widgets.first
    assert server.count("archive") == 1


@pytest.mark.parametrize("value", ["maybe", "2", "enabled", "tru"])
def test_any_other_value_fails_every_call_before_anything_is_done(
    value: str, widgets: Widgets, server: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(commit=widgets.first)
    before = len(server.requests)
    monkeypatch.setenv("PINHUB_OFFLINE", value)
    calls: dict[str, Callable[[], object]] = {**network_calls(widgets, server, tmp_path)}
    calls["cache hit"] = lambda: load(commit=widgets.first)
    for name, call in calls.items():
        with pytest.raises(ConfigurationError) as raised:
            call()
        message = str(raised.value)
        assert f"PINHUB_OFFLINE={value!r} is not a yes/no value" in message, name
        assert "1, true, yes, on to turn it on" in message
        assert "0, false, no, off or nothing to turn it off" in message
    assert len(server.requests) == before
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PINHUB_GITHUB_URL", "github.example.com"),
        ("PINHUB_GITHUB_URL", "ftp://mirror.example.com"),
        ("PINHUB_CATALOGUE_URL", "catalogue.json"),
        ("PINHUB_CATALOGUE_URL", "https://"),
    ],
)
def test_a_url_pinhub_cannot_read_is_named_with_what_to_give(
    variable: str, value: str, widgets: Widgets, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as raised:
        pinhub.resolve("acme/widgets", commit=widgets.first)
    message = str(raised.value)
    assert f"{variable}={value!r} is not a URL pinhub can read" in message
    assert "http://, https://, file://" in message and "or unset it to use" in message


def test_the_command_line_reports_a_bad_value_in_one_line(widgets: Widgets) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PINHUB_OFFLINE": "sometimes"}
    command = [sys.executable, "-m", "pinhub", "fetch", "acme/widgets"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("error: PINHUB_OFFLINE='sometimes' is not a yes/no value.")
    assert done.stderr.count("\n") == 1


def test_every_variable_the_loader_reads_is_in_the_one_table_of_the_docs() -> None:
    docs = (ROOT / "docs" / "loader.md").read_text(encoding="utf-8")
    table = docs.split("## Environment variables", 1)[1].split("\n## ", 1)[0]
    assert set(re.findall(r"^\| `(PINHUB_[A-Z_]+)`", table, re.MULTILINE)) == set(VARIABLES)
    code = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "pinhub").glob("*.py"))
    assert set(re.findall(r"PINHUB_[A-Z_]+", code)) == set(VARIABLES)
