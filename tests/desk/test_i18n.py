"""The web pages in Spanish: chosen by the browser (Accept-Language), the language cookie or the language switch,
and a Spanish catalogue with every entry translated (and compiled)."""

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from logistics.run_reasons import ENDINGS, THINGS, TRIGGERS, trigger
from scheduling.reasons import RELEASED, TEMPLATES, VEHICLE_NEEDS, WINDOWS
from tests.factories import MovementFactory, UserFactory, unserved

PO = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def spanish(client, url: str, **headers) -> str:
    response = client.get(url, headers={"accept-language": "es", **headers})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="es">' in page
    return page


@pytest.fixture
def organizer(client, world):
    client.force_login(world.users["organizer"])
    return client


def test_dashboard_in_spanish(organizer):
    page = spanish(organizer, reverse("dashboard", args=["CASC"]))
    for words in ("Panel CASC", "Tablero de programación", "Flota", "Delegados", "Solicitudes"):  # title and menu
        assert words in page
    assert "Último recálculo" in page and "Completado" in page  # the run's status, a model choice
    assert "Solicitudes de recursos pendientes" in page and "Intérprete" in page
    assert "Vehículos por estado" in page and "Disponible" in page
    assert "Last recompute" not in page and "Schedule board" not in page


def test_delegate_pages_in_spanish(organizer, world):
    page = spanish(organizer, reverse("delegates", args=["CASC"]))
    assert "<h1>Delegados</h1>" in page
    assert "Día de llegada" in page and "Delegación" in page and "Filtrar" in page
    page = spanish(organizer, reverse("delegate", args=["CASC", world.own.delegate.external_id]))
    assert "Itinerario" in page and "Hacia una sesión" in page and "Programado" in page  # the movement's kind


def test_board_in_spanish(organizer):
    page = spanish(organizer, reverse("board", args=["CASC"]))
    assert "<h1>Tablero de programación</h1>" in page
    assert "Hoja de ruta" in page and "Recalcular la programación" in page
    assert "SUV blindada" in page and "Tipo de vehículo" in page
    assert 'data-succeeded="Completado"' in page  # the labels the recompute script shows


def test_requests_page_in_spanish(organizer):
    page = spanish(organizer, reverse("requests", args=["CASC"]))
    assert "<h1>Solicitudes de recursos</h1>" in page
    assert "Solicitar un recurso" in page and "Enviar la solicitud" in page
    assert "Intérprete" in page and "Enviada" in page  # kind and status of the requests, from the models


def test_fleet_page_in_spanish(organizer):
    page = spanish(organizer, reverse("fleet", args=["CASC"]))
    assert "<h1>Flota</h1>" in page
    assert "SUV blindada" in page and "Disponible" in page and "Sigo aquí" in page


def test_a_service_refusal_is_shown_in_spanish(organizer, world):
    day = world.conference.start_date.isoformat()
    data = {
        "delegation": world.own.delegation.pk,
        "kind": "interpreter",
        "window_start": f"{day}T10:00",
        "window_end": f"{day}T09:00",
    }
    response = organizer.post(reverse("requests", args=["CASC"]), data, headers={"accept-language": "es"})
    assert response.status_code == 400
    assert "La franja horaria debe terminar después de comenzar." in response.content.decode()
    response = organizer.post(reverse("requests", args=["CASC"]), data)
    assert "The window must end after it starts." in response.content.decode()


def test_the_language_cookie_chooses_spanish(organizer):
    organizer.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = organizer.get(reverse("requests", args=["CASC"])).content.decode()
    assert '<html lang="es">' in page and "Solicitudes de recursos" in page


def test_english_stays_the_default(organizer):
    page = organizer.get(reverse("board", args=["CASC"])).content.decode()
    assert '<html lang="en">' in page and "<h1>Schedule board</h1>" in page


def test_the_language_switch_sticks(organizer):
    dashboard = reverse("dashboard", args=["CASC"])
    response = organizer.post(reverse("set_language"), {"language": "es", "next": dashboard})
    assert response.status_code == 302 and response["Location"] == dashboard
    page = organizer.get(dashboard).content.decode()  # no Accept-Language: the choice is remembered
    assert '<html lang="es">' in page and "Último recálculo" in page
    page = organizer.get(reverse("fleet", args=["CASC"])).content.decode()
    assert '<html lang="es">' in page and "<h1>Flota</h1>" in page
    organizer.post(reverse("set_language"), {"language": "en", "next": dashboard})
    assert '<html lang="en">' in organizer.get(dashboard).content.decode()


