"""Read a date expression's form against a base date with dateparser: the day, week, month or year.

dateparser does the calendar ("Tuesday" before 12 March 2024, "last week", "July 10" in the
past or the future); this module tells it which base and direction to use and turns its answer
into an ISO value with the first and last day it covers. Answers are cached per process: wire
copy repeats "on Tuesday" and "last week" against few article dates.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from app.nlp.dates.expressions import WEEKDAYS, Form, number
from app.nlp.types import DatePrecision

Direction = Literal["past", "future"]


@dataclass(frozen=True, slots=True)
class Reading:
    """A resolved date: an ISO value and the days it covers."""

    value: str
    first: date
    last: date
    precision: DatePrecision


def read(form: Form, base: date, direction: Direction = "past") -> Reading | None:
    """Return the date ``form`` names, read from ``base``; None if the parser cannot tell."""
    return _read((form.kind, form.text, tuple(sorted(form.groups.items())), form.precision), base, direction)


_FormKey = tuple[str, str, tuple[tuple[str, str], ...], DatePrecision]


@lru_cache(maxsize=8192)
def _read(key: _FormKey, base: date, direction: Direction) -> Reading | None:
    kind, text, items, precision = key
    groups = dict(items)
    if kind == "iso":
        return day_reading(date.fromisoformat(groups["iso"]))
    if kind == "year":
        return _year(int(groups["year"]))
    if kind in ("word", "earlier"):
        return _word(groups["word"], base)
    if kind == "weekend":
        return _weekend(base, direction)
    if kind == "period" and groups["unit"] == "weekend":
        return _weekend(base, "future" if groups["rel"] == "next" else "past")
    return _parsed(_parser_text(kind, text, groups, base), base, direction, precision)


def day_reading(day: date) -> Reading:
    """Return the reading of one day."""
    return Reading(day.isoformat(), day, day, "day")


def _word(word: str, base: date) -> Reading:
    """today, yesterday, overnight (the night before the article: two days), this week, ..."""
    if word in {"yesterday", "last night"}:
        return day_reading(base - timedelta(days=1))
    if word == "overnight":
        night = base - timedelta(days=1)
        return Reading(f"{night.isoformat()}/{base.isoformat()}", night, base, "day")
    unit = word.rsplit(maxsplit=1)[-1]
    if unit == "week":
        return _week(base)
    if unit == "month":
        return _month(base.year, base.month)
    if unit == "year":
        return _year(base.year)
    return day_reading(base)  # today, tonight, this morning


def _weekend(base: date, direction: Direction) -> Reading:
    saturday = base - timedelta(days=(base.weekday() - 5) % 7)
    if direction == "future" and saturday < base - timedelta(days=1):
        saturday += timedelta(days=7)
    sunday = saturday + timedelta(days=1)
    return Reading(f"{saturday.isoformat()}/{sunday.isoformat()}", saturday, sunday, "week")


def _parser_text(kind: str, text: str, groups: dict[str, str], base: date) -> str:
    """Rewrite a form into words dateparser reads (it knows "2 days ago", not "two days earlier")."""
    if kind == "weekday":
        weekday = groups["weekday"]
        relative = groups.get("rel")
        if relative is None and WEEKDAYS.index(weekday) == base.weekday():
            return f"this {weekday}"  # "on Tuesday" in Tuesday's paper: that day
        return f"{'last' if relative == 'past' else relative} {weekday}" if relative else weekday
    if kind == "day":
        month, day = groups.get("m1") or groups["m2"], groups.get("d1") or groups["d2"]
        return f"{day} {month} {groups['year']}" if "year" in groups else f"{day} {month}"
    if kind == "month":
        year = groups.get("year")
        if year is None and groups.get("rel") == "last":
            shift = 1 if _month_number(groups["month"]) >= base.month else 0
            year = str(base.year - shift)  # "last March": the March of a year ago in March
        return f"{groups['month']} {year}" if year else groups["month"]
    if kind == "period":
        relative = "last" if groups["rel"] == "past" else groups["rel"]
        return f"{relative} {groups['unit']}"
    if kind in ("ago", "shift", "next", "same"):
        count = number(groups["n"]) if "n" in groups else 1
        backwards = groups.get("dir") in (None, "earlier", "before", "previous")
        unit = groups.get("unit", "day")
        return f"{count} {unit}s ago" if backwards else f"in {count} {unit}s"
    return text


def _parsed(text: str, base: date, direction: Direction, precision: DatePrecision) -> Reading | None:
    """Ask dateparser for the day; the form said already whether a day, week, month or year is meant."""
    data = _parser(base, direction).get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    found: date = data.date_obj.date()
    if precision == "week":
        return _week(found)
    if precision == "month":
        return _month(found.year, found.month)
    if precision == "year":
        return _year(found.year)
    return day_reading(found)


def _week(day: date) -> Reading:
    monday = day - timedelta(days=day.weekday())
    sunday = monday + timedelta(days=6)
    return Reading(f"{monday.isoformat()}/{sunday.isoformat()}", monday, sunday, "week")


def _year(year: int) -> Reading:
    return Reading(str(year), date(year, 1, 1), date(year, 12, 31), "year")


def _month(year: int, month: int) -> Reading:
    last = calendar.monthrange(year, month)[1]
    return Reading(f"{year:04d}-{month:02d}", date(year, month, 1), date(year, month, last), "month")


def _month_number(name: str) -> int:
    return list(calendar.month_name).index(name.capitalize())


@lru_cache(maxsize=64)
def _parser(base: date, direction: Direction) -> Any:
    """One dateparser parser per base date and direction (English only, no time zones)."""
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day, 12),
        "PREFER_DATES_FROM": direction,
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_TIME_AS_PERIOD": True,
        "PARSERS": ["relative-time", "absolute-time"],
    }
    return DateDataParser(languages=["en"], settings=settings)


def warm_up() -> None:
    """Load dateparser's English data now (a fifth of a second), not on a worker's first request."""
    _parser(date(2000, 1, 3), "past").get_date_data("Tuesday")
