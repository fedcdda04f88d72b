"""Session fixtures: the real pipeline, and the real app with its worker pool running (helpers: tests.support)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from spacy.language import Language

from app.nlp.pipeline import load_pipeline
from tests.support import MODEL, RunningApp, make_settings, start_app


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real Stancewire pipeline, loaded once per test session."""
    return load_pipeline(MODEL)


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
async def service(anyio_backend: str) -> AsyncIterator[RunningApp]:
    """One running app (one worker) shared by the API tests."""
    app, context = await start_app(make_settings(max_text_chars=5000, max_body_bytes=20_000, max_batch=4))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://stancewire.test") as client:
        yield RunningApp(app, client)
    await context.__aexit__(None, None, None)


@pytest.fixture(scope="session")
def client(service: RunningApp) -> httpx.AsyncClient:
    """The client of the shared app."""
    return service.client
