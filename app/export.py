"""``stancewire export``: batch results as flat tables that pandas, R, DuckDB or a warehouse load.

Three tables, one file each in the output folder, as Parquet (through pyarrow) or CSV:

- ``documents``: one row per document, analysed or failed, with its input fields;
- ``stances``: one row per stance: who (holder) does what (event, CAMEO code, quad, score,
  modality) to whom (target), where (the place, its country and coordinates) and when (the date
  and its precision), with the evidence's offsets;
- ``actors``: one row per actor mention.

Every column is declared once, in ``TABLES``: name, type, meaning, and how it is read from an
analysis. A field the contract gains becomes a column by adding one line there. ``stancewire export
--schema`` prints the schema as Markdown; docs/batch.md carries it and a test keeps them equal.
Rows are written in chunks, so memory does not grow with the number of documents.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson
import pyarrow as pa

from app.batch_output import SERVICE_META_KEYS, is_failure
from app.results import Merge, read_results

Format = Literal["parquet", "csv"]
# Input fields that get columns of their own in every table; the others stay in documents.meta.
PROMOTED_META = ("date", "source", "url")
# How CSV writes a list: its items joined with this (Parquet keeps real lists).
CSV_LIST_SEPARATOR = ";"
_CHUNK_DOCUMENTS = 2000


def field_at(value: Any, *path: str) -> Any:
    """The value at ``path`` in nested mappings, or None where any step is missing."""
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def text(value: Any) -> str | None:
    """A value as a string column holds it: strings as they are, anything else as JSON."""
    if value is None or isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


# -- rows -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """One batch entry, with its input fields told apart from what the service put in ``meta``."""

    entry: Mapping[str, Any]
    inputs: Mapping[str, Any]

    @classmethod
    def of(cls, entry: Mapping[str, Any]) -> DocumentRow:
        meta = entry.get("meta")
        inputs = {k: v for k, v in meta.items() if k not in SERVICE_META_KEYS} if isinstance(meta, Mapping) else {}
        return cls(entry, inputs)

    @property
    def doc(self) -> DocumentRow:
        return self

    @property
    def failed(self) -> bool:
        return is_failure(self.entry)

    def other_inputs(self) -> str | None:
        others = {k: v for k, v in self.inputs.items() if k not in PROMOTED_META}
        return text(others) if others else None


@dataclass(frozen=True, slots=True)
class StanceRow:
    doc: DocumentRow
    stance: Mapping[str, Any]
    actors: Mapping[str, Mapping[str, Any]]

    def side(self, role: str, key: str) -> list[Any]:
        """``key`` of each actor of the holder or target side, in order."""
        return [text(self.actors.get(actor_id, {}).get(key)) for actor_id in self.stance.get(role) or []]


@dataclass(frozen=True, slots=True)
class MentionRow:
    doc: DocumentRow
    actor: Mapping[str, Any]
    mention: Mapping[str, Any] = field(default_factory=dict)


# -- the schema -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, Arrow type, meaning, and how a row gives its value."""

    name: str
    type: pa.DataType
    doc: str
    get: Callable[[Any], Any]


STRINGS = pa.list_(pa.string())


def _document_keys() -> list[Column]:
    """The columns every table starts with: the document and its promoted input fields."""
    return [
        Column("doc_id", pa.string(), "The document's id (the input's `id`).", lambda r: text(r.doc.entry.get("id"))),
        *(_meta_column(key) for key in PROMOTED_META),
    ]


def _meta_column(key: str) -> Column:
    note = " (ISO 8601 for the article date)" if key == "date" else ""
    return Column(f"meta_{key}", pa.string(), f"The input's `{key}` field, as given{note}.",
                  lambda r: text(r.doc.inputs.get(key)))  # fmt: skip


def _span(prefix: str, *path: str) -> list[Column]:
    what = {"trigger": "the words that express the event", "content": "what is asked, agreed or rejected"}
    what["evidence"] = "the sentence the stance was found in"
    what["location"] = "the place, as the text names it"
    what["date"] = "the date expression"
    return [
        Column(f"{prefix}_text", pa.string(), f"Text of {what[prefix]}.",
               lambda r: text(field_at(r.stance, *path, "text"))),
        Column(f"{prefix}_start", pa.int64(), "Its start, a character offset into the document's text.",
               lambda r: field_at(r.stance, *path, "start")),
        Column(f"{prefix}_end", pa.int64(), "Its end (exclusive).", lambda r: field_at(r.stance, *path, "end")),
    ]  # fmt: skip