def test_import_errors_are_shown_in_spanish(client, db):
    client.force_login(UserFactory(permissions=["delegates.import_scenario"]))
    files = {
        "venues.csv": "code,name,kind,latitude,longitude\nHIL,Hotel Panam\xe1,hotel,8.97,-79.52\n".encode("latin-1"),
        "delegations.csv": b"code,country\nPA,PA\n",  # the required column name is missing
    }

    def upload(**headers) -> str:
        data = {name: SimpleUploadedFile(name, content, content_type="text/csv") for name, content in files.items()}
        response = client.post(reverse("import"), data, headers=headers)
        assert response.status_code == 400
        return response.content.decode()

    page = upload(**{"accept-language": "es"})
    assert "No se importó nada: 3 problemas por corregir" in page
    assert '<td>conference.csv</td><td class="num"></td><td></td><td>falta; inclúyalo o elija la conferencia' in page
    assert "el archivo no es texto UTF-8 (byte 0xE1 en la línea 2); guárdelo como &#x27;CSV UTF-8&#x27;" in page
    assert "falta la columna obligatoria name en el encabezado" in page
    assert "is not UTF-8" not in page and "is missing from the header" not in page
    page = upload()  # English stays as it was
    assert "the file is not UTF-8 text (byte 0xE1 on line 2); save it as &#x27;CSV UTF-8&#x27;" in page
    assert "the required column name is missing from the header" in page
    assert "is missing; include it, or choose the conference to import into" in page


def test_scheduler_reasons_and_triggers_are_shown_in_spanish(organizer, world):
    MovementFactory(version=world.version, delegate=world.own.delegate, **unserved(needs=["armoured"]))
    world.run.triggers = [
        trigger("import"),
        trigger("vehicle_out_of_service", vehicle="ARM-01"),
        trigger("asked_by", user="ana"),
    ]
    world.run.save()
    page = spanish(organizer, reverse("dashboard", args=["CASC"]))
    assert "ningún vehículo blindado libre a tiempo" in page and "no armoured vehicle free in time" not in page
    assert "Motivo: importación; vehículo ARM-01 fuera de servicio; solicitado por ana" in page
    page = spanish(organizer, reverse("delegate", args=["CASC", world.own.delegate.external_id]))
    assert "Sin atender: ningún vehículo blindado libre a tiempo" in page
    page = spanish(organizer, reverse("board", args=["CASC"]))
    assert "<td>importación; vehículo ARM-01 fuera de servicio; solicitado por ana</td>" in page
    page = organizer.get(reverse("dashboard", args=["CASC"])).content.decode()  # English stays as it was
    assert "no armoured vehicle free in time" in page
    assert "Cause: import; vehicle ARM-01 out of service; asked for by ana" in page


# The catalogue


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file (header included) as {"flags", "msgid", "msgid_plural", "msgstr": [...]}."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry = {"flags": set(), "msgid": None, "msgid_plural": None, "msgstr": {}}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#~"):  # an obsolete entry
                entry["obsolete"] = True
            elif line.startswith("#"):
                continue
            elif match := re.match(r'^(msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (".*")$', line):
                name, index, text = match.groups()
                key = ("msgstr", int(index or 0)) if name.startswith("msgstr") else (name, None)
                value = ast.literal_eval(text)
                if key[0] == "msgstr":
                    entry["msgstr"][key[1]] = value
                else:
                    entry[name] = value
            elif line.startswith('"') and key is not None:
                if key[0] == "msgstr":
                    entry["msgstr"][key[1]] += ast.literal_eval(line)
                else:
                    entry[key[0]] += ast.literal_eval(line)
        if entry["msgid"] is not None and not entry.get("obsolete"):
            entries.append(entry)
    return entries


def test_the_spanish_catalogue_is_complete():
    entries = po_entries(PO)
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert "nplurals=3" in header["msgstr"][0]
    assert len(messages) > 200
    assert [entry["msgid"] for entry in messages if "fuzzy" in entry["flags"]] == []
    untranslated = [entry["msgid"] for entry in messages if not all(entry["msgstr"].values())]
    assert untranslated == []
    assert [entry["msgid"] for entry in messages if entry["msgid_plural"] and len(entry["msgstr"]) != 3] == []
    placeholders = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdif]|\{\w+\}")
    for entry in messages:
        wanted = sorted(placeholders.findall(entry["msgid_plural"] or entry["msgid"]))
        for text in entry["msgstr"].values():
            assert sorted(placeholders.findall(text)) == wanted, entry["msgid"]


def test_every_reason_trigger_and_ending_template_is_translated():
    """The templates live beside their codes, outside Django; makemessages must have found every one."""
    translated = {entry["msgid"] for entry in po_entries(PO)[1:] if all(entry["msgstr"].values())}
    tables = [TEMPLATES, VEHICLE_NEEDS, WINDOWS, RELEASED, TRIGGERS, ENDINGS, THINGS]
    missing = [text for table in tables for text in table.values() if text not in translated]
    assert missing == []


def test_the_compiled_catalogue_matches_the_po():
    catalogue = gettext.GNUTranslations(MO.open("rb"))
    for entry in po_entries(PO)[1:]:
        if entry["msgid_plural"]:
            assert catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr"][0]
            assert catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 2) == entry["msgstr"][2]
        else:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"][0], "run compilemessages -l es"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_msgfmt_finds_no_untranslated_or_fuzzy_entry():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages\.", result.stderr.strip()), result.stderr
