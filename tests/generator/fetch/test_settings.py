"""PINHUB_* settings: one reading of yes/no words for every variable, and an error that names the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import settings


@pytest.mark.parametrize(("value", "meant"), [("1", True), ("TRUE", True), (" yes ", True), ("On", True),
                                              ("0", False), ("false", False), ("No", False), ("off", False),
                                              ("", False)])  # fmt: skip
def test_yes_and_no_words_mean_the_same_for_every_variable(
    monkeypatch: pytest.MonkeyPatch, value: str, meant: bool
) -> None:
    monkeypatch.setenv("PINHUB_OFFLINE", value)
    assert settings.offline() is meant


def test_unset_variables_take_their_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("PINHUB_OFFLINE", "PINHUB_ENVIRONMENTS", "PINHUB_BUILD_CACHE", "PINHUB_GITHUB_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert settings.offline() is False
    assert settings.environments_dir(tmp_path / "cache") == tmp_path / "cache" / "environments"
    assert settings.build_cache_dir() == tmp_path / "pinhub" / "build"
    assert settings.github_api_url() == "https://api.github.com/graphql"


def test_a_value_that_is_neither_yes_nor_no_is_an_error_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINHUB_OFFLINE", "disabled")
    with pytest.raises(settings.SettingsError) as caught:
        settings.offline()
    assert str(caught.value) == (
        "PINHUB_OFFLINE='disabled' is not a yes/no value: set it to 1, true, yes or on to turn it on, "
        "or to 0, false, no, off or nothing to turn it off"
    )


def test_the_build_cache_can_be_moved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PINHUB_BUILD_CACHE", str(tmp_path / "elsewhere"))
    assert settings.build_cache_dir() == tmp_path / "elsewhere"
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PINHUB_BUILD_CACHE", "~/cache")
    assert settings.build_cache_dir() == tmp_path / "cache"
