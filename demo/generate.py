"""Generate the Convoy demo scenario: a two-day security dialogue in Panama City.

Writes the eight CSV files of the data contract (docs: data-formats.md) into
``demo/scenario/``: conference, venues, delegations, delegates, sessions,
attendance, vehicles and drivers. Stdlib only and seeded, so every run writes the
same bytes. The CSVs are committed output; rerun this script after changing it:

    python demo/generate.py
"""

import csv
import itertools
import random
import unicodedata
from collections import defaultdict
from datetime import datetime
from pathlib import Path

OUT = Path(__file__).parent / "scenario"
SEED = 2026

DAY1, DAY2 = "2026-12-14", "2026-12-15"
ARRIVAL_DAY, DEPARTURE_DAY = "2026-12-13", "2026-12-16"

CONFERENCE = {
    "code": "DEMO26",
    "name": "Convoy Demo: Regional Security Dialogue, Panama City",
    "timezone": "America/Panama",
    "start_date": DAY1,
    "end_date": DAY2,
    "freeze_minutes": 60,  # live operations: legs starting within the hour are kept as published
}

# code, name, kind, latitude, longitude, address (approximate positions)
VENUES = [
    ("PTY", "Tocumen International Airport", "airport", 9.071400, -79.383500,
     "Av. Domingo Díaz, Tocumen"),
    ("HOW", "Panamá Pacífico Airfield (former Howard)", "airfield", 8.914800, -79.599600,
     "Panamá Pacífico, Veracruz, Arraiján"),
    ("ATL", "ATLAPA Convention Centre", "venue", 8.983900, -79.511600,
     "Vía Israel, San Francisco"),
    ("AMA", "Amador Convention Centre", "venue", 8.928400, -79.541800,
     "Calzada de Amador"),
    ("MIN", "Ministry of Foreign Affairs, Palacio Bolívar", "government", 8.952000, -79.534000,
     "Calle 3a, Casco Antiguo"),
    ("EMB", "Embassy of the United States", "embassy", 8.998600, -79.580500,
     "Av. Demetrio Basilio Lakas, Clayton"),
    ("SNB", "Aeronaval Training Station, Isla Flamenco", "base", 8.911500, -79.519500,
     "Isla Flamenco, Calzada de Amador"),
    ("HEP", "Hotel El Panamá", "hotel", 8.988900, -79.526000,
     "Vía España 111, El Cangrejo"),
    ("BRI", "Bristol Panama", "hotel", 8.981100, -79.520700,
     "Calle Aquilino de la Guardia, Obarrio"),
    ("SOR", "Sortis Hotel", "hotel", 8.985100, -79.518700,
     "Calle 56 Este, Obarrio"),
    ("LMP", "Le Méridien Panama", "hotel", 8.972900, -79.527100,
     "Av. Balboa y Calle 39, Bella Vista"),
    ("DEP", "Convoy Motor Pool, Albrook", "depot", 8.974500, -79.553000,
     "Av. Omar Torrijos, Albrook"),
]  # fmt: skip

# code, name, country, separate_transport, size, hotels, names pool
DELEGATIONS = [
    ("PA", "Panama", "PA", False, 7, ["HEP"], "es"),
    ("CR", "Costa Rica", "CR", False, 6, ["BRI"], "es"),
    ("GT", "Guatemala", "GT", False, 5, ["SOR", "BRI"], "es"),
    ("HN", "Honduras", "HN", False, 6, ["SOR"], "es"),
    ("SV", "El Salvador", "SV", False, 5, ["LMP", "SOR"], "es"),
    ("CO", "Colombia", "CO", True, 6, ["LMP"], "es"),
    ("US", "United States", "US", True, 7, ["HEP", "BRI"], "en"),
    ("OAS", "Organization of American States", "", False, 6, ["LMP"], "mix"),
]

