import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from delegates.models import Delegate
from tests.factories import UserFactory
from tests.logistics.import_files import VALID, replace_line

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
    from conference.models import Conference

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


def test_an_oversized_file_is_refused_next_to_its_field(client, organizer, monkeypatch):
    monkeypatch.setattr("desk.forms.imports.MAX_FILE_BYTES", 2**20)
    client.force_login(organizer)
    files = dict(VALID)
    files["delegates.csv"] += "P9,Big,File,PA,,no,HIL,,,,,,,,,no\n" * 40_000
    page = client.post(reverse("import"), uploads(files)).content.decode()
    assert "delegates.csv is 1.3 MB; files up to 1 MB are accepted." in page
    assert Delegate.objects.count() == 0
