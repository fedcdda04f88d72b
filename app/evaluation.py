"""Score Stancewire against hand-coded PLOVER gold records (see app/eval_data/README.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from app.nlp.taxonomy import EVENT_NAMES, NON_STATE_CODES, participant_code

# The evaluation data ship with the package (app/eval_data/README.md: sources and licenses); one
# constant per file, used by make eval, the tests and the benchmarks.
EVAL_DATA = Path(__file__).resolve().parent / "eval_data"
DEFAULT_GOLD = EVAL_DATA / "plover_gsr_dev.jsonl"
SEED_ARTICLE_PATH = EVAL_DATA / "seed_article.txt"
SEED_EXPECTED_PATH = EVAL_DATA / "seed_expected.md"
# Written for Stancewire without sight of the coder (see eval_data/README.md): recent wire-style news
# sentences coded like the PLOVER records, and non-political sentences that should give no stance.
WIRE_GOLD = EVAL_DATA / "wire_events.jsonl"
NON_POLITICAL_PATH = EVAL_DATA / "non_political.jsonl"
WIRE_DEV_GOLD = EVAL_DATA / "wire_dev.jsonl"
NON_POLITICAL_DEV_PATH = EVAL_DATA / "non_political_dev.jsonl"
# A non-political sentence counts as coded as political when a stance reaches this confidence.
CONFIDENT = 0.5


def load_gold(path: Path = DEFAULT_GOLD) -> list[dict[str, Any]]:
    """Read the gold records, one JSON object a line."""
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def actor_code(actor: dict[str, Any]) -> str | None:
    """Return the code an actor is scored by: its country, or IGO/NGO/IMG by kind."""
    return participant_code(actor["kind"], actor["country"])


def _codes(ids: Iterable[str], codes_by_id: dict[str, str | None]) -> set[str]:
    return {code for actor_id in ids if (code := codes_by_id.get(actor_id))}


def stance_matches(stance: dict[str, Any], record: dict[str, Any], codes_by_id: dict[str, str | None]) -> bool:
    """Apply the scoring rule: event, holder and (where coded) target, or a reciprocal pair."""
    if stance["event"] != record["event"]:
        return False
    holders = _codes(stance["holder"], codes_by_id)
    targets = _codes(stance["target"], codes_by_id)
    sources = set(record["source"])
    if not sources:
        # An act the text reports without its agent ("a roadside bomb killed ..."): no coded holder.
        return not holders and bool(targets & set(record["target"]))
    if record["target"]:
        return bool(holders & sources) and bool(targets & set(record["target"]))
    if len(sources) > 1:
        return len((holders | targets) & sources) >= 2
    return bool(holders & sources)


def _holder_matches(stance: dict[str, Any], record: dict[str, Any], codes_by_id: dict[str, str | None]) -> bool:
    holders = _codes(stance["holder"], codes_by_id)
    return bool(holders & set(record["source"])) if record["source"] else not holders


def half(records: Sequence[dict[str, Any]], which: str) -> list[dict[str, Any]]:
    """Return the even- or odd-numbered records (by position, from 0): one half to tune on, the other to report."""
    if which not in ("even", "odd"):
        raise ValueError(f"half must be 'even' or 'odd', not {which!r}")
    return list(records[0 if which == "even" else 1 :: 2])


@dataclass
class Tally:
    """Hits over totals for one measure."""

    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.hits += int(hit)
        self.total += 1

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 0.0


@dataclass
class Report:
    """Every measure of one evaluation run, overall and by category or code class."""

    records: int = 0
    actor_recall: Tally = field(default_factory=Tally)
    actor_recall_by_class: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    event_recall: Tally = field(default_factory=Tally)
    holder_recall: Tally = field(default_factory=Tally)
    triple_recall: Tally = field(default_factory=Tally)
    top1_event: Tally = field(default_factory=Tally)
    stances: int = 0
    by_event: dict[str, dict[str, Tally]] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def stances_per_sentence(self) -> float:
        return self.stances / self.records if self.records else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Return the headline figures as plain data."""
        return {
            "records": self.records,
            "actor_recall": round(self.actor_recall.rate, 4),
            "actor_recall_by_class": {k: round(v.rate, 4) for k, v in sorted(self.actor_recall_by_class.items())},
            "event_recall": round(self.event_recall.rate, 4),
            "holder_recall": round(self.holder_recall.rate, 4),
            "triple_recall": round(self.triple_recall.rate, 4),
            "top1_event_accuracy": round(self.top1_event.rate, 4),
            "stances_per_sentence": round(self.stances_per_sentence, 3),
            "by_event": {
                event: {measure: round(t.rate, 4) for measure, t in tallies.items()} | {"n": tallies["event"].total}
                for event, tallies in self.by_event.items()
            },
        }