def _side(role: str) -> list[Column]:
    who = "who takes the stance" if role == "holder" else "whom it is directed at"
    return [
        Column(f"{role}_ids", STRINGS, f"Actor ids of {who} (see `actors.actor_id`).",
               lambda r: [text(a) for a in r.stance.get(role) or []]),
        Column(f"{role}_names", STRINGS, "Their names.", lambda r: r.side(role, "name")),
        Column(f"{role}_kinds", STRINGS, "Their kinds (state, igo, ngo, person, …).", lambda r: r.side(role, "kind")),
        Column(f"{role}_countries", STRINGS, "Their ISO 3166-1 alpha-3 (or IGO/IMG) codes.",
               lambda r: r.side(role, "country")),
        Column(f"{role}_sectors", STRINGS, "Their CAMEO sector codes (GOV, MIL, …).", lambda r: r.side(role, "sector")),
    ]  # fmt: skip


def _stance(*path: str) -> Callable[[StanceRow], Any]:
    return lambda r: field_at(r.stance, *path)


def _stance_text(*path: str) -> Callable[[StanceRow], Any]:
    return lambda r: text(field_at(r.stance, *path))


def _day(*path: str) -> Callable[[StanceRow], Any]:
    def get(row: StanceRow) -> datetime.date | None:
        value = field_at(row.stance, *path)
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None

    return get


def _place() -> list[Column]:
    return [
        *_span("location", "location", "mention"),
        Column("location_name", pa.string(), "Where the event happened: the place's name (GeoNames'), null when the "
               "event's clause names no place.", _stance_text("location", "name")),
        Column("location_country", pa.string(), "ISO 3166-1 alpha-3 code of the country the place lies in.",
               _stance_text("location", "country")),
        Column("location_level", pa.string(), "country, admin1 (a first-order division) or city; null for a place "
               "known only by its country.", _stance_text("location", "level")),
        Column("location_admin1", pa.string(), "The first-order division a city lies in.",
               _stance_text("location", "admin1")),
        Column("location_geonames_id", pa.int64(), "GeoNames id of the place.", _stance("location", "geonames_id")),
        Column("location_latitude", pa.float64(), "WGS84 latitude of the place.", _stance("location", "latitude")),
        Column("location_longitude", pa.float64(), "WGS84 longitude of the place.", _stance("location", "longitude")),
        Column("location_confidence", pa.float64(), "How sure the reading of the place's name is, 0..1.",
               _stance("location", "confidence")),
        Column("location_ambiguous", pa.bool_(), "Whether other countries have a place of that name too.",
               _stance("location", "ambiguous")),
    ]  # fmt: skip


def _date() -> list[Column]:
    return [
        *_span("date", "date", "mention"),
        Column("date_value", pa.string(), "When the event happened, ISO 8601: a day, a month (`2024-03`), a year or "
               "an interval (`2024-03-04/2024-03-10`); null when unresolved or when the clause gives no date.",
               _stance_text("date", "value")),
        Column("date_first", pa.date32(), "First day the date covers.", _day("date", "first")),
        Column("date_last", pa.date32(), "Last day the date covers.", _day("date", "last")),
        Column("date_precision", pa.string(), "day, week, month or year.", _stance_text("date", "precision")),
        Column("date_resolved", pa.bool_(), "False for a relative date without an article date (`meta_date`).",
               _stance("date", "resolved")),
        Column("date_relative", pa.bool_(), "Whether it was read against the article's date or an earlier date.",
               _stance("date", "relative")),
    ]  # fmt: skip


def _attributed_name(row: StanceRow) -> str | None:
    actor_id = row.stance.get("attributed_to")
    return text(row.actors.get(actor_id, {}).get("name")) if isinstance(actor_id, str) else None


def _service_meta(key: str) -> Callable[[DocumentRow], Any]:
    return lambda r: None if r.failed else field_at(r.entry, "meta", key)


def _error(*path: str) -> Callable[[DocumentRow], Any]:
    return lambda r: field_at(r.entry, "error", *path) if r.failed else None


def _count(key: str) -> Callable[[DocumentRow], Any]:
    return lambda r: None if r.failed else len(r.entry.get(key) or [])