# Flights in: (venue, flight, time on the 13th); flights out: (venue, flight, time on the 16th).
# A delegate leaves from the place they landed at (government aircraft use the airfield).
FLIGHTS_IN = {
    "CR": [("PTY", "CM 411", "07:10"), ("PTY", "CM 417", "15:55")],
    "GT": [("PTY", "CM 391", "10:25"), ("PTY", "CM 397", "18:05")],
    "HN": [("PTY", "CM 281", "12:40"), ("PTY", "CM 287", "21:40")],
    "SV": [("PTY", "AV 612", "09:35"), ("PTY", "CM 473", "19:20")],
    "CO": [("HOW", "FAC 1201", "11:00"), ("PTY", "AV 204", "16:45")],
    "US": [("HOW", "SAM 294", "13:30"), ("PTY", "UA 1027", "20:15")],
    "OAS": [("PTY", "CM 805", "08:50"), ("PTY", "AA 1243", "17:30")],
}
FLIGHTS_OUT = {
    "CR": [("PTY", "CM 412", "08:40"), ("PTY", "CM 418", "17:05")],
    "GT": [("PTY", "CM 392", "11:50"), ("PTY", "CM 398", "19:30")],
    "HN": [("PTY", "CM 282", "06:55"), ("PTY", "CM 288", "14:10")],
    "SV": [("PTY", "AV 613", "10:40"), ("PTY", "CM 474", "16:20")],
    "CO": [("HOW", "FAC 1202", "12:00"), ("PTY", "AV 205", "18:45")],
    "US": [("HOW", "SAM 295", "09:15"), ("PTY", "UA 1028", "13:45")],
    "OAS": [("PTY", "CM 806", "07:30"), ("PTY", "AA 1244", "15:20")],
}

GIVEN_ES = [
    "José", "María", "Ana", "Luis", "Carlos", "Lucía", "Jorge", "Sofía", "Andrés", "Valeria",
    "Ricardo", "Gabriela", "Fernando", "Isabel", "Raúl", "Carmen", "Héctor", "Paola", "Diego",
    "Mónica", "Ernesto", "Daniela", "Rodrigo", "Beatriz", "Óscar",
]  # fmt: skip
FAMILY_ES = [
    "Ramírez", "González", "Núñez", "Castillo", "Herrera", "Morales", "Vargas", "Pérez", "Rojas",
    "Mendoza", "Jiménez", "Quintero", "Araúz", "Solís", "Batista", "Cordero", "Fuentes", "Ibáñez",
    "Montenegro", "Villalobos", "Ortega", "Saavedra", "Espinosa", "Barrios", "Chávez",
]  # fmt: skip
GIVEN_EN = [
    "James", "Emily", "Michael", "Sarah", "David", "Laura", "Robert", "Karen", "Thomas", "Rachel",
    "Brian", "Megan", "Kevin", "Olivia", "Patrick", "Hannah",
]  # fmt: skip
FAMILY_EN = [
    "Miller", "Johnson", "Walker", "Bennett", "Harris", "Carter", "Foster", "Reynolds", "Hughes",
    "Coleman", "Sullivan", "Parker", "Brooks", "Ward", "Griffin", "Palmer",
]  # fmt: skip

# The head of the US delegation rides only in ARM-08 for the whole stay (a dedicated vehicle); the seven other
# heads share ARM-01..07, which is one armoured SUV each.
DEDICATED_VEHICLE = {"US": "ARM-08"}

HEAD_ROLE = {"OAS": "Secretary for Multidimensional Security", "US": "Assistant Secretary"}
SECOND_ROLE = {"OAS": "Director", "US": "Deputy Assistant Secretary"}
OTHER_ROLES = [
    "Advisor", "Security Officer", "Interpreter", "Liaison Officer", "Legal Advisor",
    "Protocol Officer", "Police Commissioner", "Press Officer",
]  # fmt: skip

FOCUS = {
    "PLEN": "regional cooperation",
    "WS1": "maritime security",
    "WS2": "border management",
    "WS3": "cybercrime",
    "BRK1": "organised crime",
    "BRK2": "disaster response",
    "BRK3": "information sharing",
}


