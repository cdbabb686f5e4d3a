"""The files of a scenario, their columns, and how a file becomes checked rows (no database here)."""

import codecs
import csv
import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any, BinaryIO

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conference.models import Conference, SessionKind, VenueKind
from delegates.models import Delegate
from logistics.models import Driver, VehicleKind
from logistics.services.imports import cells
from logistics.services.imports.cells import CellError


@dataclass(frozen=True, order=True)
class RowError:
    """One thing wrong with the input, placed as precisely as we can: file, spreadsheet row, column."""

    file: str
    row: int | None = None
    column: str | None = None
    message: str = ""

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column is not None:
            where.append(_("column %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}"


@dataclass
class ErrorLog:
    """Errors as they are found: the first `limit` kept in full, every one counted. A message may be a CellError,
    whose words are only made when the error is kept, so a file of a million bad rows costs a counter."""

    limit: int
    kept: list[RowError] = field(default_factory=list)
    count: int = 0

    def add(self, file: str, row: int | None = None, column: str | None = None, message: object = "") -> None:
        self.count += 1
        if len(self.kept) < self.limit:
            self.kept.append(RowError(file, row, column, str(message)))

    def __bool__(self) -> bool:
        return self.count > 0


@dataclass(frozen=True)
class Column:
    name: str
    read: Callable[[str], Any]
    required: bool = False
    refers_to: str | None = None  # the file whose key this column names
    stored_as_code: bool = False  # a reference kept as the code itself (not a foreign key)
    empty: Any = ""  # the value of an empty optional cell


@dataclass(frozen=True)
class FileSpec:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    checks: tuple[Callable[[dict], list[tuple[str, str]]], ...] = ()

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]


@dataclass
class Table:
    spec: FileSpec
    present: list[str] = field(default_factory=list)  # columns of the spec that the file has
    rows: list[dict] = field(default_factory=list)  # each with "_row", its spreadsheet row number
    # keys of rows refused for another reason: other files may still refer to them without a second error
    refused_keys: set[tuple] = field(default_factory=set)
    readable: bool = True  # False when the file as a whole could not be read: nothing can be checked against it

    def key_of(self, row: dict) -> tuple:
        return tuple(row[name] for name in self.spec.key)


def _ends_after_starts(start: str, end: str, message: str):
    def check(row: dict) -> list[tuple[str, str]]:
        begin, finish = row.get(start), row.get(end)
        if begin is not None and finish is not None and finish <= begin:
            return [(end, message)]
        return []

    return check


def _given_together(time_column: str, venue_column: str):
    def check(row: dict) -> list[tuple[str, str]]:
        has_time, has_venue = row.get(time_column) is not None, row.get(venue_column) is not None
        if has_time and not has_venue:
            return [(venue_column, _needed_too(time_column, venue_column))]
        if has_venue and not has_time:
            return [(time_column, _needed_too(venue_column, time_column))]
        return []

    return check


def _needed_too(given: str, needed: str) -> CellError:
    return CellError(
        gettext_lazy("%(given)s is given, so %(needed)s is needed too"), {"given": given, "needed": needed}
    )


def _start_not_after_end(row: dict) -> list[tuple[str, str]]:
    start, end = row.get("start_date"), row.get("end_date")
    if start is not None and end is not None and end < start:
        return [("end_date", _("end_date is before start_date"))]
    return []


CONFERENCE_FILE = "conference.csv"
FREEZE_MINUTES_DEFAULT = Conference._meta.get_field("freeze_minutes").default
LANGUAGES = [value for value, _label in Delegate._meta.get_field("language").choices]
DRIVER_LANGUAGES_LENGTH = Driver._meta.get_field("languages").max_length
FILE_ORDER = (
    "conference.csv",
    "venues.csv",
    "delegations.csv",
    "sessions.csv",
    "delegates.csv",
    "vehicles.csv",
    "drivers.csv",
    "attendance.csv",
)


def file_specs(zone: tzinfo) -> dict[str, FileSpec]:
    """The contract of data-formats.md; times without an offset are read in `zone`."""

    def moment(raw: str):
        return cells.moment(raw, zone)

    optional_time = {"read": moment, "empty": None}
    specs = [
        FileSpec(
            name="conference.csv",
            key=("code",),
            columns=(
                Column("code", cells.code(), required=True),
                Column("name", cells.text(200), required=True),
                Column("timezone", cells.timezone_name, required=True),
                Column("start_date", cells.day, required=True),
                Column("end_date", cells.day, required=True),
                Column("freeze_minutes", cells.whole_number_between(0, 24 * 60), empty=FREEZE_MINUTES_DEFAULT),
            ),
            checks=(_start_not_after_end,),
        ),
        FileSpec(
            name="venues.csv",
            key=("code",),
            columns=(
                Column("code", cells.code(), required=True),
                Column("name", cells.text(200), required=True),
                Column("kind", cells.choice(VenueKind.values), required=True),
                Column("latitude", cells.decimal_between(-90, 90), required=True),
                Column("longitude", cells.decimal_between(-180, 180), required=True),
                Column("address", cells.text(300)),
            ),
        ),
        FileSpec(
            name="delegations.csv",
            key=("code",),
            columns=(
                Column("code", cells.code(), required=True),
                Column("name", cells.text(200), required=True),
                Column("country", cells.country),
                Column("separate_transport", cells.boolean, empty=False),
            ),
        ),
        FileSpec(
            name="sessions.csv",
            key=("code",),
            columns=(
                Column("code", cells.code(), required=True),
                Column("title", cells.text(300), required=True),
                Column("kind", cells.choice(SessionKind.values), required=True),
                Column("focus_area", cells.text(200)),
                Column("venue", cells.code(), required=True, refers_to="venues.csv"),
                Column("starts_at", moment, required=True),
                Column("ends_at", moment, required=True),
            ),
            checks=(_ends_after_starts("starts_at", "ends_at", _("the session ends before it starts")),),
        ),
        FileSpec(
            name="delegates.csv",
            key=("external_id",),
            columns=(
                Column("external_id", cells.code(64), required=True),
                Column("given_name", cells.text(100), required=True),
                Column("family_name", cells.text(100), required=True),
                Column("delegation", cells.code(), required=True, refers_to="delegations.csv"),
                Column("role", cells.text(100)),
                Column("vip", cells.boolean, empty=False),
                Column("hotel", cells.code(), required=True, refers_to="venues.csv"),
                Column("arrival_at", **optional_time),
                Column("arrival_venue", cells.code(), refers_to="venues.csv", empty=None),
                Column("arrival_flight", cells.text(32)),
                Column("departure_at", **optional_time),
                Column("departure_venue", cells.code(), refers_to="venues.csv", empty=None),
                Column("departure_flight", cells.text(32)),
                Column("email", cells.email),
                Column("phone", cells.text(40)),
                Column("accessible_vehicle", cells.boolean, empty=False),
                Column("dedicated_vehicle", cells.code(), refers_to="vehicles.csv", stored_as_code=True),
                Column("language", cells.choice(LANGUAGES)),
            ),
            checks=(
                _given_together("arrival_at", "arrival_venue"),
                _given_together("departure_at", "departure_venue"),
                _ends_after_starts("arrival_at", "departure_at", _("departure is not after arrival")),
            ),
        ),
        FileSpec(
            name="vehicles.csv",
            key=("callsign",),
            columns=(
                Column("callsign", cells.code(), required=True),
                Column("kind", cells.choice(VehicleKind.values), required=True),
                Column("seats", cells.positive_int(100), required=True),
                Column("armoured", cells.boolean, empty=False),
                Column("accessible", cells.boolean, empty=False),
                Column("depot", cells.code(), required=True, refers_to="venues.csv"),
                Column("plate", cells.text(32)),
                Column("available_from", **optional_time),
                Column("available_until", **optional_time),
            ),
            checks=(
                _ends_after_starts(
                    "available_from", "available_until", _("available_until is not after available_from")
                ),
            ),
        ),
        FileSpec(
            name="drivers.csv",
            key=("code",),
            columns=(
                Column("code", cells.code(), required=True),
                Column("name", cells.text(200), required=True),
                Column("phone", cells.text(40)),
                Column("email", cells.email),
                Column("languages", cells.languages(DRIVER_LANGUAGES_LENGTH)),
                Column("vehicle", cells.code(), refers_to="vehicles.csv", empty=None),
                Column("shift_from", **optional_time),
                Column("shift_until", **optional_time),
            ),
            checks=(_ends_after_starts("shift_from", "shift_until", _("shift_until is not after shift_from")),),
        ),
        FileSpec(
            name="attendance.csv",
            key=("delegate", "session"),
            columns=(
                Column("delegate", cells.code(64), required=True, refers_to="delegates.csv"),
                Column("session", cells.code(), required=True, refers_to="sessions.csv"),
            ),
        ),
    ]
    return {spec.name: spec for spec in specs}


def read_table(spec: FileSpec, source: bytes | BinaryIO, *, max_rows: int, max_errors: int) -> tuple[Table, ErrorLog]:
    """Decode and check one file, a line at a time: no more than `max_rows` rows below the header are read, and a
    file with more is refused. Every problem is counted (the first `max_errors` kept); a file with any problem
    yields errors. `source` is the file's bytes or a binary stream."""
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    table = Table(spec)
    table.readable = False
    errors = ErrorLog(max_errors)
    if _more_rows_than(stream, max_rows):
        errors.add(spec.name, message=_too_many_rows(max_rows))
        return table, errors
    records = csv.reader(_text_lines(stream))
    try:
        header = _header(records)
    except _Unreadable as problem:
        errors.add(spec.name, problem.line, None, problem.message)
        return table, errors
    except csv.Error:
        errors.add(spec.name, 1, None, _("the file has no header row"))
        return table, errors
    if header is None:
        errors.add(spec.name, message=_("the file is empty; it needs at least a header row"))
        return table, errors
    for error in _check_header(spec, header):
        errors.add(error.file, error.row, error.column, error.message)
    if errors:
        return table, errors
    table.readable = True
    table.present = [column.name for column in spec.columns if column.name in header]
    positions = [(column, header.index(column.name)) for column in spec.columns if column.name in header]
    first_row_of: dict[tuple, int] = {}
    row_number = 1
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except _Unreadable as problem:
            errors.add(spec.name, problem.line, None, problem.message)
            _refuse_whole(table)
            break
        except csv.Error as exc:
            errors.add(
                spec.name, row_number + 1, None, _("the row cannot be read as CSV (%(problem)s)") % {"problem": exc}
            )
            break
        row_number += 1
        if row_number - 1 > max_rows:  # a stream that could not be counted beforehand
            errors.add(spec.name, message=_too_many_rows(max_rows))
            _refuse_whole(table)
            break
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            errors.add(
                spec.name,
                row_number,
                None,
                CellError(
                    gettext_lazy(
                        "the row has %(cells)s cells but the header has %(columns)s; "
                        "is a comma inside a value missing its quotes?"
                    ),
                    {"cells": len(record), "columns": len(header)},
                ),
            )
            continue
        row, problems = _read_row(spec, positions, record, row_number)
        for column, message in problems:
            errors.add(spec.name, row_number, column, message)
        if problems:
            if all(name in row for name in spec.key):
                table.refused_keys.add(table.key_of(row))
            continue
        key = table.key_of(row)
        if key in first_row_of:
            errors.add(
                spec.name,
                row_number,
                spec.key[0] if len(spec.key) == 1 else None,
                CellError(
                    gettext_lazy("duplicate %(key)s `%(value)s` (first on row %(first)s)"),
                    {"key": "/".join(spec.key), "value": " / ".join(map(str, key)), "first": first_row_of[key]},
                ),
            )
            continue
        first_row_of[key] = row_number
        table.rows.append(row)
    return table, errors


def _too_many_rows(limit: int) -> str:
    return _("the file has more than %(limit)s rows below the header; at most %(limit)s can be imported at once") % {
        "limit": number_format(limit, force_grouping=True)
    }


def _refuse_whole(table: Table) -> None:
    """The file was not read to its end: nothing can be checked against it, and its rows are dropped."""
    table.readable = False
    table.rows.clear()
    table.refused_keys.clear()


class _Unreadable(Exception):
    """The file cannot be read on from here: `message` says why, `line` where (None: the file as a whole)."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def _binary_lines(stream: BinaryIO, chunk_size: int = 1 << 16) -> Iterator[bytes]:
    """The lines of a binary stream with their ends (LF, CRLF or a lone CR), read a chunk at a time."""
    parts: list[bytes] = []
    while chunk := stream.read(chunk_size):
        if b"\n" not in chunk and b"\r" not in chunk:
            parts.append(chunk)
            continue
        lines = (b"".join(parts) + chunk).splitlines(keepends=True)
        parts = [lines.pop()]  # perhaps incomplete, or a CR whose LF starts the next chunk
        yield from lines
    tail = b"".join(parts)
    if tail:
        yield tail


def _text_lines(stream: BinaryIO) -> Iterator[str]:
    """The lines of the file as text (UTF-8, with or without a byte-order mark), for csv.reader."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    number = 0
    for raw in _binary_lines(stream):
        number += 1
        try:
            line = decoder.decode(raw)
        except UnicodeDecodeError as exc:
            raise _Unreadable(number, _not_utf8(raw[exc.start], number)) from None
        if "\x00" in line:
            raise _Unreadable(None, _("the file holds NUL bytes; it is not a CSV text file"))
        yield line
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise _Unreadable(number, _not_utf8(exc.object[exc.start], number)) from None


def _not_utf8(byte: int, line: int) -> str:
    return _(
        "the file is not UTF-8 text (byte 0x%(byte)02X on line %(line)s); save it as 'CSV UTF-8' and import it again"
    ) % {"byte": byte, "line": line}


def _header(records) -> list[str] | None:
    """The header row's column names, or None when the file holds nothing but blank lines."""
    first = next(records, None)
    if first is None:
        return None
    if not any(cell.strip() for cell in first) and not any(any(cell.strip() for cell in rest) for rest in records):
        return None
    return [name.strip().lower() for name in first]


def _more_rows_than(stream: BinaryIO, limit: int) -> bool:
    """Whether a seekable stream holds more than `limit` rows below the header, counted without keeping any: line
    breaks first (a bound, read in chunks), and only when they exceed the limit the CSV records themselves (a
    quoted value may hold a line break). The stream is left where it was."""
    if not (hasattr(stream, "seekable") and stream.seekable()):
        return False
    start = stream.tell()
    try:
        breaks = {b"\n": 0, b"\r": 0}
        while chunk := stream.read(1 << 20):
            for end in breaks:
                breaks[end] += chunk.count(end)
        if max(breaks.values()) <= limit:  # at most limit + 1 lines (the last may have no break), the header one
            return False
        stream.seek(start)
        text = (raw.decode("utf-8-sig", errors="replace") for raw in _binary_lines(stream))
        try:
            for count, _record in enumerate(csv.reader(text)):
                if count > limit:
                    return True
        except csv.Error:
            return False  # the reading proper reports it
        return False
    finally:
        stream.seek(start)


def _check_header(spec: FileSpec, header: list[str]) -> list[RowError]:
    errors = []
    seen = set()
    for name in header:
        if name and name in seen:
            errors.append(
                RowError(spec.name, 1, name, _("the column %(column)s appears twice in the header") % {"column": name})
            )
        seen.add(name)
    for name in spec.required:
        if name not in seen:
            errors.append(
                RowError(
                    spec.name,
                    1,
                    name,
                    _("the required column %(column)s is missing from the header") % {"column": name},
                )
            )
    return errors


REQUIRED_EMPTY = gettext_lazy("%(column)s is empty; it is required")


def _read_row(spec: FileSpec, positions: list[tuple[Column, int]], record: list[str], row_number: int):
    """The row's values by column (the columns present, with their positions), and its problems as (column, message)
    pairs."""
    row: dict[str, Any] = {"_row": row_number}
    problems: list[tuple[str, Any]] = []
    cells_given = len(record)
    for column, position in positions:
        raw = record[position].strip() if position < cells_given else ""
        if raw == "":
            if column.required:
                problems.append((column.name, CellError(REQUIRED_EMPTY, {"column": column.name})))
            row[column.name] = column.empty
            continue
        refused = cells.control_character(raw)
        if refused is not None:
            problems.append((column.name, refused))
            continue
        if column.refers_to:  # a code many rows repeat (a session, a hotel): kept once
            raw = sys.intern(raw)
        try:
            row[column.name] = column.read(raw)
        except CellError as exc:
            problems.append((column.name, exc))
    if not problems:
        for check in spec.checks:
            problems.extend(check(row))
    return row, problems
