"""How a model's rows reach the conference, delegation and vehicle that decide who may see them.

Every model declares its `scope_paths` here, once; `conference.access.Access.scope` reads them for every
page and endpoint, and refuses a model that declares none, so a new model cannot be exposed by accident.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ScopePaths:
    """Lookups from the model to its conference's id and, for the roles bound to one, to the delegation's or the
    vehicle's id (a row is in scope when any of the lookups matches). Without a delegation (vehicle) lookup a
    liaison (driver) sees none of the rows; reference rows (places, sessions) are seen by every role of the
    conference."""

    conference: str
    delegation: tuple[str, ...] = ()
    vehicle: tuple[str, ...] = ()
    reference: bool = False


# Rows no page or endpoint lists: a scope of them is always empty.
NOT_EXPOSED = None
