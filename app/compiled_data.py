"""Write compiled data files, or check the committed ones: the one step the build scripts share.

``scripts/build_gazetteer.py``, ``build_dictionaries.py`` and ``build_places.py`` each compile their
sources deterministically; ``--check`` (run by ``make lint``) fails when a committed file differs.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path


def write_or_check(outputs: Mapping[Path, bytes], target: str, *, check: bool) -> int:
    """Write each file, or with ``check`` name those missing or stale; return the exit status."""
    if check:
        stale = [str(path) for path, data in outputs.items() if not path.is_file() or path.read_bytes() != data]
        if stale:
            print(f"{', '.join(stale)} stale: run make {target}", file=sys.stderr)
            return 1
        return 0
    for path, data in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path} ({len(data):,} bytes)")
    return 0
