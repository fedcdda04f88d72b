"""Dates: the date expressions of a parsed text, read against the article's date (dateparser)."""

from app.nlp.dates.expressions import DateFinder, DateSpan, Form, read_form
from app.nlp.dates.reading import Reading, read

__all__ = ["DateFinder", "DateSpan", "Form", "Reading", "read", "read_form"]
