"""The files of a scenario, their columns, and how a file becomes checked rows (no database here)."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from django.utils.translation import gettext as _

from conference.models import SessionKind, VenueKind
from logistics.models import VehicleKind
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


@dataclass(frozen=True)
class Column:
    name: str
    read: Callable[[str], Any]
    required: bool = False
    refers_to: str | None = None  # the file whose key this column names
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


def _needed_too(given: str, needed: str) -> str:
    return _("%(given)s is given, so %(needed)s is needed too") % {"given": given, "needed": needed}


def _start_not_after_end(row: dict) -> list[tuple[str, str]]:
    start, end = row.get("start_date"), row.get("end_date")
    if start is not None and end is not None and end < start:
        return [("end_date", _("end_date is before start_date"))]
    return []


CONFERENCE_FILE = "conference.csv"
FILE_ORDER = (
    "conference.csv",
    "venues.csv",
    "delegations.csv",
    "sessions.csv",
    "delegates.csv",
    "vehicles.csv",
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
            name="attendance.csv",
            key=("delegate", "session"),
            columns=(
                Column("delegate", cells.code(64), required=True, refers_to="delegates.csv"),
                Column("session", cells.code(), required=True, refers_to="sessions.csv"),
            ),
        ),
    ]
    return {spec.name: spec for spec in specs}


def read_table(spec: FileSpec, data: bytes) -> tuple[Table, list[RowError]]:
    """Decode and check one file. Every problem is collected; a file with any problem yields errors."""
    table = Table(spec)
    table.readable = False
    text, error = _decode(spec.name, data)
    if error:
        return table, [error]
    records = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(records)]
    except (StopIteration, csv.Error):
        return table, [RowError(spec.name, 1, None, _("the file has no header row"))]
    errors = _check_header(spec, header)
    if errors:
        return table, errors
    table.readable = True
    table.present = [column.name for column in spec.columns if column.name in header]
    positions = {column.name: header.index(column.name) for column in spec.columns if column.name in header}
    first_row_of: dict[tuple, int] = {}
    row_number = 1
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(
                RowError(
                    spec.name, row_number + 1, None, _("the row cannot be read as CSV (%(problem)s)") % {"problem": exc}
                )
            )
            break
        row_number += 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            errors.append(
                RowError(
                    spec.name,
                    row_number,
                    None,
                    _(
                        "the row has %(cells)s cells but the header has %(columns)s; "
                        "is a comma inside a value missing its quotes?"
                    )
                    % {"cells": len(record), "columns": len(header)},
                )
            )
            continue
        row, row_errors = _read_row(spec, positions, record, row_number)
        errors.extend(row_errors)
        if row_errors:
            if all(name in row for name in spec.key):
                table.refused_keys.add(table.key_of(row))
            continue
        key = table.key_of(row)
        if key in first_row_of:
            errors.append(
                RowError(
                    spec.name,
                    row_number,
                    spec.key[0] if len(spec.key) == 1 else None,
                    _("duplicate %(key)s `%(value)s` (first on row %(first)s)")
                    % {"key": "/".join(spec.key), "value": " / ".join(map(str, key)), "first": first_row_of[key]},
                )
            )
            continue
        first_row_of[key] = row_number
        table.rows.append(row)
    return table, errors


def _decode(file_name: str, data: bytes) -> tuple[str, RowError | None]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return "", RowError(
            file_name,
            line,
            None,
            _(
                "the file is not UTF-8 text (byte 0x%(byte)02X on line %(line)s); "
                "save it as 'CSV UTF-8' and import it again"
            )
            % {"byte": data[exc.start], "line": line},
        )
    if not text.strip():
        return "", RowError(file_name, None, None, _("the file is empty; it needs at least a header row"))
    if "\x00" in text:
        return "", RowError(file_name, None, None, _("the file holds NUL bytes; it is not a CSV text file"))
    return text, None


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


def _read_row(spec: FileSpec, positions: dict[str, int], record: list[str], row_number: int):
    row: dict[str, Any] = {"_row": row_number}
    errors = []
    for column in spec.columns:
        position = positions.get(column.name)
        if position is None:
            continue
        raw = record[position].strip() if position < len(record) else ""
        if raw == "":
            if column.required:
                errors.append(
                    RowError(
                        spec.name,
                        row_number,
                        column.name,
                        _("%(column)s is empty; it is required") % {"column": column.name},
                    )
                )
            row[column.name] = column.empty
            continue
        try:
            row[column.name] = column.read(raw)
        except CellError as exc:
            errors.append(RowError(spec.name, row_number, column.name, str(exc)))
    if not errors:
        for check in spec.checks:
            errors.extend(RowError(spec.name, row_number, name, message) for name, message in check(row))
    return row, errors