TABLES: dict[str, list[Column]] = {
    "documents": [
        *_document_keys(),
        Column("meta", pa.string(), "The input's other fields, as a JSON object (null when there are none).",
               lambda r: r.other_inputs()),
        Column("status", pa.string(), "`analysed`, or `failed` (see the error columns).",
               lambda r: "failed" if r.failed else "analysed"),
        Column("language", pa.string(), "Language the text was analysed as.",
               lambda r: None if r.failed else text(r.entry.get("language"))),
        Column("actors", pa.int64(), "Actors found.", _count("actors")),
        Column("stances", pa.int64(), "Stances found.", _count("stances")),
        Column("tokens", pa.int64(), "Tokens in the text.", _service_meta("tokens")),
        Column("model", pa.string(), "spaCy model of the analysis.", _service_meta("model")),
        Column("version", pa.string(), "Stancewire version of the analysis.", _service_meta("version")),
        Column("error_status", pa.int64(), "HTTP status of the problem, for a failed document.", _error("status")),
        Column("error_type", pa.string(), "Problem type, e.g. `/problems/too-large`.", _error("type")),
        Column("error_title", pa.string(), "Problem title.", _error("title")),
        Column("error_detail", pa.string(), "What went wrong with this document.", _error("detail")),
        Column("error", pa.string(), "The whole problem document, as JSON.",
               lambda r: text(r.entry.get("error")) if r.failed else None),
    ],
    "stances": [
        *_document_keys(),
        Column("stance_id", pa.string(), "The stance's id within its document (`s1`, …).", _stance_text("id")),
        Column("event", pa.string(), "PLOVER event category (AGREE … ASSAULT).", _stance_text("event")),
        Column("mode", pa.string(), "PLOVER mode, where the text makes it evident.", _stance_text("mode")),
        Column("cameo", pa.string(), "CAMEO root code.", _stance_text("cameo")),
        Column("quad", pa.string(), "PLOVER quad class.", _stance_text("quad")),
        Column("score", pa.float64(), "PLOVER conflict-cooperation score, -10..10.", _stance("score")),
        Column("modality", pa.string(), "asserted, negated, hypothetical, intended, requested or alleged.",
               _stance_text("modality")),
        Column("confidence", pa.float64(), "0..1; ranks a sentence's main event first.", _stance("confidence")),
        Column("context", pa.string(), "PLOVER context, where the coding gives one.", _stance_text("context")),
        Column("rule_source", pa.string(), "Where the coding came from: lexicon, dictionary or derived.",
               _stance_text("rule", "source")),
        Column("rule_ref", pa.string(), "The rule: `file:line` of the entry or pattern, or `derived:<reason>`.",
               _stance_text("rule", "ref")),
        Column("rule_cameo", pa.string(), "The full CAMEO code the rule gives (e.g. `0233`).",
               _stance_text("rule", "cameo")),
        *_side("holder"),
        *_side("target"),
        Column("attributed_to", pa.string(), "Actor id of whoever reports the stance, if not the holder.",
               _stance_text("attributed_to")),
        Column("attributed_to_name", pa.string(), "That actor's name.", _attributed_name),
        Column("sentence", pa.int64(), "Index of the sentence, from 0.", _stance("sentence")),
        *_span("trigger", "trigger"),
        *_span("content", "content"),
        *_span("evidence", "evidence"),
        *_place(),
        *_date(),
    ],
    "actors": [
        *_document_keys(),
        Column("actor_id", pa.string(), "The actor's id within its document (`a1`, …).",
               lambda r: text(r.actor.get("id"))),
        Column("name", pa.string(), "Canonical name.", lambda r: text(r.actor.get("name"))),
        Column("kind", pa.string(), "state, igo, ngo, organization, person, group, armed_group or other.",
               lambda r: text(r.actor.get("kind"))),
        Column("country", pa.string(), "ISO 3166-1 alpha-3 code (or IGO/IMG).", lambda r: text(r.actor.get("country"))),
        Column("sector", pa.string(), "CAMEO sector code.", lambda r: text(r.actor.get("sector"))),
        Column("title", pa.string(), "Title or office of a person.", lambda r: text(r.actor.get("title"))),
        Column("salience", pa.float64(), "How central the actor is to the document, 0..1.",
               lambda r: r.actor.get("salience")),
        Column("mention_text", pa.string(), "The words of this mention.", lambda r: text(r.mention.get("text"))),
        Column("mention_start", pa.int64(), "Its start, a character offset.", lambda r: r.mention.get("start")),
        Column("mention_end", pa.int64(), "Its end (exclusive).", lambda r: r.mention.get("end")),
        Column("mention_sentence", pa.int64(), "Index of its sentence, from 0.", lambda r: r.mention.get("sentence")),
    ],
}  # fmt: skip

TABLE_ROWS = {
    "documents": "one row per document of the input, analysed or failed",
    "stances": "one row per stance of an analysed document",
    "actors": "one row per mention of an actor (an actor without mentions has one row with empty mention columns)",
}


