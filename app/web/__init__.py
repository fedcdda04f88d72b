"""The analyst's web page: static files served by the app itself (no CDN, works offline)."""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
