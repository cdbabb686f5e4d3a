"""Import a scenario all-or-nothing: check every file, then write everything in one transaction."""

import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conference.models import Conference, Session, Venue
from delegates.models import Attendance, Delegate, Delegation
from delegates.selectors.attendance import attendance_warnings
from logistics.models import Vehicle
from logistics.run_reasons import trigger
from logistics.services.imports.tables import CONFERENCE_FILE, FILE_ORDER, RowError, Table, file_specs, read_table
from logistics.services.schedule import schedule_recompute_request, triggers_paused

MODELS: dict[str, type[models.Model]] = {
    "venues.csv": Venue,
    "delegations.csv": Delegation,
    "sessions.csv": Session,
    "delegates.csv": Delegate,
    "vehicles.csv": Vehicle,
}
KEY_FIELDS = {"venues.csv": "code", "delegations.csv": "code", "sessions.csv": "code", "delegates.csv": "external_id"}
UNKNOWN_REFERENCE = {  # translated when the message is made
    "venues.csv": gettext_lazy("unknown venue code `%(value)s`"),
    "delegations.csv": gettext_lazy("unknown delegation code `%(value)s`"),
    "sessions.csv": gettext_lazy("unknown session code `%(value)s`"),
    "delegates.csv": gettext_lazy("unknown delegate external_id `%(value)s`"),
}


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
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    recompute_run: int | None = None  # the schedule run the import queued

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "conference": self.conference,
            "ok": self.ok,
            "counts": {name: vars(counts) for name, counts in self.counts.items()},
            "errors": [vars(error) | {"text": str(error)} for error in self.errors],
            "warnings": self.warnings,
            "recompute_run": self.recompute_run,
        }

    def as_text(self) -> str:
        if not self.ok:
            lines = [f"Nothing was imported: {len(self.errors)} problem(s) to fix."]
            lines += [f"  {error}" for error in self.errors]
            return "\n".join(lines)
        lines = [f"Imported into conference {self.conference}:"]
        for name, counts in self.counts.items():
            lines.append(
                f"  {name:<16} {counts.created:>6} created {counts.updated:>6} updated {counts.unchanged:>6} unchanged"
                + (f" {counts.removed:>6} removed" if counts.removed else "")
            )
        if self.warnings:
            lines.append(f"{len(self.warnings)} warning(s):")
            lines += [f"  {warning}" for warning in self.warnings]
        if self.recompute_run:
            lines.append(f"Schedule recompute requested (run {self.recompute_run}).")
        return "\n".join(lines)