def _code_class(code: str) -> str:
    return code if code in NON_STATE_CODES else "state/country"


def _describe(stance: dict[str, Any], codes_by_id: dict[str, str | None]) -> str:
    holders = sorted(_codes(stance["holder"], codes_by_id))
    return f"{holders} {stance['event']} {sorted(_codes(stance['target'], codes_by_id))}"


def score(records: Sequence[dict[str, Any]], analyses: Sequence[dict[str, Any]]) -> Report:
    """Score analyses (v1 responses, one per record, in order) against the gold records."""
    report = Report(by_event={event: defaultdict(Tally) for event in EVENT_NAMES})
    for record, analysis in zip(records, analyses, strict=True):
        report.records += 1
        codes_by_id = {actor["id"]: actor_code(actor) for actor in analysis["actors"]}
        found_codes = {code for code in codes_by_id.values() if code}
        for code in {*record["source"], *record["target"]}:
            report.actor_recall.add(code in found_codes)
            report.actor_recall_by_class[_code_class(code)].add(code in found_codes)
        stances = analysis["stances"]
        report.stances += len(stances)
        event_hit = any(s["event"] == record["event"] for s in stances)
        holder_hit = any(s["event"] == record["event"] and _holder_matches(s, record, codes_by_id) for s in stances)
        triple_hit = any(stance_matches(s, record, codes_by_id) for s in stances)
        top = max(stances, key=lambda s: s["confidence"], default=None)
        top1_hit = top is not None and top["event"] == record["event"]
        report.event_recall.add(event_hit)
        report.holder_recall.add(holder_hit)
        report.triple_recall.add(triple_hit)
        report.top1_event.add(top1_hit)
        tallies = report.by_event[record["event"]]
        for measure, hit in (("event", event_hit), ("holder", holder_hit), ("triple", triple_hit), ("top1", top1_hit)):
            tallies[measure].add(hit)
        if not triple_hit:
            report.misses.append(
                {
                    "id": record["id"],
                    "gold": f"{record['source']} {record['event']} {record['target']}",
                    "got": [_describe(s, codes_by_id) for s in stances],
                    "text": record["text"],
                }
            )
    report.by_event = {event: tallies for event, tallies in report.by_event.items() if tallies}
    return report


