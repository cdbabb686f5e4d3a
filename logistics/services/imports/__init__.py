"""Import a scenario all-or-nothing: check every file, then write everything in one transaction."""

import io
import math
import zoneinfo
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conference.models import Conference, Session, Venue
from delegates.models import Attendance, Delegate, Delegation
from delegates.selectors.attendance import attendance_warnings
from logistics.models import Driver, Vehicle
from logistics.run_reasons import trigger
from logistics.services.imports.cells import CellError
from logistics.services.imports.tables import (
    CONFERENCE_FILE,
    FILE_ORDER,
    ErrorLog,
    RowError,
    Table,
    file_specs,
    read_table,
)
from logistics.services.schedule import schedule_recompute_request, triggers_paused

MODELS: dict[str, type[models.Model]] = {
    "venues.csv": Venue,
    "delegations.csv": Delegation,
    "sessions.csv": Session,
    "delegates.csv": Delegate,
    "vehicles.csv": Vehicle,
    "drivers.csv": Driver,
}
KEY_FIELDS = {
    "venues.csv": "code",
    "delegations.csv": "code",
    "sessions.csv": "code",
    "delegates.csv": "external_id",
    "vehicles.csv": "callsign",
}
UNKNOWN_REFERENCE = {  # translated when the message is made
    "venues.csv": gettext_lazy("unknown venue code `%(value)s`"),
    "delegations.csv": gettext_lazy("unknown delegation code `%(value)s`"),
    "sessions.csv": gettext_lazy("unknown session code `%(value)s`"),
    "delegates.csv": gettext_lazy("unknown delegate external_id `%(value)s`"),
    "vehicles.csv": gettext_lazy("unknown vehicle callsign `%(value)s`"),
}
# A file is the bytes themselves, a path to read them from, or a binary stream (an uploaded file).
Source = bytes | Path | BinaryIO
MAX_ERRORS_SHOWN = 200  # errors listed in full; the rest are counted
NOT_IN_FILE_SHOWN = 20  # keys listed on the page and the command line when rows are not in a file (the JSON has all)


@dataclass
class FileCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass
class ImportReport:
    conference: str | None = None
    counts: dict[str, FileCounts] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)  # the first MAX_ERRORS_SHOWN: whole files first, then rows
    error_count: int = 0  # every error found, shown or not
    warnings: list[str] = field(default_factory=list)
    # keys the conference holds that an imported file does not (delegates.csv: external ids), and whether they
    # were removed (prune) or kept
    not_in_file: dict[str, list[str]] = field(default_factory=dict)
    pruned: bool = False
    recompute_run: int | None = None  # the schedule run the import queued

    @property
    def ok(self) -> bool:
        return not self.error_count

    @property
    def errors_not_shown(self) -> int:
        return self.error_count - len(self.errors)

    def add_error(self, error: RowError) -> None:
        self.errors.append(error)
        self.error_count += 1

    def add_errors(self, log: ErrorLog) -> None:
        self.errors += log.kept
        self.error_count += log.count

    @property
    def delegates_not_in_file(self) -> list[str]:
        return self.not_in_file.get("delegates.csv", [])

    @property
    def delegates_not_in_file_shown(self) -> list[str]:
        return self.delegates_not_in_file[:NOT_IN_FILE_SHOWN]

    @property
    def delegates_not_in_file_more(self) -> int:
        return max(len(self.delegates_not_in_file) - NOT_IN_FILE_SHOWN, 0)

    def as_dict(self) -> dict:
        return {
            "conference": self.conference,
            "ok": self.ok,
            "counts": {name: vars(counts) for name, counts in self.counts.items()},
            "errors": [vars(error) | {"text": str(error)} for error in self.errors],
            "error_count": self.error_count,
            "warnings": self.warnings,
            "not_in_file": {
                name: {"count": len(keys), "keys": keys, "removed": self.pruned}
                for name, keys in self.not_in_file.items()
            },
            "recompute_run": self.recompute_run,
        }

    def as_text(self) -> str:
        if not self.ok:
            lines = [f"Nothing was imported: {self.error_count:,} problem(s) to fix."]
            lines += [f"  {error}" for error in self.errors]
            if self.errors_not_shown:
                lines.append(f"  ... and {self.errors_not_shown:,} more (the first {len(self.errors)} are listed).")
            return "\n".join(lines)
        lines = [f"Imported into conference {self.conference}:"]
        for name, counts in self.counts.items():
            lines.append(
                f"  {name:<16} {counts.created:>6} created {counts.updated:>6} updated {counts.unchanged:>6} unchanged"
                + (f" {counts.removed:>6} removed" if counts.removed else "")
            )
        missing = self.delegates_not_in_file
        if missing:
            listed = ", ".join(self.delegates_not_in_file_shown) + (
                f", ... and {self.delegates_not_in_file_more:,} more" if self.delegates_not_in_file_more else ""
            )
            if self.pruned:
                lines.append(
                    f"{len(missing):,} delegate(s) not in delegates.csv were removed, with their attendance "
                    f"and movements: {listed}."
                )
            else:
                lines.append(
                    f"{len(missing):,} delegate(s) of {self.conference} are not in delegates.csv and were kept: "
                    f"{listed}. Import with --prune to remove them."
                )
        if self.warnings:
            lines.append(f"{len(self.warnings)} warning(s):")
            lines += [f"  {warning}" for warning in self.warnings]
        if self.recompute_run:
            lines.append(f"Schedule recompute queued (run {self.recompute_run}); --wait waits for it.")
        return "\n".join(lines)


