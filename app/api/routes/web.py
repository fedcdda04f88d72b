"""The web page at ``/`` and its static files at ``/static`` (kept out of the OpenAPI document)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from app.web import STATIC_DIR

router = APIRouter(include_in_schema=False)

# The page loads only its own files; the API is same-origin.
_HEADERS = {
    "Content-Security-Policy": (
        # Cytoscape.js sets element styles at run time, hence 'unsafe-inline' for styles (never for scripts).
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@router.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
async def index() -> FileResponse:
    """Serve the analysis page."""
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8", headers=_HEADERS)


class _PageFiles(StaticFiles):
    """Static files with the page's security headers: /static/index.html is the same page as /."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(_HEADERS)
        return response


def mount_static(app: FastAPI) -> None:
    """Serve the page's scripts, styles and vendored libraries under ``/static``."""
    app.mount("/static", _PageFiles(directory=STATIC_DIR), name="static")
