"""The API key check, shared by the middleware (before any body is read) and the routes' dependency."""

from __future__ import annotations

import hmac

UNAUTHORIZED_DETAIL = "Send a valid API key as `Authorization: Bearer <key>`."
# RFC 9110: a 401 names the scheme the client should authenticate with.
WWW_AUTHENTICATE = 'Bearer realm="stancewire"'


def api_key_accepted(authorization: str, keys: list[str]) -> bool:
    """True when ``authorization`` is ``Bearer <key>`` for one of ``keys`` (the scheme in any case)."""
    scheme, _, presented = authorization.partition(" ")
    presented_bytes = presented.strip().encode()
    # Compare against every key, always, so timing reveals neither which key nor how much matched.
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(presented_bytes, key.encode())
    return scheme.lower() == "bearer" and matched
