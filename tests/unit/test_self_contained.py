"""The repository stands on its own: its data are inside it, and nothing reaches for a directory beside it."""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

from app.evaluation import DEFAULT_GOLD, EVAL_DATA, SEED_ARTICLE_PATH, SEED_EXPECTED_PATH, load_gold

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
# A path to the workspace directory that used to sit beside the clone, written out (dot-dot, slash,
# its name) or built with pathlib's slash; spelled with character classes so as not to match itself.
OUTSIDE_PATH = re.compile(r"\.\.[/\\]shared\b|/\s*[\"']shared[\"']")
SKIPPED_DIRS = {".git", ".venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def tracked_files() -> list[Path]:
    """The files git tracks, or every file of the tree when this is not a git checkout."""
    git = shutil.which("git")
    if git and (ROOT / ".git").exists():
        listing = subprocess.run([git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        return [ROOT / name for name in listing.decode().split("\0") if name]
    return [p for p in ROOT.rglob("*") if p.is_file() and not SKIPPED_DIRS & set(p.relative_to(ROOT).parts)]


def test_no_tracked_file_refers_to_a_directory_beside_the_repository() -> None:
    offenders = []
    for path in tracked_files():
        if not path.is_file():  # deleted in the working tree but not yet in git's index
            continue
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError:
            continue  # images and other binaries
        offenders += [
            f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
            for number, line in enumerate(text.splitlines(), 1)
            if OUTSIDE_PATH.search(line)
        ]
    assert not offenders, "\n".join(offenders)


def test_the_pattern_finds_both_spellings_of_the_old_path() -> None:
    name = "shared"
    old_spellings = [f'open("../{name}/eval/x.jsonl")', f'ROOT.parent / "{name}" / "examples"']
    assert all(OUTSIDE_PATH.search(line) for line in old_spellings)
    assert not OUTSIDE_PATH.search("the benchmark ran on a shared 2-vCPU VM")


def test_each_data_file_is_in_the_package_and_shipped_with_it() -> None:
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"]
    patterns = package_data["app"]
    for path in (DEFAULT_GOLD, SEED_ARTICLE_PATH, SEED_EXPECTED_PATH, EVAL_DATA / "README.md"):
        assert path.is_file(), path
        relative = path.relative_to(APP).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), (relative, patterns)


def test_the_plover_records_keep_their_license_and_source_beside_them() -> None:
    attribution = (EVAL_DATA / "README.md").read_text("utf-8")
    for required in (
        "Creative Commons Attribution-ShareAlike 4.0",
        "Open Event Data Alliance",
        "https://github.com/openeventdata/PLOVER",
        "PLOVER_GSR_CAMEO.txt",
    ):
        assert required in attribution, required


def test_the_data_are_complete() -> None:
    records = load_gold()
    assert len(records) == 164
    assert len({record["id"] for record in records}) == 164
    assert all(record["text"] and record["event"] for record in records)
    assert SEED_ARTICLE_PATH.read_text("utf-8").startswith("The United States is urging China to press Russia")
    assert "## Stances that must be found" in SEED_EXPECTED_PATH.read_text("utf-8")