def scenario_folder_files(folder: Path) -> dict[str, Path]:
    """The contract's files found in a folder, by name (their paths: the import reads them a line at a time);
    other files are left alone."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    return {name: folder / name for name in FILE_ORDER if (folder / name).is_file()}


def scenario_import(
    *,
    files: Mapping[str, Source],
    conference: Conference | None = None,
    recompute: bool | None = None,
    prune: bool = False,
    max_file_bytes: int | None = None,
    max_rows: int | None = None,
    max_errors: int = MAX_ERRORS_SHOWN,
) -> ImportReport:
    """Import the given CSV files (by contract name) into `conference`, or the one conference.csv names.

    Nothing is written unless every file is free of errors; the report lists the first `max_errors` and counts
    them all. A file over `max_file_bytes` is refused unread; one with more than `max_rows` rows below the header is
    refused when the row after the limit is reached (defaults: the IMPORT_MAX_FILE_MB and IMPORT_MAX_ROWS settings).
    When delegates.csv is imported into an existing conference, the report names the conference's delegates the
    file does not have; `prune` removes them (their attendance and movements go with them). A successful import
    queues a schedule recompute (unless `recompute` is False or automatic recomputes are off).
    """
    if max_file_bytes is None:
        max_file_bytes = settings.IMPORT_MAX_FILE_MB * 2**20
    if max_rows is None:
        max_rows = settings.IMPORT_MAX_ROWS
    report = ImportReport(conference=conference.code if conference else None)
    with ExitStack() as opened:
        checked = _checked_tables(
            report,
            files,
            conference,
            opened=opened,
            max_file_bytes=max_file_bytes,
            max_rows=max_rows,
            max_errors=max_errors,
            prune=prune,
        )
    if checked is None:
        report.errors.sort(
            key=lambda error: (
                error.row is not None,  # whole-file problems (too big, unreadable, missing) first
                FILE_ORDER.index(error.file) if error.file in FILE_ORDER else -1,
                error.row or 0,
                error.column or "",
            )
        )
        del report.errors[max_errors:]
        return report
    conference, conference_row, tables = checked

    try:
        with triggers_paused(), transaction.atomic():
            conference = _write(report, conference, conference_row, tables, prune=prune)
            Conference.bump_data_revision(conference.pk)  # bulk writes send no signals
    except IntegrityError as exc:
        report.add_error(
            RowError(
                "(database)",
                message=_("the database refused the import, nothing was saved: %(problem)s") % {"problem": exc},
            )
        )
        return report
    report.conference = conference.code
    report.warnings = attendance_warnings(conference=conference)
    if recompute if recompute is not None else settings.SCHEDULE_AUTO_RECOMPUTE:
        report.recompute_run = schedule_recompute_request(conference_id=conference.pk, trigger=trigger("import")).pk
    return report


def _checked_tables(
    report: ImportReport,
    files: Mapping[str, Source],
    conference: Conference | None,
    *,
    opened: ExitStack,
    max_file_bytes: int,
    max_rows: int,
    max_errors: int,
    prune: bool,
) -> tuple[Conference | None, dict | None, dict[str, Table]] | None:
    """Every file read and checked: (the conference, its conference.csv row, the tables), or None when anything is
    wrong, with the errors in the report. Files over the size limit are not read at all."""
    unknown = sorted(set(files) - set(FILE_ORDER))
    if unknown:
        for name in unknown:
            report.add_error(
                RowError(
                    name,
                    message=_("not a file of the contract; expected one of %(files)s")
                    % {"files": ", ".join(FILE_ORDER)},
                )
            )
        return None
    if not files:
        report.add_error(
            RowError(
                "(folder)", message=_("no scenario files found; expected %(files)s") % {"files": ", ".join(FILE_ORDER)}
            )
        )
        return None
    streams = {}
    for name in FILE_ORDER:
        if name not in files:
            continue
        size = _size(files[name])
        if size > max_file_bytes:  # refused before a byte of it is read
            report.add_error(
                RowError(
                    name,
                    message=_("the file is %(size)s MB; files up to %(limit)s MB can be imported")
                    % {"size": _megabytes(size), "limit": _megabytes(max_file_bytes)},
                )
            )
        else:
            streams[name] = _open(files[name], opened)

    def read(spec):
        table, errors = read_table(spec, streams[spec.name], max_rows=max_rows, max_errors=max_errors)
        report.add_errors(errors)
        return table, errors

    conference_row = None
    zone = conference.zone if conference else UTC
    if CONFERENCE_FILE in streams:
        table, errors = read(file_specs(zone)[CONFERENCE_FILE])
        if not errors and len(table.rows) != 1:
            report.add_error(
                RowError(
                    CONFERENCE_FILE,
                    message=_("must hold exactly one conference row, not %(count)s") % {"count": len(table.rows)},
                )
            )
        elif not errors:
            conference_row = table.rows[0]
            zone = zoneinfo.ZoneInfo(conference_row["timezone"])
            if conference and conference.code != conference_row["code"]:
                report.add_error(
                    RowError(
                        CONFERENCE_FILE,
                        2,
                        "code",
                        _("the file is for conference `%(file)s`, but it is being imported into `%(target)s`")
                        % {"file": conference_row["code"], "target": conference.code},
                    )
                )
            conference = conference or Conference.objects.filter(code=conference_row["code"]).first()
            report.conference = conference_row["code"]
    elif CONFERENCE_FILE not in files and conference is None:
        report.add_error(
            RowError(CONFERENCE_FILE, message=_("is missing; include it, or choose the conference to import into"))
        )

    specs = file_specs(zone)
    tables: dict[str, Table] = {}
    for name in FILE_ORDER[1:]:
        if name in streams:
            tables[name], _errors = read(specs[name])
        elif name in files:  # too big to read: nothing can be checked against it
            tables[name] = Table(specs[name], readable=False)
    report.add_errors(_reference_errors(tables, conference, max_errors=max_errors, prune=prune))
    report.add_errors(_dedicated_vehicle_errors(tables, conference, max_errors=max_errors, prune=prune))
    report.add_errors(_driver_errors(tables, conference, max_errors=max_errors))
    if report.error_count:
        return None
    return conference, conference_row, tables


def _size(source: Source) -> int:
    if isinstance(source, bytes | bytearray):
        return len(source)
    if isinstance(source, Path):
        return source.stat().st_size
    size = getattr(source, "size", None)  # an uploaded file knows it
    if size is not None:
        return size
    position = source.tell()
    end = source.seek(0, io.SEEK_END)
    source.seek(position)
    return end


def _open(source: Source, opened: ExitStack) -> BinaryIO:
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    if isinstance(source, Path):
        return opened.enter_context(source.open("rb"))
    source.seek(0)
    return source


def _megabytes(size: int) -> str:
    """In MB, to a tenth rounded up (a file just over the limit does not read as the limit)."""
    if size % 2**20 == 0:
        return number_format(size // 2**20)
    return number_format(math.ceil(size * 10 / 2**20) / 10, decimal_pos=1)


PRUNED_REFERENCE = gettext_lazy(
    "delegate `%(value)s` is not in delegates.csv, and pruning removes the delegates it does not have"
)


def _reference_errors(
    tables: dict[str, Table], conference: Conference | None, *, max_errors: int, prune: bool
) -> ErrorLog:
    known: dict[str, set] = {}
    pruned: set = set()  # delegates a prune removes: no file may name them
    for name, key_field in KEY_FIELDS.items():
        in_db = (
            set(MODELS[name].objects.filter(conference=conference).values_list(key_field, flat=True))
            if conference
            else set()
        )
        in_file = set()
        if name in tables:
            in_file = {row[key_field] for row in tables[name].rows} | {key for (key,) in tables[name].refused_keys}
        if prune and name == "delegates.csv" and name in tables:
            pruned = in_db - in_file
            in_db = set()
        known[name] = in_db | in_file
    errors = ErrorLog(max_errors)
    for table in tables.values():
        references = [
            column
            for column in table.spec.columns
            if column.refers_to and column.name in table.present and tables.get(column.refers_to, table).readable
        ]
        for row in table.rows:
            for column in references:
                value = row[column.name]
                if value and value not in known[column.refers_to]:  # None or "": not given
                    message = PRUNED_REFERENCE if value in pruned else UNKNOWN_REFERENCE[column.refers_to]
                    errors.add(table.spec.name, row["_row"], column.name, CellError(message, {"value": value}))
    return errors


NOT_FOR_A_VIP = gettext_lazy("a dedicated vehicle is for a VIP: set vip to yes, or leave dedicated_vehicle empty")
NOT_ARMOURED = gettext_lazy("vehicle `%(vehicle)s` is not armoured, and a VIP's dedicated vehicle must be")
SHARED_DEDICATED = gettext_lazy(
    "vehicle `%(vehicle)s` is already the dedicated vehicle of `%(delegate)s` of delegation `%(delegation)s`; "
    "delegates of different delegations cannot share one"
)
ARMOUR_NEEDED = gettext_lazy("the vehicle is the dedicated vehicle of VIP `%(delegate)s`, so it must be armoured")


@dataclass(frozen=True)
class _Dedication:
    """A delegate's dedicated vehicle as the import leaves it: from delegates.csv, or stored."""

    delegate: str
    vehicle: str
    delegation: str
    vip: bool
    row: int | None  # the delegates.csv row; None: a stored delegate the file does not have
    vehicle_given: bool  # the row names the vehicle (the file has the dedicated_vehicle column)
    vip_given: bool  # the row says whether the delegate is a VIP


