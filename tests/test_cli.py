"""The ``stancewire`` command's own behaviour: version, help, usage errors, and a plain runtime install."""

from __future__ import annotations

import argparse
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from app import __version__
from app.cli import PLOT_EXTRA, build_parser, main, version_text

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, prelude: str = "") -> subprocess.CompletedProcess[str]:
    """Run the command in a fresh interpreter, after ``prelude`` (Python run before it starts)."""
    code = f"import sys\n{prelude}\nfrom app.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )


def subcommands() -> dict[str, argparse.ArgumentParser]:
    (commands,) = (a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(commands.choices)


def test_version_names_the_release_the_package_was_installed_as() -> None:
    result = run_cli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == version_text()
    assert result.stdout.startswith(f"stancewire {__version__} (spaCy ")
    assert version("stancewire") == __version__  # pyproject.toml and app/__init__.py agree


@pytest.mark.parametrize("command", ["serve", "analyze", "openapi", "batch", "export", "network"])
def test_every_option_states_its_default_in_help(command: str) -> None:
    parser = subcommands()[command]
    required_choice = {a for group in parser._mutually_exclusive_groups if group.required for a in group._group_actions}
    for action in parser._actions:
        if not action.option_strings or action.help in (None, argparse.SUPPRESS) or "--help" in action.option_strings:
            continue
        if action.required or action in required_choice:
            assert "required" in action.help or "this or" in action.help, action.option_strings
        else:
            assert "(default: " in action.help or "; default: " in action.help, action.option_strings
    assert "%(default)" not in parser.format_help()  # every placeholder was filled in


def test_top_level_help_is_plain_text() -> None:
    text = build_parser().format_help()
    assert "Turn news articles into structured data" in text
    for markup in ("``", ":class:", ":func:", ".. "):
        assert markup not in text


def test_batch_takes_one_of_url_local_or_engine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text('{"id": "a", "text": "China backed Russia."}\n', encoding="utf-8")
    with pytest.raises(SystemExit) as both:
        main(["batch", str(source), "-o", str(out), "--url", "http://127.0.0.1:9", "--local"])
    assert both.value.code == 2
    assert "--local: not allowed with argument --url" in capsys.readouterr().err
    with pytest.raises(SystemExit) as neither:
        main(["batch", str(source), "-o", str(out)])
    assert neither.value.code == 2
    assert "one of the arguments --url --local --engine is required" in capsys.readouterr().err
    with pytest.raises(SystemExit) as two_engines:
        main(["batch", str(source), "-o", str(out), "--local", "--engine", "ray"])
    assert two_engines.value.code == 2
    assert main(["batch", str(source), "-o", str(out), "--local", "--address", "10.0.0.1:6379"]) == 2
    assert "--address is for --engine ray" in capsys.readouterr().err
    assert not out.exists()


def test_network_picture_without_matplotlib_names_the_extra_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "analyses.jsonl"
    source.write_text('{"id": "a", "actors": [], "stances": []}\n', encoding="utf-8")
    graphml, picture = tmp_path / "net.graphml", tmp_path / "net.png"
    # As on an install from requirements.lock alone: matplotlib cannot be imported.
    result = run_cli(
        "network",
        str(source),
        "-o",
        str(graphml),
        "--picture",
        str(picture),
        prelude="sys.modules['matplotlib'] = None",
    )
    assert result.returncode == 2
    assert f"pip install '{PLOT_EXTRA}'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not graphml.exists() and not picture.exists()


def test_the_runtime_lock_leaves_matplotlib_to_the_plot_extra() -> None:
    runtime = (ROOT / "requirements.lock").read_text("utf-8")
    assert "\nmatplotlib==" not in runtime
    assert "\nmatplotlib==" in (ROOT / "requirements-dev.lock").read_text("utf-8")