def scenario_folder_files(folder: Path) -> dict[str, bytes]:
    """The contract's files found in a folder, by name; other files are left alone."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    return {name: (folder / name).read_bytes() for name in FILE_ORDER if (folder / name).is_file()}


def scenario_import(
    *, files: dict[str, bytes], conference: Conference | None = None, recompute: bool | None = None
) -> ImportReport:
    """Import the given CSV files (by contract name) into `conference`, or the one conference.csv names.

    Nothing is written unless every file is free of errors; the report lists them all. A successful
    import queues a schedule recompute (unless `recompute` is False or automatic recomputes are off).
    """
    report = ImportReport(conference=conference.code if conference else None)
    unknown = sorted(set(files) - set(FILE_ORDER))
    if unknown:
        report.errors += [
            RowError(
                name,
                message=_("not a file of the contract; expected one of %(files)s") % {"files": ", ".join(FILE_ORDER)},
            )
            for name in unknown
        ]
        return report
    if not files:
        report.errors.append(
            RowError(
                "(folder)", message=_("no scenario files found; expected %(files)s") % {"files": ", ".join(FILE_ORDER)}
            )
        )
        return report

    conference_row = None
    zone = conference.zone if conference else UTC
    if CONFERENCE_FILE in files:
        table, errors = read_table(file_specs(zone)[CONFERENCE_FILE], files[CONFERENCE_FILE])
        report.errors += errors
        if not errors and len(table.rows) != 1:
            report.errors.append(
                RowError(
                    CONFERENCE_FILE,
                    message=_("must hold exactly one conference row, not %(count)s") % {"count": len(table.rows)},
                )
            )
        elif not errors:
            conference_row = table.rows[0]
            zone = zoneinfo.ZoneInfo(conference_row["timezone"])
            if conference and conference.code != conference_row["code"]:
                report.errors.append(
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
    elif conference is None:
        report.errors.append(
            RowError(CONFERENCE_FILE, message=_("is missing; include it, or choose the conference to import into"))
        )

    specs = file_specs(zone)
    tables: dict[str, Table] = {}
    for name in FILE_ORDER[1:]:
        if name in files:
            tables[name], errors = read_table(specs[name], files[name])
            report.errors += errors
    report.errors += _reference_errors(tables, conference)
    if report.errors:
        report.errors.sort(
            key=lambda error: (
                FILE_ORDER.index(error.file) if error.file in FILE_ORDER else -1,
                error.row or 0,
                error.column or "",
            )
        )
        return report

    try:
        with triggers_paused(), transaction.atomic():
            conference = _write(report, conference, conference_row, tables)
            Conference.bump_data_revision(conference.pk)  # bulk writes send no signals
    except IntegrityError as exc:
        report.errors.append(
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


def _reference_errors(tables: dict[str, Table], conference: Conference | None) -> list[RowError]:
    known: dict[str, set] = {}
    for name, key_field in KEY_FIELDS.items():
        in_db = (
            set(MODELS[name].objects.filter(conference=conference).values_list(key_field, flat=True))
            if conference
            else set()
        )
        in_file = set()
        if name in tables:
            in_file = {row[key_field] for row in tables[name].rows} | {key for (key,) in tables[name].refused_keys}
        known[name] = in_db | in_file
    errors = []
    for table in tables.values():
        references = [
            column
            for column in table.spec.columns
            if column.refers_to and column.name in table.present and tables.get(column.refers_to, table).readable
        ]
        for row in table.rows:
            for column in references:
                value = row[column.name]
                if value is not None and value not in known[column.refers_to]:
                    message = UNKNOWN_REFERENCE[column.refers_to] % {"value": value}
                    errors.append(RowError(table.spec.name, row["_row"], column.name, message))
    return errors


def _write(report: ImportReport, conference: Conference | None, conference_row: dict | None, tables) -> Conference:
    if conference_row is not None:
        values = {name: conference_row[name] for name in ("name", "timezone", "start_date", "end_date")}
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
            report.counts[name] = _upsert(MODELS[name], conference, tables[name], ids)
        if name in KEY_FIELDS:
            ids[name] = dict(MODELS[name].objects.filter(conference=conference).values_list(KEY_FIELDS[name], "pk"))
    if "attendance.csv" in tables:
        report.counts["attendance.csv"] = _replace_attendance(conference, tables["attendance.csv"], ids)
    return conference


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
        if column.refers_to:
            values[f"{column.name}_id"] = None if value is None else ids[column.refers_to][value]
        else:
            values[column.name] = value
    return values


def _upsert(model: type[models.Model], conference: Conference, table: Table, ids: dict[str, dict]) -> FileCounts:
    key_field = table.spec.key[0]
    existing = {getattr(obj, key_field): obj for obj in model.objects.filter(conference=conference)}
    counts = FileCounts()
    to_create, to_update, changed_fields = [], [], set()
    for row in table.rows:
        values = _field_values(table, row, ids)
        instance = existing.get(row[key_field])
        if instance is None:
            to_create.append(model(conference=conference, **{key_field: row[key_field]}, **values))
            continue
        changed = _apply(instance, values)
        if changed:
            to_update.append(instance)
            changed_fields.update(changed)
        else:
            counts.unchanged += 1
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
