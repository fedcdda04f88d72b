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