def _dedicated_vehicle_errors(
    tables: dict[str, Table], conference: Conference | None, *, max_errors: int, prune: bool
) -> ErrorLog:
    """A dedicated vehicle is for a VIP, is armoured, and serves one delegation. Checked on what the import leaves
    (the files' rows over what the database holds); a problem is reported where the import says it: the
    delegates.csv row, or the vehicles.csv row that makes a stored dedicated vehicle unarmoured. An unknown callsign
    is `_reference_errors`' to report."""
    errors = ErrorLog(max_errors)
    delegates, vehicles = tables.get("delegates.csv"), tables.get("vehicles.csv")
    if delegates is not None and not delegates.readable:
        return errors
    dedications = _dedications(delegates, conference, prune=prune)
    if not dedications:
        return errors
    armour = _armour(vehicles, conference, {dedication.vehicle for dedication in dedications})
    first_of: dict[str, _Dedication] = {}
    vehicle_rows_reported: set[int] = set()
    for dedication in dedications:  # the stored ones first: a file's row is the one that conflicts
        params = {"vehicle": dedication.vehicle}
        if not dedication.vip and (dedication.vehicle_given or dedication.vip_given):
            column = "dedicated_vehicle" if dedication.vehicle_given else "vip"
            errors.add("delegates.csv", dedication.row, column, CellError(NOT_FOR_A_VIP))
        first = first_of.setdefault(dedication.vehicle, dedication)
        if first.delegation != dedication.delegation and dedication.row is not None:
            column = "dedicated_vehicle" if dedication.vehicle_given else "delegation"
            errors.add(
                "delegates.csv",
                dedication.row,
                column,
                CellError(SHARED_DEDICATED, params | {"delegate": first.delegate, "delegation": first.delegation}),
            )
        armoured, vehicle_row = armour.get(dedication.vehicle, (None, None))
        if armoured is not False:  # armoured, unknown (reported as such), or its row refused for another reason
            continue
        if dedication.vehicle_given:
            errors.add("delegates.csv", dedication.row, "dedicated_vehicle", CellError(NOT_ARMOURED, params))
        elif vehicle_row is not None and vehicle_row not in vehicle_rows_reported:
            vehicle_rows_reported.add(vehicle_row)
            errors.add(
                "vehicles.csv", vehicle_row, "armoured", CellError(ARMOUR_NEEDED, {"delegate": dedication.delegate})
            )
    return errors