def confident_in_non_political(nlp: Any, records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the non-political records the pipeline gives a stance of confidence >= CONFIDENT."""
    from app.nlp.pipeline import analyze_texts

    results = analyze_texts(nlp, [record["text"] for record in records])
    return [
        record
        for record, result in zip(records, results, strict=True)
        if any(s["confidence"] >= CONFIDENT for s in (result.analysis or {}).get("stances", []))
    ]


def evaluate(nlp: Any, records: Sequence[dict[str, Any]]) -> Report:
    """Run the pipeline in-process over the gold records and score it."""
    from app.nlp.pipeline import analyze_texts

    results = analyze_texts(nlp, [record["text"] for record in records])
    analyses = [r.analysis or {"actors": [], "stances": []} for r in results]
    return score(records, analyses)


# -- Where and when: the place and date of a stance (app/eval_data/places_dates.jsonl) --------------

# Wire-style sentences written for issue 17 with the place and date of one event each (see README).
WHERE_WHEN_GOLD = EVAL_DATA / "places_dates.jsonl"


@dataclass
class Scored:
    """Precision and recall of one attribute: true positives, false positives, false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: object, gold: object, same: bool) -> None:
        """Count one prediction against one gold value (None: nothing predicted, or nothing to find)."""
        if predicted is not None and same:
            self.tp += 1
            return
        self.fp += predicted is not None
        self.fn += gold is not None

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class WhereWhenReport:
    """Place and date measures over the records whose event the coder found."""

    records: int = 0
    found: int = 0  # records with a stance on the gold trigger
    country: Scored = field(default_factory=Scored)
    place: Scored = field(default_factory=Scored)
    day: Scored = field(default_factory=Scored)  # dates whose gold precision is a day (or none), article date given
    any_date: Scored = field(default_factory=Scored)  # every date with an article date, value and precision
    unresolved: Tally = field(default_factory=Tally)  # relative dates without an article date, reported unresolved
    invented: list[str] = field(default_factory=list)  # "none" records where any stance got a place or a date
    misses: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the headline figures as plain data."""

        def pr(scored: Scored) -> dict[str, float | int]:
            return {"precision": round(scored.precision, 4), "recall": round(scored.recall, 4), "tp": scored.tp}

        return {
            "records": self.records,
            "found": self.found,
            "country": pr(self.country),
            "place": pr(self.place),
            "date_day": pr(self.day),
            "date_any": pr(self.any_date),
            "unresolved_reported": round(self.unresolved.rate, 4),
            "invented": len(self.invented),
        }


def event_stance(stances: Sequence[dict[str, Any]], trigger: str) -> dict[str, Any] | None:
    """Return the most confident stance whose trigger words hold the gold trigger, if any."""
    word = trigger.lower()
    matching = [s for s in stances if word in s["trigger"]["text"].lower() or s["trigger"]["text"].lower() in word]
    return max(matching, key=lambda s: s["confidence"], default=None)


def _same_place(location: dict[str, Any], gold: dict[str, Any]) -> bool:
    from app.nlp.places import fold

    names = {fold(location["name"]), fold(location["mention"]["text"]).removeprefix("the ")}
    return location["country"] == gold["country"] and fold(gold["name"]) in names


def score_where_when(records: Sequence[dict[str, Any]], analyses: Sequence[dict[str, Any]]) -> WhereWhenReport:
    """Score the stances' places and dates against the gold records (one analysis per record)."""
    report = WhereWhenReport()
    for record, analysis in zip(records, analyses, strict=True):
        report.records += 1
        stances = analysis["stances"]
        if record["case"] == "none" and any(s.get("location") or s.get("date") for s in stances):
            report.invented.append(record["id"])
        stance = event_stance(stances, record["trigger"])
        if stance is None:
            report.misses.append({"id": record["id"], "why": "no stance on the trigger", "text": record["text"]})
            continue
        report.found += 1
        location, gold_place = stance.get("location"), record["location"]
        report.country.add(
            location and location["country"],
            gold_place and gold_place["country"],
            bool(location and gold_place and location["country"] == gold_place["country"]),
        )
        report.place.add(location, gold_place, bool(location and gold_place and _same_place(location, gold_place)))
        _score_date(report, record, stance.get("date"))
        wrong_place = (location or None) != (gold_place or None) and not (
            location and gold_place and _same_place(location, gold_place)
        )
        got_date = stance.get("date")
        gold_date = record["when"]
        wrong_date = (got_date and got_date["value"]) != (gold_date and gold_date["value"])
        if wrong_place or wrong_date:
            report.misses.append(
                {
                    "id": record["id"],
                    "why": " ".join(w for w, bad in (("place", wrong_place), ("date", wrong_date)) if bad),
                    "gold": f"{gold_place and (gold_place['country'], gold_place['name'])} {gold_date}",
                    "got": f"{location and (location['country'], location['name'])} "
                    f"{got_date and (got_date['mention']['text'], got_date['value'], got_date['precision'])}",
                    "text": record["text"],
                }
            )
    return report


def _score_date(report: WhereWhenReport, record: dict[str, Any], got: dict[str, Any] | None) -> None:
    gold = record["when"]
    if record["date"] is None:
        if gold is not None and gold["value"] is None:
            report.unresolved.add(got is not None and not got["resolved"] and got["precision"] == gold["precision"])
        return
    value = got["value"] if got else None
    gold_value = gold["value"] if gold else None
    same = value is not None and value == gold_value and got is not None and got["precision"] == gold["precision"]
    report.any_date.add(value, gold_value, same)
    if gold is None or gold["precision"] == "day":
        report.day.add(value, gold_value, same)


def evaluate_where_when(nlp: Any, records: Sequence[dict[str, Any]]) -> WhereWhenReport:
    """Run the pipeline in-process over the records, each with its article date, and score places and dates."""
    import datetime

    from app.nlp.pipeline import analyze_texts

    dates = [datetime.date.fromisoformat(r["date"]) if r["date"] else None for r in records]
    results = analyze_texts(nlp, [record["text"] for record in records], dates=dates)
    analyses = [r.analysis or {"actors": [], "stances": []} for r in results]
    return score_where_when(records, analyses)
