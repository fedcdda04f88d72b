"""Compile the vendored dictionaries (third_party/) into app/nlp/data/dictionaries/*.json.

Usage: ``python scripts/build_dictionaries.py [--check]`` (``make dictionaries``). The output is
deterministic, so ``--check`` (and tests/unit/test_dictionaries_build.py) can compare it with the
committed files. A malformed upstream line stops the build with file:line:reason.
"""

from __future__ import annotations

import argparse
import sys

from app.compiled_data import write_or_check
from app.nlp.dictionaries.compile import OUTPUT_DIR, compile_builtin
from app.nlp.dictionaries.errors import DictionaryError


def main(argv: list[str] | None = None) -> int:
    """Write the compiled files, or with --check fail if a committed one is stale or missing."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    args = parser.parse_args(argv)
    try:
        documents = compile_builtin()
    except DictionaryError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    outputs = {OUTPUT_DIR / name: data for name, data in sorted(documents.items())}
    return write_or_check(outputs, "dictionaries", check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