def _dedications(delegates: Table | None, conference: Conference | None, *, prune: bool) -> list[_Dedication]:
    """Every dedicated vehicle once the import is written: the stored delegates' that delegates.csv leaves alone,
    then the file's rows in order (a row without the dedicated_vehicle or vip column keeps the stored value)."""
    named = delegates is not None and "dedicated_vehicle" in delegates.present
    vip_given = delegates is not None and "vip" in delegates.present
    stored: dict[str, tuple[str, bool, str]] = {}
    if conference is not None:
        wanted = ~Q(dedicated_vehicle="")
        if named and not vip_given:  # the stored vip of the delegates the file gives a vehicle
            wanted |= Q(external_id__in=[row["external_id"] for row in delegates.rows if row["dedicated_vehicle"]])
        stored = {
            external_id: (vehicle, vip, delegation)
            for external_id, vehicle, vip, delegation in Delegate.objects.filter(wanted, conference=conference)
            .values_list("external_id", "dedicated_vehicle", "vip", "delegation__code")
            .iterator()
        }
    if not stored and not named:
        return []
    dedications = []
    in_file: set[str] = set()
    if delegates is not None:
        in_file = {row["external_id"] for row in delegates.rows} | {key for (key,) in delegates.refused_keys}
    if delegates is None or not prune:  # a prune removes the stored delegates the file does not have
        for external_id, (vehicle, vip, delegation) in stored.items():
            if vehicle and external_id not in in_file:
                dedications.append(_Dedication(external_id, vehicle, delegation, vip, None, False, False))
    for row in delegates.rows if delegates is not None else ():
        vehicle, vip, _delegation = stored.get(row["external_id"], ("", False, ""))
        vehicle = row["dedicated_vehicle"] if named else vehicle
        if vehicle:
            vip = row["vip"] if vip_given else vip
            dedications.append(
                _Dedication(row["external_id"], vehicle, row["delegation"], vip, row["_row"], named, vip_given)
            )
    return dedications


