import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conference.models import Conference
from delegates.models import Delegate
from logistics.models import Driver
from tests.factories import UserFactory
from tests.logistics.import_files import DRIVERS, VALID, replace_line

pytestmark = pytest.mark.django_db


def uploads(files: dict[str, str]) -> dict:
    return {name: SimpleUploadedFile(name, text.encode(), content_type="text/csv") for name, text in files.items()}


def test_import_page_needs_the_import_permission(client):
    url = reverse("import")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 302  # logged in, but not allowed
    assert Delegate.objects.count() == 0


def test_organizer_uploads_the_files_and_sees_the_counts(client, organizer):
    client.force_login(organizer)
    response = client.post(reverse("import"), uploads(VALID))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Imported into TEST26" in page
    assert '<td>delegates.csv</td><td class="num">3</td>' in page
    assert Delegate.objects.count() == 3

    response = client.post(reverse("import"), uploads({"delegates.csv": VALID["delegates.csv"]}))
    assert "Imported into TEST26" not in response.content.decode()  # no conference.csv and none chosen
    assert "conference.csv" in response.content.decode() and response.status_code == 400


def test_upload_into_a_chosen_conference(client, organizer):
    client.force_login(organizer)
    client.post(reverse("import"), uploads(VALID))
    conference = Conference.objects.get(code="TEST26")
    delegates = replace_line("delegates.csv", "Minister", "Foreign Minister")
    response = client.post(reverse("import"), {"conference": conference.pk, **uploads({"delegates.csv": delegates})})
    assert response.status_code == 200
    assert Delegate.objects.get(external_id="P1").role == "Foreign Minister"


def test_errors_are_listed_with_file_row_and_column_and_nothing_is_saved(client, organizer):
    client.force_login(organizer)
    files = dict(VALID)
    files["venues.csv"] = replace_line("venues.csv", "8.9858", "200")
    response = client.post(reverse("import"), uploads(files))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported: 1 problem to fix" in page
    assert '<td>venues.csv</td><td class="num">3</td><td>latitude</td><td>200 is outside -90..90</td>' in page
    assert Delegate.objects.count() == 0


def test_submitting_no_file_says_so(client, organizer):
    client.force_login(organizer)
    response = client.post(reverse("import"), {})
    assert "Choose at least one CSV file to import." in response.content.decode()


def test_an_oversized_file_is_refused_next_to_its_field(client, organizer, settings):
    settings.IMPORT_MAX_FILE_MB = 1
    client.force_login(organizer)
    files = dict(VALID)
    files["delegates.csv"] += "P9,Big,File,PA,,no,HIL,,,,,,,,,no\n" * 40_000
    response = client.post(reverse("import"), uploads(files))
    assert response.status_code == 200  # the page again, not a 400 or 500
    page = response.content.decode()
    assert "delegates.csv is 1.3 MB; files up to 1 MB are accepted." in page
    assert page.index('id="id_delegates.csv"') < page.index("delegates.csv is 1.3 MB") < page.index("vehicles.csv")
    assert Delegate.objects.count() == 0


# --- bounded uploads ---


def big_upload_request(rf, settings, *, size: int, memory_limit: int):
    """A POST of delegates.csv of `size` bytes, parsed with the import page's handler in front of Django's."""
    from desk.views.imports import SizeCappedUploadHandler

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = memory_limit
    body = SimpleUploadedFile("delegates.csv", b"x" * size, content_type="text/csv")
    request = rf.post(reverse("import"), {"delegates.csv": body})
    request.upload_handlers.insert(0, SizeCappedUploadHandler(request, limit=2**20))
    return request


@pytest.mark.parametrize("memory_limit", [2**30, 2**10], ids=["kept in memory", "spooled to disk"])
def test_the_upload_handler_keeps_nothing_past_the_limit_and_knows_the_size(rf, settings, memory_limit):
    request = big_upload_request(rf, settings, size=3 * 2**20 + 5, memory_limit=memory_limit)
    upload = request.FILES["delegates.csv"]
    assert upload.size == 3 * 2**20 + 5
    assert upload.read() == b""  # counted, not kept
    for handler in request.upload_handlers[1:]:
        assert getattr(handler, "file", None) is None or handler.file.closed


@pytest.mark.parametrize("memory_limit", [2**30, 2**10], ids=["kept in memory", "spooled to disk"])
def test_the_upload_handler_passes_files_within_the_limit_on_whole(rf, settings, memory_limit):
    request = big_upload_request(rf, settings, size=2**20, memory_limit=memory_limit)
    upload = request.FILES["delegates.csv"]
    assert upload.size == 2**20 and len(upload.read()) == 2**20