def at(day: str, clock: str) -> str:
    return f"{day}T{clock}"


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def build_sessions() -> list[dict]:
    sessions = []

    def add(code, title, kind, focus, venue, day, start, end):
        sessions.append(
            {
                "code": code,
                "title": title,
                "kind": kind,
                "focus_area": focus,
                "venue": venue,
                "starts_at": at(day, start),
                "ends_at": at(day, end),
            }
        )

    for n, day in ((1, DAY1), (2, DAY2)):
        d = f"D{n}"
        plenary = "Opening plenary" if n == 1 else "Closing plenary"
        add(f"{d}-PLEN", plenary, "plenary", FOCUS["PLEN"], "ATL", day, "09:00", "10:30")
        for ws, venue in zip(("WS1", "WS2", "WS3"), ("ATL", "AMA", "MIN"), strict=True):
            title = f"Workshop: {FOCUS[ws]}"
            add(f"{d}-{ws}", title, "workshop", FOCUS[ws], venue, day, "11:15", "12:45")
        breakouts = ("BRK1", "BRK2") if n == 1 else ("BRK1", "BRK2", "BRK3")
        for brk, venue in zip(breakouts, ("ATL", "AMA", "MIN")[: len(breakouts)], strict=True):
            title = f"Breakout: {FOCUS[brk]}"
            add(f"{d}-{brk}", title, "breakout", FOCUS[brk], venue, day, "14:30", "16:00")
        if n == 1:
            add(
                "D1-TRAIN",
                "Joint training day: maritime interdiction",
                "training",
                FOCUS["WS1"],
                "SNB",
                day,
                "08:00",
                "17:00",
            )
            add(
                "D1-BIL",
                "Bilateral meetings with the host (first round)",
                "bilateral",
                FOCUS["PLEN"],
                "MIN",
                day,
                "16:45",
                "17:45",
            )
            add("D1-RECEP", "Welcome reception", "social", "", "EMB", day, "19:00", "21:00")
        else:
            add(
                "D2-BIL",
                "Bilateral meetings with the host (second round)",
                "bilateral",
                FOCUS["PLEN"],
                "MIN",
                day,
                "16:30",
                "17:30",
            )
    return sessions


def build_delegates(rng: random.Random) -> list[dict]:
    delegates = []
    used_emails = set()
    number = 0
    for code, _name, _country, _separate, size, hotels, pool in DELEGATIONS:
        if pool == "es":
            givens, families = rng.sample(GIVEN_ES, size), rng.sample(FAMILY_ES, size)
        elif pool == "en":
            givens, families = rng.sample(GIVEN_EN, size), rng.sample(FAMILY_EN, size)
        else:
            givens = rng.sample(GIVEN_ES + GIVEN_EN, size)
            families = rng.sample(FAMILY_ES + FAMILY_EN, size)
        main_in, other_in = FLIGHTS_IN.get(code, [None, None])
        for index in range(size):
            number += 1
            given, family = givens[index], families[index]
            if index == 0:
                role = HEAD_ROLE.get(code, "Minister")
            elif index == 1:
                role = SECOND_ROLE.get(code, "Vice Minister")
            else:
                role = rng.choice(OTHER_ROLES)
            hotel = hotels[0] if index == 0 else rng.choice(hotels)
            email = f"{ascii_slug(given)}.{ascii_slug(family)}@{code.lower()}.example.org"
            assert email not in used_emails, email
            used_emails.add(email)
            phone = f"+507 6{rng.randrange(1000):03d}-{rng.randrange(10000):04d}"
            row = {
                "external_id": f"DEMO-{number:03d}",
                "given_name": given,
                "family_name": family,
                "delegation": code,
                "role": role,
                "vip": "yes" if index == 0 else "no",
                "hotel": hotel,
                "arrival_at": "",
                "arrival_venue": "",
                "arrival_flight": "",
                "departure_at": "",
                "departure_venue": "",
                "departure_flight": "",
                "email": email,
                "phone": phone,
                "accessible_vehicle": "no",
                "dedicated_vehicle": DEDICATED_VEHICLE.get(code, "") if index == 0 else "",
                # the heads' language for messages (OAS's mixed team: not given)
                "language": {"es": "es", "en": "en"}.get(pool, "") if index == 0 else "",
            }
            if main_in is not None:
                # The head and most of the team share the main flights; some travel separately.
                late = index > 0 and rng.random() < 0.3
                venue, flight_in, clock_in = other_in if late else main_in
                main_out, *other_out = [f for f in FLIGHTS_OUT[code] if f[0] == venue]
                _, flight_out, clock_out = other_out[0] if other_out and rng.random() < 0.3 else main_out
                row.update(
                    arrival_at=at(ARRIVAL_DAY, clock_in),
                    arrival_venue=venue,
                    arrival_flight=flight_in,
                    departure_at=at(DEPARTURE_DAY, clock_out),
                    departure_venue=venue,
                    departure_flight=flight_out,
                )
            delegates.append(row)
    # Two delegates (never a head: VIPs ride armoured SUVs) need a wheelchair-accessible vehicle.
    for row in rng.sample([d for d in delegates if d["vip"] == "no"], 2):
        row["accessible_vehicle"] = "yes"
    return delegates


