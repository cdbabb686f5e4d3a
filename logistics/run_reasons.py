"""What a schedule run records as codes with parameters (JSON on the run): the triggers that asked for it, and
the endings that explain a run that published nothing. The API and the command line give the English text; the
pages translate the templates (see conference.reasons)."""

from scheduling.reasons import english_params, gettext_noop

TRIGGERS: dict[str, str] = {
    "asked_by": gettext_noop("asked for by {user}"),
    "input_added": gettext_noop("{what} {object} added"),
    "input_changed": gettext_noop("{what} {object} changed"),
    "input_deleted": gettext_noop("{what} {object} deleted"),
    "vehicle_out_of_service": gettext_noop("vehicle {vehicle} out of service"),
    "vehicle_back_in_service": gettext_noop("vehicle {vehicle} back in service"),
    "request_approved": gettext_noop("request {request} approved"),
    "request_cancelled": gettext_noop("request {request} cancelled"),
    "flight_changed": gettext_noop("flight {number} of {date} expected at {expected_at}"),
    "pin_set": gettext_noop("{movement} pinned to vehicle {vehicle}"),
    "pin_removed": gettext_noop("pin of {movement} to vehicle {vehicle} removed"),
    "movements_cancelled": gettext_noop("{count} later movements of {delegate} cancelled"),
    "import": gettext_noop("import"),
    "inputs_changed_during_run": gettext_noop("inputs changed during a run"),
    "recompute_command": gettext_noop("recompute_schedule command"),
    "recompute": gettext_noop("recompute"),
    "benchmark": gettext_noop("benchmark"),
    "worker_lost": gettext_noop("run {run} lost its worker"),
}

# What changed, for the input_* triggers: the model's name (`what`)
THINGS: dict[str, str] = {
    "conference": gettext_noop("conference"),
    "venue": gettext_noop("venue"),
    "session": gettext_noop("session"),
    "delegation": gettext_noop("delegation"),
    "delegate": gettext_noop("delegate"),
    "attendance": gettext_noop("attendance"),
    "vehicle": gettext_noop("vehicle"),
    "driver": gettext_noop("driver"),
    "resourcerequest": gettext_noop("resource request"),
    "movementcancellation": gettext_noop("cancelled movement"),
}


ENDINGS: dict[str, str] = {
    "inputs_changed_while_computing": gettext_noop("the inputs changed while the run was computing"),
    "newer_run_published": gettext_noop("a newer run already published its schedule"),
    "covered_by_run": gettext_noop("covered by run {run}"),
    "validator_refused": gettext_noop("the validator rejected the schedule: {count} violation(s)"),
    "more_findings": gettext_noop("... and {count} more"),
    "worker_lost": gettext_noop("the worker stopped answering (killed or lost); the run was asked for again"),
    "counters_wrong": gettext_noop("the schedule was not published, its figures do not hold: {problems}"),
}


def ending(code: str, **params) -> dict:
    if code not in ENDINGS:
        raise ValueError(f"unknown run ending {code!r}")
    return {"code": code, "params": params}


def ending_english(given: dict) -> str:
    return ENDINGS[given["code"]].format(**english_params(given["params"]))


def trigger(code: str, **params) -> dict:
    """A trigger as stored on the run."""
    if code not in TRIGGERS:
        raise ValueError(f"unknown recompute trigger {code!r}")
    return {"code": code, "params": params}


def trigger_english(given: dict) -> str:
    params = given.get("params", {})
    if given.get("code") not in TRIGGERS:  # written by an older version
        return str(params.get("text", given.get("code", "")))
    shown = english_params({key: value for key, value in params.items() if key != "what"})
    if "what" in params:
        shown["what"] = THINGS.get(params["what"], params["what"])
    return TRIGGERS[given["code"]].format(**shown)


def triggers_english(triggers: list[dict]) -> str:
    return "; ".join(trigger_english(given) for given in triggers)