def _armour(
    vehicles: Table | None, conference: Conference | None, callsigns: set[str]
) -> dict[str, tuple[bool | None, int | None]]:
    """Whether each vehicle is armoured once the import is written (None: not known, its row refused), with the
    vehicles.csv row that says so (None: stored, or the file has no armoured column)."""
    if vehicles is not None and not vehicles.readable:
        return {}
    armour: dict[str, tuple[bool | None, int | None]] = {}
    if conference is not None:
        stored = Vehicle.objects.filter(conference=conference, callsign__in=sorted(callsigns))
        armour = {callsign: (armoured, None) for callsign, armoured in stored.values_list("callsign", "armoured")}
    if vehicles is not None:
        for row in vehicles.rows:
            if "armoured" in vehicles.present:
                armour[row["callsign"]] = (row["armoured"], row["_row"])
            else:
                armour.setdefault(row["callsign"], (False, None))  # a new vehicle is not armoured unless it says so
        for (callsign,) in vehicles.refused_keys:
            armour[callsign] = (None, None)
    return armour


TWO_DRIVERS_IN_FILE = gettext_lazy(
    "vehicle `%(vehicle)s` is named for two drivers: `%(driver)s` (%(name)s) here and `%(other)s` (%(other_name)s) "
    "on row %(first)s; a vehicle has one driver"
)
TWO_DRIVERS_STORED = gettext_lazy(
    "vehicle `%(vehicle)s` is already driven by `%(other)s` (%(other_name)s), whom this file does not give another "
    "vehicle; a vehicle has one driver: name another vehicle for `%(driver)s` (%(name)s), or add a row for "
    "`%(other)s` with another vehicle or none"
)
SHIFT_AGAINST_STORED = gettext_lazy(
    "the shift would end before it starts: the driver's stored %(column)s is %(time)s; "
    "give shift_from and shift_until together"
)


