"""The scheduler's stored English reasons, triggers and run errors, shown in the page's language: every known
pattern comes back unchanged in English and in Spanish with Spanish, and unknown text passes through."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import translation

from conference.wording import attendance_detail_text, error_text, reason_text, trigger_text
from scheduling.planner import _busy_reason, _fleet_reason
from scheduling.rules import MovementRules, Place, Stay, Visit, attendance_problems

REASONS = [
    ("the requested window is shorter than the drive", "la franja horaria solicitada es más corta que el trayecto"),
    ("cannot get from HIL to ATL in time", "no puede llegar a tiempo de HIL a ATL"),
    ("conflict: overlaps PLEN", "conflicto: se superpone con PLEN"),
    (
        "skipped: lands Mon 07 Dec 09:00 and cannot be at ATL before Mon 07 Dec 10:36; "
        "the session needs them there by Mon 07 Dec 09:50",
        "omitida: aterriza lun 07 dic 09:00 y no puede estar en ATL antes de lun 07 dic 10:36; "
        "la sesión requiere que esté allí a más tardar lun 07 dic 09:50",
    ),
    (
        "skipped: ends Tue 08 Dec 16:30 but the delegate must be at PTY by Tue 08 Dec 15:30 "
        "for their flight at Tue 08 Dec 18:00",
        "omitida: termina mar 08 dic 16:30, pero el delegado debe estar en PTY a más tardar mar 08 dic 15:30 "
        "para su vuelo (sale mar 08 dic 18:00)",
    ),
    (
        "no vehicle with 12 seats in the fleet that day",
        "ningún vehículo de la flota tiene capacidad para 12 ese día",
    ),
    (
        "no armoured vehicle with 4 seats in the fleet that day",
        "ningún vehículo blindado de la flota tiene capacidad para 4 ese día",
    ),
    (
        "no accessible vehicle with 1 seats in the fleet that day",
        "ningún vehículo accesible de la flota tiene capacidad para 1 ese día",
    ),
    (
        "no armoured accessible vehicle with 2 seats in the fleet that day",
        "ningún vehículo blindado y accesible de la flota tiene capacidad para 2 ese día",
    ),
    ("no vehicle free in time", "ningún vehículo libre a tiempo"),
    ("no armoured vehicle free in time", "ningún vehículo blindado libre a tiempo"),
    ("no accessible vehicle free in time", "ningún vehículo accesible libre a tiempo"),
    ("no armoured accessible vehicle free in time", "ningún vehículo blindado y accesible libre a tiempo"),
    # services._without_rule_breaking_movements: the validator's words about the movement, in brackets
    (
        "could not be fitted within the rules (boards at HIL, not at PTY)",
        "no se pudo programar respetando las reglas (sube en HIL, no en PTY)",
    ),
    (
        "could not be fitted within the rules (alights at HIL, not at ATL)",
        "no se pudo programar respetando las reglas (baja en HIL, no en ATL)",
    ),
    (
        "could not be fitted within the rules (picked up 07 Dec 09:30-07 Dec 09:35, outside 07 Dec 10:00-07 Dec 10:20)",
        "no se pudo programar respetando las reglas "
        "(recogida 07 dic 09:30-07 dic 09:35, fuera de la franja 07 dic 10:00-07 dic 10:20)",
    ),
    (
        "could not be fitted within the rules (dropped off 07 Dec 11:00, outside 07 Dec 10:00-07 Dec 10:20)",
        "no se pudo programar respetando las reglas "
        "(llega al destino 07 dic 11:00, fuera de la franja 07 dic 10:00-07 dic 10:20)",
    ),
    (
        "could not be fitted within the rules (rides 41 min, more than the 30 min allowed)",
        "no se pudo programar respetando las reglas (viaja 41 min, más que los 30 min permitidos)",
    ),
    (
        "could not be fitted within the rules (5 passengers on board, the vehicle has 4 seats)",
        "no se pudo programar respetando las reglas (5 pasajeros a bordo; el vehículo tiene capacidad para 4)",
    ),
    (
        "could not be fitted within the rules (VIP PA-1 in a vehicle that is not armoured)",
        "no se pudo programar respetando las reglas (VIP PA-1 en un vehículo que no es blindado)",
    ),
    (
        "could not be fitted within the rules (PA-1 needs an accessible vehicle)",
        "no se pudo programar respetando las reglas (PA-1 necesita un vehículo accesible)",
    ),
    (
        "could not be fitted within the rules (PA-1 (VIP, PA) rides with another delegation (CR))",
        "no se pudo programar respetando las reglas (PA-1 (VIP, PA) viaja con otra delegación (CR))",
    ),
    (
        "could not be fitted within the rules (PA-1 (separate transport, PA) rides with another delegation (CR, US))",
        "no se pudo programar respetando las reglas (PA-1 (transporte separado, PA) viaja con otra delegación (CR, US))",
    ),
    (
        "could not be fitted within the rules "
        "(in two places at once, HIL->ATL until 07 Dec 10:00 and PTY->HIL from 07 Dec 09:50)",
        "no se pudo programar respetando las reglas "
        "(en dos lugares a la vez: HIL->ATL hasta 07 dic 10:00 y PTY->HIL desde 07 dic 09:50)",
    ),
]

TRIGGERS = [
    ("import", "importación"),
    ("recompute", "recálculo"),
    ("recompute_schedule command", "comando recompute_schedule"),
    ("inputs changed during a run", "los datos cambiaron durante un recálculo"),
    ("asked for by ana.lopez", "solicitado por ana.lopez"),
    ("request 5 approved", "solicitud 5 aprobada"),
    ("request 5 rejected", "solicitud 5 rechazada"),
    ("request 5 cancelled", "solicitud 5 cancelada"),
    ("request 5 fulfilled", "solicitud 5 atendida"),
    ("request 5 submitted", "solicitud 5 enviada"),
    ("vehicle ARM-01 out of service", "vehículo ARM-01 fuera de servicio"),
    ("vehicle ARM-01 back in service", "vehículo ARM-01 de nuevo en servicio"),
    ("conference CASC: Cumbre added", "se agregó la conferencia CASC: Cumbre"),
    ("venue HIL (Hilton) changed", "se modificó la sede HIL (Hilton)"),
    ("session PLEN: Opening plenary deleted", "se eliminó la sesión PLEN: Opening plenary"),
    ("delegation PA (Panama) changed", "se modificó la delegación PA (Panama)"),
    ("delegate Ana Lopez (PA-1) added", "se agregó el delegado Ana Lopez (PA-1)"),
    ("attendance PA-1 at PLEN deleted", "se eliminó la asistencia PA-1 at PLEN"),
    ("vehicle ARM-01 (Armoured SUV, 3 seats) changed", "se modificó el vehículo ARM-01 (Armoured SUV, 3 seats)"),
    (
        "resource request Vehicle for PA (Approved) changed",
        "se modificó la solicitud de recurso Vehicle for PA (Approved)",
    ),
]

ERRORS = [
    ("the inputs changed while the run was computing", "los datos cambiaron durante el cálculo"),
    ("a newer run already published its schedule", "un recálculo más reciente ya publicó su programación"),
    ("covered by run 12", "incluido en el recálculo 12"),
    (
        "the validator rejected the schedule: 2 violation(s)\n"
        "PA-1 (arrival PTY->HIL): rides 41 min, more than the 30 min allowed\n"
        "T-0001 (VAN-01): a trip needs at least two stops\n"
        "... and 3 more",
        "el validador rechazó la programación: 2 infracción(es)\n"
        "PA-1 (arrival PTY->HIL): viaja 41 min, más que los 30 min permitidos\n"
        "T-0001 (VAN-01): a trip needs at least two stops\n"
        "... y 3 más",
    ),
]

UNKNOWN = ["", "something new the scheduler says", "no vehicle free in time (maybe)", "RuntimeError: boom"]


@pytest.mark.parametrize(("english", "spanish"), REASONS)
def test_reasons(english, spanish):
    with translation.override("en"):
        assert reason_text(english) == english
    with translation.override("es"):
        assert reason_text(english) == spanish


@pytest.mark.parametrize(("english", "spanish"), TRIGGERS)
def test_triggers(english, spanish):
    with translation.override("en"):
        assert trigger_text(english) == english
    with translation.override("es"):
        assert trigger_text(english) == spanish


def test_a_trigger_of_several_parts_is_translated_part_by_part():
    joined = "; ".join(english for english, _ in TRIGGERS)
    with translation.override("en"):
        assert trigger_text(joined) == joined
    with translation.override("es"):
        assert trigger_text(joined) == "; ".join(spanish for _, spanish in TRIGGERS)
        # services._joined cuts a long trigger with "...": the cut part stays as it is
        assert trigger_text("import; request 5 approved; vehicle ARM-01 (Armoured S...") == (
            "importación; solicitud 5 aprobada; vehicle ARM-01 (Armoured S..."
        )


@pytest.mark.parametrize(("english", "spanish"), ERRORS)
def test_run_errors(english, spanish):
    with translation.override("en"):
        assert error_text(english) == english
    with translation.override("es"):
        assert error_text(english) == spanish


@pytest.mark.parametrize("text", UNKNOWN)
@pytest.mark.parametrize("translate", [reason_text, trigger_text, error_text])
def test_unknown_text_passes_through(translate, text):
    for language in ("en", "es"):
        with translation.override(language):
            assert translate(text) == text


def test_the_planners_own_reasons_are_recognised():
    """The words come from the scheduler itself, so that a change there shows here."""
    for armoured in (False, True):
        for accessible in (False, True):
            request = {"armoured": armoured, "accessible": accessible, "seats": 3}
            for reason in (_fleet_reason(request), _busy_reason(request)):
                with translation.override("en"):
                    assert reason_text(reason) == reason
                with translation.override("es"):
                    assert reason_text(reason).startswith("ningún vehículo"), reason


def test_the_attendance_details_of_the_rules_are_recognised():
    rules = MovementRules()
    hotel, venue, airport = (
        Place("HIL", (8.9773, -79.5208)),
        Place("ATL", (8.9858, -79.5118)),
        Place("PTY", (9.07, -79.38)),
    )
    nine = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    stay = Stay(hotel, nine, airport, nine + timedelta(hours=8), airport)
    visits = [
        Visit("EARLY", venue, nine + timedelta(minutes=30), nine + timedelta(hours=1)),
        Visit("LATE", venue, nine + timedelta(hours=6), nine + timedelta(hours=7)),
        Visit("A", venue, nine + timedelta(hours=3), nine + timedelta(hours=4)),
        Visit("B", venue, nine + timedelta(hours=3, minutes=30), nine + timedelta(hours=4)),
    ]
    problems = {problem.kind: problem.detail for problem in attendance_problems(rules, stay, visits)}
    assert set(problems) == {"before_arrival", "after_departure", "conflict"}
    starts = {"before_arrival": "aterriza lun 07 dic 09:00 y no puede", "after_departure": "termina lun 07 dic 16:00,"}
    starts["conflict"] = "se superpone con A"
    for kind, detail in problems.items():
        with translation.override("en"):
            assert attendance_detail_text(detail) == detail
        with translation.override("es"):
            assert attendance_detail_text(detail).startswith(starts[kind]), detail


def test_the_template_filters():
    page = Template(
        "{% load wording %}{{ reason|reason_text }}|{{ trigger|trigger_text }}|{{ error|error_text }}|{{ none|reason_text }}"
    )
    context = Context(
        {
            "reason": "no vehicle free in time",
            "trigger": "import; request 5 approved",
            "error": "covered by run 3",
            "none": "",
        }
    )
    with translation.override("en"):
        assert page.render(context) == "no vehicle free in time|import; request 5 approved|covered by run 3|"
    with translation.override("es"):
        assert page.render(context) == (
            "ningún vehículo libre a tiempo|importación; solicitud 5 aprobada|incluido en el recálculo 3|"
        )
