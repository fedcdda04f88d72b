"""A client generated from the committed OpenAPI document calls a running service."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.api.examples import SEED_SENTENCE
from tests.support import SPEC_PATH, running_server


@pytest.mark.slow
@pytest.mark.server
def test_generated_client_calls_the_running_service(tmp_path: Path) -> None:
    generator = Path(sys.executable).parent / "openapi-python-client"
    subprocess.run(
        [str(generator), "generate", "--path", str(SPEC_PATH), "--output-path", str(tmp_path / "client"), "--meta",
         "none"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    sys.path.insert(0, str(tmp_path))
    try:
        from client import Client  # type: ignore[import-not-found]
        from client.api.analysis import analyze  # type: ignore[import-not-found]
        from client.models import AnalyzeRequest  # type: ignore[import-not-found]

        with running_server() as server, Client(base_url=server.url, raise_on_unexpected_status=True) as api:
            result = analyze.sync(client=api, body=AnalyzeRequest(text=SEED_SENTENCE, id="generated"))
        assert result is not None and result.id == "generated"
        events = {(s.event, s.sentence) for s in result.stances}
        assert ("REQUEST", 0) in {(str(e.value) if hasattr(e, "value") else str(e), n) for e, n in events}
        assert {a.country for a in result.actors} >= {"USA", "CHN"}
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m == "client" or m.startswith("client.")]:
            del sys.modules[module]