def _driver_errors(tables: dict[str, Table], conference: Conference | None, *, max_errors: int) -> ErrorLog:
    """A vehicle has one driver, and a shift ends after it starts, once the import is written: two rows of
    drivers.csv naming one vehicle are refused, and so is a row naming a vehicle a stored driver drives whom the file
    does not re-assign; a file with one of the shift columns is checked against the other, stored, bound. An unknown
    callsign is `_reference_errors`' to report."""
    errors = ErrorLog(max_errors)
    drivers = tables.get("drivers.csv")
    if drivers is None or not drivers.readable:
        return errors
    if "vehicle" in drivers.present:
        in_file = {row["code"] for row in drivers.rows} | {key for (key,) in drivers.refused_keys}
        holders: dict[str, tuple[str, str]] = {}  # a callsign's stored driver that keeps it
        if conference is not None:
            stored = Driver.objects.filter(vehicle__conference=conference).values_list(
                "code", "name", "vehicle__callsign", "conference_id"
            )
            for code, name, callsign, conference_id in stored:
                if conference_id != conference.pk or code not in in_file:  # in the file: it gets the file's vehicle
                    holders[callsign] = (code, name)
        first_of: dict[str, dict] = {}
        for row in drivers.rows:
            callsign = row["vehicle"]
            if not callsign:
                continue
            params = {"vehicle": callsign, "driver": row["code"], "name": row["name"]}
            first = first_of.setdefault(callsign, row)
            if first is not row:
                params |= {"other": first["code"], "other_name": first["name"], "first": first["_row"]}
                errors.add(drivers.spec.name, row["_row"], "vehicle", CellError(TWO_DRIVERS_IN_FILE, params))
            elif callsign in holders:
                other, other_name = holders[callsign]
                params |= {"other": other, "other_name": other_name}
                errors.add(drivers.spec.name, row["_row"], "vehicle", CellError(TWO_DRIVERS_STORED, params))
    bounds = [name for name in ("shift_from", "shift_until") if name in drivers.present]
    if conference is not None and len(bounds) == 1:  # the other bound is the stored one
        given = bounds[0]
        other = "shift_until" if given == "shift_from" else "shift_from"
        stored_bound = dict(
            Driver.objects.filter(conference=conference, **{f"{other}__isnull": False}).values_list("code", other)
        )
        for row in drivers.rows:
            value, bound = row[given], stored_bound.get(row["code"])
            if value is None or bound is None:
                continue
            starts, ends = (value, bound) if given == "shift_from" else (bound, value)
            if ends <= starts:
                time = conference.local(bound).strftime("%Y-%m-%dT%H:%M")
                errors.add(
                    drivers.spec.name,
                    row["_row"],
                    given,
                    CellError(SHIFT_AGAINST_STORED, {"column": other, "time": time}),
                )
    return errors


CONFERENCE_FIELDS = ("name", "timezone", "start_date", "end_date", "freeze_minutes")  # freeze_minutes: optional


def _write(
    report: ImportReport, conference: Conference | None, conference_row: dict | None, tables, *, prune: bool
) -> Conference:
    if conference_row is not None:
        values = {name: conference_row[name] for name in CONFERENCE_FIELDS if name in conference_row}
        counts = report.counts[CONFERENCE_FILE] = FileCounts()
        if conference is None:
            conference = Conference.objects.create(code=conference_row["code"], **values)
            counts.created = 1
        elif _apply(conference, values):
            conference.save()
            counts.updated = 1
        else:
            counts.unchanged = 1
    ids: dict[str, dict] = {}
    for name in FILE_ORDER[1:-1]:
        if name in tables:
            # a driver's vehicle may pass to another driver in one import: it is let go of first
            released = "vehicle_id" if name == "drivers.csv" else None
            report.counts[name] = _upsert(MODELS[name], conference, tables[name], ids, released=released)
        if name == "delegates.csv" and name in tables:
            _delegates_not_in_file(report, conference, tables[name], prune=prune)
        if name in KEY_FIELDS:
            ids[name] = dict(MODELS[name].objects.filter(conference=conference).values_list(KEY_FIELDS[name], "pk"))
    if "attendance.csv" in tables:
        report.counts["attendance.csv"] = _replace_attendance(conference, tables["attendance.csv"], ids)
    return conference