def test_a_bad_file_lists_the_first_200_problems_and_counts_the_rest(client, organizer):
    client.force_login(organizer)
    files = dict(VALID)
    files["attendance.csv"] = "delegate,session\n" + "!,D1-PLEN\n" * 1000
    response = client.post(reverse("import"), uploads(files))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported: 1000 problems to fix" in page
    assert page.count("<td>attendance.csv</td>") == 200
    assert "… and 800 more problems, not listed: fix these and import again to see them." in page


def test_a_file_with_too_many_rows_is_refused_on_the_page(client, organizer, settings):
    settings.IMPORT_MAX_ROWS = 4
    client.force_login(organizer)
    page = client.post(reverse("import"), uploads(VALID)).content.decode()
    assert "the file has more than 4 rows below the header; at most 4 can be imported at once" in page


# --- delegates not in delegates.csv ---


@pytest.fixture
def organizer_role(db):
    """An organizer by role who may import (the page needs the permission; removing delegates, the role)."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserRoleFactory

    user = UserRoleFactory(role="organizer").user
    user.user_permissions.add(Permission.objects.get(codename="import_scenario"))
    return user


def without_p3() -> dict:
    from tests.logistics.test_import_prune import ATTENDANCE_WITHOUT_P3, WITHOUT_P3

    return {"delegates.csv": WITHOUT_P3, "attendance.csv": ATTENDANCE_WITHOUT_P3}


def test_delegates_not_in_the_file_are_listed_and_kept(client, organizer_role):
    client.force_login(organizer_role)
    client.post(reverse("import"), uploads(VALID))
    conference = Conference.objects.get(code="TEST26")
    page = client.post(reverse("import"), {"conference": conference.pk, **uploads(without_p3())}).content.decode()
    assert "1 delegate of the conference is not in delegates.csv and was kept:" in page
    assert "P3." in page
    assert "To remove them, import delegates.csv again with" in page
    assert Delegate.objects.filter(external_id="P3").exists()


def test_an_organizer_may_remove_them_with_the_checkbox(client, organizer_role):
    client.force_login(organizer_role)
    assert 'name="prune"' in client.get(reverse("import")).content.decode()
    client.post(reverse("import"), uploads(VALID))
    conference = Conference.objects.get(code="TEST26")
    response = client.post(reverse("import"), {"conference": conference.pk, "prune": "on", **uploads(without_p3())})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 delegate not in delegates.csv was removed, with their attendance and movements:" in page
    assert (
        '<td>delegates.csv</td><td class="num">0</td><td class="num">0</td><td class="num">2</td><td class="num">1</td>'
        in page
    )
    checkbox = re.search(r'<input[^>]*name="prune"[^>]*>', page).group()
    assert "checked" not in checkbox  # not ticked again for the next import
    ticked = client.post(reverse("import"), {"conference": conference.pk, "prune": "on"}).content.decode()
    assert "checked" in re.search(r'<input[^>]*name="prune"[^>]*>', ticked).group()  # the check works
    assert not Delegate.objects.filter(external_id="P3").exists()


def test_only_organizers_see_and_use_the_checkbox(client, organizer):
    """`organizer` holds the import permission but no organizer role: it imports, and removes nothing."""
    client.force_login(organizer)
    assert 'name="prune"' not in client.get(reverse("import")).content.decode()
    client.post(reverse("import"), uploads(VALID))
    conference = Conference.objects.get(code="TEST26")
    page = client.post(
        reverse("import"), {"conference": conference.pk, "prune": "on", **uploads(without_p3())}
    ).content.decode()
    assert "1 delegate of the conference is not in delegates.csv and was kept:" in page
    assert "To remove them" not in page
    assert Delegate.objects.filter(external_id="P3").exists()


def test_the_upload_is_still_checked_for_its_csrf_token(organizer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(organizer)
    assert client.post(reverse("import"), uploads(VALID)).status_code == 403
    assert Delegate.objects.count() == 0


def test_the_page_takes_drivers_csv_after_vehicles_csv(client, organizer):
    client.force_login(organizer)
    page = client.get(reverse("import")).content.decode()
    assert page.index('id="id_vehicles.csv"') < page.index('id="id_drivers.csv"') < page.index('id="id_attendance.csv"')
    response = client.post(reverse("import"), uploads({**VALID, "drivers.csv": DRIVERS}))
    assert response.status_code == 200
    assert '<td>drivers.csv</td><td class="num">3</td>' in response.content.decode()
    assert Driver.objects.get(code="DRV-1").vehicle.callsign == "ARM-01"

    two = "code,name,vehicle\nDRV-1,Luis Barrios,VAN-01\nDRV-2,Ana Mendoza,VAN-01\n"
    response = client.post(
        reverse("import"),
        {"conference": Driver.objects.get(code="DRV-1").conference_id, **uploads({"drivers.csv": two})},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "vehicle `VAN-01` is named for two drivers: `DRV-2` (Ana Mendoza) here and `DRV-1` (Luis Barrios)" in page
    assert Driver.objects.get(code="DRV-1").vehicle.callsign == "ARM-01"
