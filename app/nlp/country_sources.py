"""Read the country packages the build scripts compile from (build time only: the gazetteer, the place index)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from typing import Any


def countryinfo_files() -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (ISO alpha-3, record) for each of countryinfo's per-country JSON files, in file-name order.

    A code can come twice (countryinfo has two files for some territories).
    """
    data_dir = resources.files("countryinfo") / "data"
    for entry in sorted(data_dir.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        record = json.loads(entry.read_text(encoding="utf-8"))
        alpha3 = (record.get("ISO") or {}).get("alpha3")
        if alpha3:
            yield alpha3, record


def countryinfo_records() -> dict[str, dict[str, Any]]:
    """Return countryinfo's per-country JSON records keyed by ISO alpha-3 (the last file of a code wins)."""
    return dict(countryinfo_files())