def rows(entry: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The rows one batch entry gives each table."""
    doc = DocumentRow.of(entry)
    if doc.failed:
        return {"documents": [doc], "stances": [], "actors": []}
    actors = [a for a in entry.get("actors") or [] if isinstance(a, Mapping)]
    by_id = {str(a.get("id")): a for a in actors}
    stances = [StanceRow(doc, s, by_id) for s in entry.get("stances") or [] if isinstance(s, Mapping)]
    mentions = [MentionRow(doc, a, m) for a in actors for m in (a.get("mentions") or [{}])]
    return {"documents": [doc], "stances": stances, "actors": mentions}


def schema(table: str, fmt: Format = "parquet") -> pa.Schema:
    """The Arrow schema of a table; in CSV a list column is text (items joined with ``;``)."""
    return pa.schema(
        [pa.field(c.name, pa.string() if fmt == "csv" and pa.types.is_list(c.type) else c.type) for c in TABLES[table]]
    )


def schema_markdown() -> str:
    """The tables' schema as Markdown: what docs/batch.md shows and ``export --schema`` prints."""
    lines: list[str] = []
    for table, columns in TABLES.items():
        lines += [f"#### `{table}`: {TABLE_ROWS[table]}", "", "| column | type | meaning |", "| --- | --- | --- |"]
        lines += [f"| `{c.name}` | {_type_name(c.type)} | {c.doc} |" for c in columns]
        lines.append("")
    return "\n".join(lines)


def _type_name(kind: pa.DataType) -> str:
    if pa.types.is_list(kind):
        return f"list of {_type_name(kind.value_type)}"
    return {"string": "string", "int64": "int64", "double": "float64", "bool": "bool", "date32[day]": "date"}[str(kind)]


# -- writing ----------------------------------------------------------------------------------


class _TableWriter:
    """Appends chunks of rows to one table file, written under a temporary name until closed."""

    def __init__(self, table: str, directory: Path, fmt: Format) -> None:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        self.table = table
        self.path = directory / f"{table}.{fmt}"
        self._partial = directory / f".{table}.{fmt}.partial"
        self._columns = TABLES[table]
        self._csv = fmt == "csv"
        self._schema = schema(table, fmt)
        self.rows = 0
        if self._csv:
            self._writer: Any = pacsv.CSVWriter(str(self._partial), self._schema)
        else:
            self._writer = pq.ParquetWriter(str(self._partial), self._schema, compression="zstd")

    def write(self, chunk: Sequence[Any]) -> None:
        arrays = []
        for column, kind in zip(self._columns, self._schema.types, strict=True):
            values = [column.get(row) for row in chunk]
            if self._csv and pa.types.is_list(column.type):
                values = [None if v is None else CSV_LIST_SEPARATOR.join(x or "" for x in v) for v in values]
            arrays.append(pa.array(values, type=kind))
        self._writer.write_table(pa.Table.from_arrays(arrays, schema=self._schema))
        self.rows += len(chunk)

    def close(self, keep: bool) -> None:
        self._writer.close()
        if keep:
            self._partial.replace(self.path)
        else:
            self._partial.unlink(missing_ok=True)


def export(
    paths: Sequence[Path], directory: Path, fmt: Format = "parquet", merge: Merge | None = None
) -> dict[str, int]:
    """Write the three tables of ``paths`` to ``directory``; return the rows of each.

    The files appear only once all is written: a failed export leaves the previous tables.
    """
    directory.mkdir(parents=True, exist_ok=True)
    writers = {table: _TableWriter(table, directory, fmt) for table in TABLES}
    chunks: dict[str, list[Any]] = {table: [] for table in TABLES}
    finished = False
    try:
        for entry in read_results(paths, merge):
            for table, table_rows in rows(entry).items():
                chunks[table].extend(table_rows)
            if len(chunks["documents"]) >= _CHUNK_DOCUMENTS:
                _flush(writers, chunks)
        _flush(writers, chunks)
        finished = True
    finally:
        for writer in writers.values():
            writer.close(keep=finished)
    return {table: writer.rows for table, writer in writers.items()}


def _flush(writers: dict[str, _TableWriter], chunks: dict[str, list[Any]]) -> None:
    for table, chunk in chunks.items():
        if chunk:
            writers[table].write(chunk)
            chunk.clear()


# -- reading the tables back (stancewire network) ---------------------------------------------


def read_tables(directory: Path) -> Iterator[dict[str, Any]]:
    """Yield the entries of exported Parquet tables again, as much of each analysis as the tables hold.

    The three tables are read side by side, in the document order ``export`` wrote them in.
    """
    import pyarrow.parquet as pq

    def table_rows(name: str) -> Iterator[dict[str, Any]]:
        path = directory / f"{name}.parquet"
        if not path.exists():
            raise ValueError(f"{path} is missing (network reads the Parquet tables of stancewire export)")
        for batch in pq.ParquetFile(path).iter_batches(batch_size=4096):
            yield from batch.to_pylist()

    actors, stances = _Peek(table_rows("actors")), _Peek(table_rows("stances"))
    for document in table_rows("documents"):
        doc_id = document["doc_id"]
        mentions = list(actors.take_while(doc_id))
        stance_rows = list(stances.take_while(doc_id))
        if document["status"] == "failed":
            yield {"id": doc_id, "error": orjson.loads(document["error"]) if document["error"] else {}}
            continue
        yield {"id": doc_id, "actors": _actors(mentions), "stances": [_stance_of(row) for row in stance_rows]}
    if actors.peek() is not None or stances.peek() is not None:
        raise ValueError(f"{directory}: the tables are not in the order stancewire export wrote them")


class _Peek:
    """An iterator of table rows that can look at its next row."""

    def __init__(self, rows: Iterator[dict[str, Any]]) -> None:
        self._rows = rows
        self._next: dict[str, Any] | None = next(rows, None)

    def peek(self) -> dict[str, Any] | None:
        return self._next

    def take_while(self, doc_id: Any) -> Iterator[dict[str, Any]]:
        while self._next is not None and self._next["doc_id"] == doc_id:
            yield self._next
            self._next = next(self._rows, None)


_ACTOR_FIELDS = ("name", "kind", "country", "sector", "title", "salience")


def _actors(mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    actors: dict[str, dict[str, Any]] = {}
    for row in mentions:
        actor = actors.setdefault(
            row["actor_id"], {"id": row["actor_id"], **{k: row[k] for k in _ACTOR_FIELDS}, "mentions": []}
        )
        if row["mention_start"] is not None:
            actor["mentions"].append(
                {"text": row["mention_text"], "start": row["mention_start"], "end": row["mention_end"],
                 "sentence": row["mention_sentence"]}
            )  # fmt: skip
    return list(actors.values())


def _stance_of(row: dict[str, Any]) -> dict[str, Any]:
    def span(prefix: str) -> dict[str, Any] | None:
        if row[f"{prefix}_start"] is None:
            return None
        return {"text": row[f"{prefix}_text"], "start": row[f"{prefix}_start"], "end": row[f"{prefix}_end"]}

    stance = {k: row[k] for k in ("event", "mode", "cameo", "quad", "score", "modality", "confidence", "sentence")}
    stance.update(id=row["stance_id"], holder=row["holder_ids"], target=row["target_ids"])
    stance.update(attributed_to=row["attributed_to"], trigger=span("trigger"), content=span("content"))
    stance["evidence"] = span("evidence")
    stance["location"] = _location_of(row, span("location"))
    stance["date"] = _date_of(row, span("date"))
    return stance


def _location_of(row: dict[str, Any], mention: dict[str, Any] | None) -> dict[str, Any] | None:
    if mention is None:
        return None
    keys = ("name", "country", "level", "admin1", "geonames_id", "latitude", "longitude", "confidence", "ambiguous")
    return {"mention": mention, **{key: row[f"location_{key}"] for key in keys}}


def _date_of(row: dict[str, Any], mention: dict[str, Any] | None) -> dict[str, Any] | None:
    if mention is None:
        return None
    first, last = row["date_first"], row["date_last"]
    return {
        "mention": mention,
        "value": row["date_value"],
        "first": first.isoformat() if first is not None else None,
        "last": last.isoformat() if last is not None else None,
        "precision": row["date_precision"],
        "resolved": row["date_resolved"],
        "relative": row["date_relative"],
    }


def main(inputs: Sequence[Path], directory: Path, fmt: Format) -> int:
    """Run ``stancewire export``; return the exit status."""
    from app.results import missing_shards

    for missing in missing_shards(inputs):
        print(f"stancewire export: warning: {missing} is not among the inputs", file=sys.stderr)
    merge = Merge()
    try:
        counts = export(inputs, directory, fmt, merge)
    except (OSError, ValueError) as exc:
        print(f"stancewire export: {exc}", file=sys.stderr)
        return 2
    duplicates = f"; {merge.duplicates} repeated ids left out" if merge.duplicates else ""
    print(
        f"stancewire export: {counts['documents']} documents, {counts['stances']} stances, {counts['actors']} actor "
        f"mentions{duplicates} -> {directory}/{{documents,stances,actors}}.{fmt}",
        file=sys.stderr,
    )
    return 0