def build_attendance(rng: random.Random, delegates: list[dict]) -> list[tuple[str, str]]:
    attendance = []
    staff = [d for d in delegates if d["vip"] == "no"]
    # A few security staff spend day 1 at the training instead of the day's programme.
    security = [d for d in staff if d["role"] in ("Security Officer", "Police Commissioner")]
    trainees = {d["external_id"] for d in rng.sample(security, 5)}
    heads = [d for d in delegates if d["vip"] == "yes"]
    host_head = heads[0]["external_id"]
    bilateral = {host_head: ["D1-BIL", "D2-BIL"]}
    for index, head in enumerate(heads[1:]):
        bilateral[head["external_id"]] = ["D1-BIL" if index % 2 == 0 else "D2-BIL"]
    skip_reception = {d["external_id"] for d in rng.sample(staff, 6)}
    for n, day_breakouts in ((1, 2), (2, 3)):
        d = f"D{n}"
        workshops = [f"{d}-WS{i}" for i in (1, 2, 3)]
        breakouts = [f"{d}-BRK{i}" for i in range(1, day_breakouts + 1)]
        rng.shuffle(workshops)
        rng.shuffle(breakouts)
        for index, delegate in enumerate(delegates):
            ident = delegate["external_id"]
            if n == 1 and ident in trainees:
                attendance.append((ident, "D1-TRAIN"))
            else:
                attendance.append((ident, f"{d}-PLEN"))
                attendance.append((ident, workshops[index % len(workshops)]))
                attendance.append((ident, breakouts[index % len(breakouts)]))
            if f"{d}-BIL" in bilateral.get(ident, []):
                attendance.append((ident, f"{d}-BIL"))
            if n == 1 and ident not in trainees and ident not in skip_reception:
                attendance.append((ident, "D1-RECEP"))
    return sorted(attendance)


def check_no_overlaps(sessions: list[dict], attendance: list[tuple[str, str]]) -> None:
    spans = {
        s["code"]: (datetime.fromisoformat(s["starts_at"]), datetime.fromisoformat(s["ends_at"])) for s in sessions
    }
    booked = defaultdict(list)
    for delegate, session in attendance:
        booked[delegate].append(spans[session] + (session,))
    for delegate, items in booked.items():
        items.sort()
        for (_, end, first), (start, _, second) in itertools.pairwise(items):
            if start < end:
                raise SystemExit(f"{delegate}: {second} overlaps {first}")


