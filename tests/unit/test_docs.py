"""README stays in step with the code: quick start and every setting documented."""

from __future__ import annotations

from pathlib import Path

from app.core.config import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")


def test_quick_start_is_two_commands() -> None:
    assert "make serve" in README
    assert "make test" in README


def test_every_setting_is_in_the_configuration_table() -> None:
    for name in Settings.model_fields:
        assert f"`STANCEWIRE_{name.upper()}`" in README, name
