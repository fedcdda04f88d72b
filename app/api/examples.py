"""OpenAPI examples: the seed article's first sentence and its real analysis.

``stancewire openapi`` regenerates ``data/analyze_response.json`` by running the real
pipeline, so the documented response is always one the service actually gives.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import orjson

SEED_SENTENCE = (
    "The United States is urging China to press Russia to halt its aggression in Ukraine, a stance articulated "
    "by the U.S. Ambassador to China during a live address at a policy event held at the Stimson Center in "
    "Washington."
)
EXAMPLE_ID = "seed-0"
RESPONSE_EXAMPLE_FILE = "data/analyze_response.json"


def analyze_request_example() -> dict[str, Any]:
    """Return the documented /v1/analyze request body."""
    return {"text": SEED_SENTENCE, "id": EXAMPLE_ID, "language": "en", "options": {"include_sentences": False}}


@cache
def analyze_response_example() -> dict[str, Any]:
    """Return the committed real response to the example request."""
    path = resources.files("app.api").joinpath(RESPONSE_EXAMPLE_FILE)
    if not path.is_file():
        return {}
    example: dict[str, Any] = orjson.loads(path.read_bytes())
    return example