def build_vehicles(rng: random.Random) -> list[dict]:
    fleet = [
        ("ARM", "armoured_suv", 3, True, [False] * 8),  # one per head of delegation
        ("SUV", "suv", 4, False, [False] * 2),
        ("SED", "sedan", 3, False, [False]),
        ("VAN", "van", 8, False, [True, True, False]),
        ("MIN", "minibus", 19, False, [False]),
        ("BUS", "bus", 40, False, [True]),
    ]
    vehicles = []
    plates = set()
    for prefix, kind, seats, armoured, accessible_flags in fleet:
        for number, accessible in enumerate(accessible_flags, start=1):
            plate = f"PA-{rng.randrange(100000, 1000000)}"
            while plate in plates:
                plate = f"PA-{rng.randrange(100000, 1000000)}"
            plates.add(plate)
            vehicles.append(
                {
                    "callsign": f"{prefix}-{number:02d}",
                    "kind": kind,
                    "seats": seats,
                    "armoured": "yes" if armoured else "no",
                    "accessible": "yes" if accessible else "no",
                    "depot": "DEP",
                    "plate": plate,
                    "available_from": at(ARRIVAL_DAY, "05:00"),
                    "available_until": at(DEPARTURE_DAY, "23:30"),
                }
            )
    return vehicles


def build_drivers(vehicles: list[dict]) -> list[dict]:
    """One driver per vehicle, from the motor pool's local staff; those of the armoured cars and the bus also speak
    English. No shift: each vehicle serves its whole availability. A random generator of their own, so that the
    other files stay as they were before drivers.csv."""
    rng = random.Random(f"{SEED}-drivers")
    givens, families = rng.sample(GIVEN_ES, len(vehicles)), rng.sample(FAMILY_ES, len(vehicles))
    drivers = []
    for number, (vehicle, given, family) in enumerate(zip(vehicles, givens, families, strict=True), start=1):
        code = f"DRV-{number:02d}"
        bilingual = vehicle["armoured"] == "yes" or vehicle["kind"] == "bus"
        drivers.append(
            {
                "code": code,
                "name": f"{given} {family}",
                "phone": f"+507 6{rng.randrange(1000):03d}-{rng.randrange(10000):04d}",
                "email": f"{code.lower()}@motorpool.example.org",
                "languages": "es en" if bilingual else "es",
                "vehicle": vehicle["callsign"],
                "shift_from": "",
                "shift_until": "",
            }
        )
    return drivers


def write(name: str, header: list[str], rows: list) -> int:
    with open(OUT / name, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([row[column] for column in header] if isinstance(row, dict) else row)
    return len(rows)


def main() -> None:
    rng = random.Random(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    sessions = build_sessions()
    delegates = build_delegates(rng)
    attendance = build_attendance(rng, delegates)
    check_no_overlaps(sessions, attendance)
    vehicles = build_vehicles(rng)
    drivers = build_drivers(vehicles)

    counts = {
        "conference.csv": write("conference.csv", list(CONFERENCE), [CONFERENCE]),
        "venues.csv": write(
            "venues.csv",
            ["code", "name", "kind", "latitude", "longitude", "address"],
            [(c, n, k, f"{lat:.6f}", f"{lon:.6f}", a) for c, n, k, lat, lon, a in VENUES],
        ),
        "delegations.csv": write(
            "delegations.csv",
            ["code", "name", "country", "separate_transport"],
            [(c, n, cc, "yes" if sep else "no") for c, n, cc, sep, *_ in DELEGATIONS],
        ),
        "delegates.csv": write("delegates.csv", list(delegates[0]), delegates),
        "sessions.csv": write("sessions.csv", list(sessions[0]), sessions),
        "attendance.csv": write("attendance.csv", ["delegate", "session"], attendance),
        "vehicles.csv": write("vehicles.csv", list(vehicles[0]), vehicles),
        "drivers.csv": write("drivers.csv", list(drivers[0]), drivers),
    }
    for name, count in counts.items():
        print(f"{name}: {count} row(s)")


if __name__ == "__main__":
    main()
