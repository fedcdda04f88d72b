"""OpenAPI examples: the seed article's first sentence (and one that dates and places a meeting), and its real analysis.

``stancewire openapi`` regenerates ``data/analyze_response.json`` by running the real
pipeline, so the documented response is always one the service actually gives.
"""

from __future__ import annotations

import datetime
from functools import cache
from importlib import resources
from typing import Any

import orjson

SEED_SENTENCE = (
    "The United States is urging China to press Russia to halt its aggression in Ukraine, a stance articulated "
    "by the U.S. Ambassador to China during a live address at a policy event held at the Stimson Center in "
    "Washington."
)
# A second sentence, so that the example shows a stance's place and date read against the request's date.
DATED_SENTENCE = "On Tuesday, the ambassador met Ukraine's foreign minister in Beijing."
EXAMPLE_TEXT = f"{SEED_SENTENCE} {DATED_SENTENCE}"
EXAMPLE_DATE = datetime.date(2024, 5, 16)
EXAMPLE_ID = "seed-0"
RESPONSE_EXAMPLE_FILE = "data/analyze_response.json"


def analyze_request_example() -> dict[str, Any]:
    """Return the documented /v1/analyze request body."""
    return {
        "text": EXAMPLE_TEXT,
        "id": EXAMPLE_ID,
        "language": "en",
        "date": EXAMPLE_DATE.isoformat(),
        "options": {"include_sentences": False},
    }


@cache
def analyze_response_example() -> dict[str, Any]:
    """Return the committed real response to the example request."""
    path = resources.files("app.api").joinpath(RESPONSE_EXAMPLE_FILE)
    if not path.is_file():
        return {}
    example: dict[str, Any] = orjson.loads(path.read_bytes())
    return example
