"""A minimal valid scenario as CSV text, for tests to break one file at a time."""

VALID = {
    "conference.csv": "code,name,timezone,start_date,end_date\nTEST26,Test Conference,America/Panama,2026-12-07,2026-12-08\n",
    "venues.csv": (
        "code,name,kind,latitude,longitude,address\n"
        "PTY,Tocumen,airport,9.0714,-79.3835,Tocumen\n"
        "ATL,ATLAPA,venue,8.9858,-79.5118,\n"
        "PCC,Amador,venue,8.9245,-79.5386,\n"
        "HIL,Hilton,hotel,8.9773,-79.5208,Av. Balboa\n"
        "DEP,Motor pool,depot,8.9730,-79.5480,\n"
    ),
    "delegations.csv": "code,name,country,separate_transport\nPA,Panamá,PA,no\nUS,United States,US,yes\nOAS,Organization of American States,,no\n",
    "delegates.csv": (
        "external_id,given_name,family_name,delegation,role,vip,hotel,arrival_at,arrival_venue,arrival_flight,"
        "departure_at,departure_venue,departure_flight,email,phone,accessible_vehicle\n"
        "P1,María,Pérez,PA,Minister,yes,HIL,,,,,,,maria@pa.example.org,+507 6000-0001,no\n"
        "P2,John,Smith,US,Advisor,no,HIL,2026-12-06T10:00,PTY,AA 1,2026-12-09T12:00,PTY,AA 2,,,yes\n"
        "P3,Ana,Núñez,OAS,Analyst,no,HIL,2026-12-06T11:00,PTY,CM 3,2026-12-09T12:00,PTY,CM 4,,,no\n"
    ),
    "sessions.csv": (
        "code,title,kind,focus_area,venue,starts_at,ends_at\n"
        'D1-PLEN,"Plenary, day 1",plenary,,ATL,2026-12-07T09:00,2026-12-07T10:30\n'
        "D1-WS1,Workshop,workshop,Border Security,PCC,2026-12-07T11:15,2026-12-07T12:45\n"
    ),
    "attendance.csv": "delegate,session\nP1,D1-PLEN\nP2,D1-PLEN\nP2,D1-WS1\nP3,D1-PLEN\n",
    "vehicles.csv": (
        "callsign,kind,seats,armoured,accessible,depot,plate,available_from,available_until\n"
        "ARM-01,armoured_suv,3,yes,no,DEP,PA-1,2026-12-06T05:00,2026-12-09T23:30\n"
        "VAN-01,van,8,no,yes,DEP,PA-2,2026-12-06T05:00,2026-12-09T23:30\n"
    ),
}


def scenario(**changes: str) -> dict[str, bytes]:
    """The valid scenario with some files replaced (keyword = file name without .csv; None drops the file)."""
    files = dict(VALID)
    for stem, text in changes.items():
        name = f"{stem}.csv"
        if text is None:
            files.pop(name)
        else:
            files[name] = text
    return {name: text.encode("utf-8") for name, text in files.items()}


def replace_line(file_name: str, old: str, new: str) -> str:
    text = VALID[file_name]
    assert old in text, f"{old!r} not in {file_name}"
    return text.replace(old, new)


# drivers.csv: ARM-01's driver has a day shift, VAN-01's none, and one driver has no vehicle.
DRIVERS = (
    "code,name,phone,email,languages,vehicle,shift_from,shift_until\n"
    "DRV-1,Luis Barrios,+507 6000-1111,luis@motorpool.example.org,es en,ARM-01,2026-12-07T06:00,2026-12-07T18:00\n"
    "DRV-2,Ana Mendoza,+507 6000-2222,,es,VAN-01,,\n"
    "DRV-3,Pedro Solís,,,,,,\n"
)
