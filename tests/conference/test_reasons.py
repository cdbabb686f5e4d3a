"""Reasons, triggers and run findings as a reader sees them: the language of the page, the conference's zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from conference.reasons import localized, reason_text
from desk.templatetags.reasons import error_text, trigger_text
from logistics.models import ScheduleRun
from logistics.run_reasons import ending, trigger, trigger_english
from scheduling.reasons import Reason, local_iso

PANAMA = ZoneInfo("America/Panama")
FLIGHT = datetime(2026, 2, 16, 21, 30, tzinfo=UTC)  # 16:30 in Panama


def shown(reason, language="en", zone=PANAMA) -> str:
    with translation.override(language), timezone.override(zone):
        return reason_text(reason)


def test_english_on_a_page_is_the_schedulers_english():
    reason = Reason.of("no_vehicle_free", needs=["armoured", "accessible"], seats=2)
    assert shown(reason) == str(reason) == "no armoured accessible vehicle free in time"
    assert shown(reason.to_dict()) == str(reason)


def test_times_are_shown_in_the_conferences_zone_whatever_zone_the_params_carry():
    reason = Reason.of(
        "session_after_departure",
        venue="PCC",
        departure_venue="PTY",
        ends_at=local_iso(FLIGHT.replace(hour=17)),
        needed_at=local_iso(FLIGHT.replace(hour=19)),
        flight_at=local_iso(FLIGHT),  # UTC, as a client might store it
    )
    assert "for their flight at Mon 16 Feb 16:30" in shown(reason)
    assert "for their flight at Mon 16 Feb 21:30" in shown(reason, zone=UTC)


def test_spanish_translates_the_template_the_words_and_the_dates():
    reason = Reason.of("no_vehicle_free", needs=["armoured"], seats=1)
    assert shown(reason, "es") == "ningún vehículo blindado libre a tiempo"
    flight = Reason.of(
        "session_after_departure",
        venue="PCC",
        departure_venue="PTY",
        ends_at=local_iso(FLIGHT, PANAMA),
        needed_at=local_iso(FLIGHT, PANAMA),
        flight_at=local_iso(FLIGHT, PANAMA),
    )
    spanish = shown(flight, "es")
    assert "16:30" in spanish and "lun" in spanish.lower() and "flight" not in spanish


def test_a_nested_violation_is_translated_too():
    violation = Reason.of("vip_not_armoured", trip="T-0001", vehicle="VAN-01", stop=2, place="HIL", passenger="D1")
    broke = Reason.of("broke_rule", rule=violation.code, violation=violation.to_dict())
    assert shown(broke) == f"could not be fitted within the rules ({violation})"
    spanish = shown(broke, "es")
    assert "T-0001" in spanish and "VAN-01" in spanish and "could not" not in spanish and "armoured" not in spanish


def test_a_reason_stored_before_codes_is_shown_as_it_was():
    assert shown({"code": "legacy", "params": {"text": "no van free"}}, "es") == "no van free"


def test_a_translation_that_names_an_unknown_field_falls_back_to_english(monkeypatch):
    broken = {"no {needs} free in time": "ningún {vehiculo} libre"}
    monkeypatch.setattr("conference.reasons.gettext", lambda text: broken.get(text, text))
    assert localized("no {needs} free in time", {"needs": []}) == "no vehicle free in time"


@pytest.mark.django_db
def test_triggers_and_findings_of_a_run_in_spanish():
    run = ScheduleRun(
        triggers=[
            trigger("input_changed", what="delegate", object="D0001 Ana Pérez"),
            trigger("vehicle_out_of_service", vehicle="ARM-01"),
        ],
        findings=[
            ending("validator_refused", count=1),
            Reason.of("trip_not_from_depot", vehicle="VAN-01", trip="T-0002", place="HIL", depot="DEP").to_dict(),
        ],
        error="the validator rejected the schedule: 1 violation(s)\nVAN-01: T-0002 starts at HIL, not at the depot DEP",
    )
    assert run.trigger == "delegate D0001 Ana Pérez changed; vehicle ARM-01 out of service"
    with translation.override("es"):
        spanish = trigger_text(run)
        assert "D0001 Ana Pérez" in spanish and "ARM-01" in spanish and "changed" not in spanish
        assert spanish.split("; ")[1] == "vehículo ARM-01 fuera de servicio"
        lines = error_text(run).split("\n")
    assert len(lines) == 2 and "validator" not in lines[0] and "VAN-01" in lines[1] and "depot" not in lines[1]
    with translation.override("en"):
        assert error_text(run) == run.error


def test_a_run_that_failed_on_an_exception_shows_its_text():
    run = ScheduleRun(error="RoutingServiceError: the routing service did not answer")
    assert error_text(run) == run.error


def test_unknown_triggers_are_refused_when_made():
    with pytest.raises(ValueError, match="unknown recompute trigger"):
        trigger("because")
    assert trigger_english({"code": "legacy", "params": {"text": "vehicle ARM-01 edited"}}) == "vehicle ARM-01 edited"
