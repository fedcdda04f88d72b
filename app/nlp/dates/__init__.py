"""Dates: the date expressions of a parsed text, read against the article's date (dateparser)."""

from app.nlp.dates.expressions import DateSpan, Form, find_dates, read_form
from app.nlp.dates.reading import Reading, read

__all__ = ["DateSpan", "Form", "Reading", "find_dates", "read", "read_form"]