def _delegates_not_in_file(report: ImportReport, conference: Conference, table: Table, *, prune: bool) -> None:
    """delegates.csv is the conference's list of delegates: name those it does not have, and remove them on `prune`
    (their attendance and movements go with them)."""
    in_file = {row["external_id"] for row in table.rows}
    stored = dict(Delegate.objects.filter(conference=conference).values_list("external_id", "pk"))
    missing = sorted(set(stored) - in_file)
    report.not_in_file["delegates.csv"] = missing
    if prune and missing:
        pks = [stored[external_id] for external_id in missing]
        for start in range(0, len(pks), 500):
            Delegate.objects.filter(pk__in=pks[start : start + 500]).delete()
        report.counts["delegates.csv"].removed = len(missing)
        report.pruned = True


def _apply(instance: models.Model, values: dict) -> list[str]:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _field_values(table: Table, row: dict, ids: dict[str, dict]) -> dict:
    values = {}
    for column in table.spec.columns:
        if column.name not in table.present or column.name in table.spec.key:
            continue
        value = row[column.name]
        if column.refers_to and not column.stored_as_code:
            values[f"{column.name}_id"] = None if value is None else ids[column.refers_to][value]
        else:
            values[column.name] = value
    return values


def _upsert(
    model: type[models.Model],
    conference: Conference,
    table: Table,
    ids: dict[str, dict],
    *,
    released: str | None = None,
) -> FileCounts:
    """Create and update the file's rows by key. `released`: a unique field (a one-to-one) that the rows may pass
    from one to another; the stored rows whose value changes are cleared of it first, so that no write finds the
    value still held."""
    key_field = table.spec.key[0]
    existing = {getattr(obj, key_field): obj for obj in model.objects.filter(conference=conference)}
    counts = FileCounts()
    to_create, to_update, changed_fields, letting_go = [], [], set(), []
    for row in table.rows:
        values = _field_values(table, row, ids)
        instance = existing.get(row[key_field])
        if instance is None:
            to_create.append(model(conference=conference, **{key_field: row[key_field]}, **values))
            continue
        held = getattr(instance, released) if released else None
        changed = _apply(instance, values)
        if changed:
            to_update.append(instance)
            changed_fields.update(changed)
            if held is not None and released in changed:
                letting_go.append(instance.pk)
        else:
            counts.unchanged += 1
    for start in range(0, len(letting_go), 500):
        model.objects.filter(pk__in=letting_go[start : start + 500]).update(**{released: None})
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=500)
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def _replace_attendance(conference: Conference, table: Table, ids: dict[str, dict]) -> FileCounts:
    """attendance.csv is the full list of sessions for each delegate it names: missing pairs are removed."""
    wanted = {(ids["delegates.csv"][row["delegate"]], ids["sessions.csv"][row["session"]]) for row in table.rows}
    named = {delegate_id for delegate_id, _ in wanted}
    current = Attendance.objects.filter(delegate__conference=conference, delegate_id__in=named)
    existing = {(a.delegate_id, a.session_id): a.pk for a in current.only("pk", "delegate_id", "session_id")}
    stale = [pk for pair, pk in existing.items() if pair not in wanted]
    Attendance.objects.filter(pk__in=stale).delete()
    new = wanted - existing.keys()
    Attendance.objects.bulk_create(
        [Attendance(delegate_id=delegate_id, session_id=session_id) for delegate_id, session_id in sorted(new)],
        batch_size=1000,
    )
    return FileCounts(created=len(new), unchanged=len(wanted) - len(new), removed=len(stale))
