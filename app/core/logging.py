"""Structured JSON logs that carry the request id and never the article text."""

from __future__ import annotations

import contextvars
import logging
import re
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

import orjson

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

_WORD = re.compile(r"\w+")
# How Python words the links of an exception chain.
_CAUSE = "The above exception was the direct cause of the following exception:"
_CONTEXT = "During handling of the above exception, another exception occurred:"


def _no_message(exc: BaseException) -> str | None:
    return None


def format_traceback(exc: BaseException, message: Callable[[BaseException], str | None] = _no_message) -> str:
    """Return ``exc`` and the exceptions that led to it as a traceback of code locations.

    Frames give file, line and function only: no source lines, no local variables. An
    exception's message is shown only as ``message`` returns it, because messages can quote the
    request (an article's words, say); by default none is.
    """
    chain: list[tuple[BaseException, str]] = [(exc, "")]
    while True:
        current = chain[-1][0]
        if current.__cause__ is not None:
            earlier, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            earlier, link = current.__context__, _CONTEXT
        else:
            break
        if any(earlier is seen for seen, _ in chain):
            break
        chain.append((earlier, link))
    blocks = []
    for current, link in reversed(chain):
        kind = type(current)
        name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        text = message(current)
        frames = "".join(
            f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n'
            for frame in traceback.extract_tb(current.__traceback__)
        )
        blocks.append(f"Traceback (most recent call last):\n{frames}{name}{f': {text}' if text else ''}")
        if link:
            blocks.append(link)
    return "\n\n".join(blocks)


def withhold_words(message: str, text: str) -> str:
    """Return ``message`` with each word that also occurs in ``text`` replaced by an ellipsis."""
    words = set(_WORD.findall(text.casefold()))
    return _WORD.sub(lambda match: "…" if match[0].casefold() in words else match[0], message)


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object a line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        if record.exc_info and record.exc_info[1] is not None:
            entry["exc_type"] = type(record.exc_info[1]).__name__
            entry["traceback"] = format_traceback(record.exc_info[1])
        entry.update(getattr(record, "fields", {}))
        return orjson.dumps(entry, default=str).decode()


def configure_logging(level: str) -> None:
    """Send stancewire and uvicorn logs to stderr as JSON."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("stancewire", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level.upper())
        logger.propagate = False
    # Each request is logged once by our own access log, with its request id.
    logging.getLogger("uvicorn.access").disabled = True
