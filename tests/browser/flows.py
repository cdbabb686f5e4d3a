"""What a person does in the browser, one function per step, for the browser tests to combine.

Each takes a Playwright page whose base URL is the live server (see conftest.py) and waits until the step is
done (the next page loaded), so a test reads as the steps a person takes."""

from pathlib import Path

from playwright.sync_api import Page, expect

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


def log_in(page: Page, username: str, password: str = PASSWORD, *, next_url: str = "/") -> None:
    """Through the login page, as a person would; lands on `next_url`."""
    page.goto(f"/login/?next={next_url}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{next_url}")


def switch_language(page: Page, code: str) -> None:
    """Press a language button of the header by its language code (`en`: English, `es`: Español; their labels
    are themselves translated, English reads Inglés in Spanish); comes back to the same page."""
    page.locator(f'header form.language button[value="{code}"]').click()
    page.wait_for_load_state()


def html_lang(page: Page) -> str:
    return page.locator("html").get_attribute("lang")


# fleet (desk/views/fleet.py)


def open_fleet(page: Page, code: str) -> None:
    page.goto(f"/c/{code}/fleet/")


def vehicle_card(page: Page, callsign: str):
    return page.locator(f"#vehicle-{callsign}")


def tap_status(page: Page, callsign: str, status: str) -> None:
    """Tap the button that reports `status` for the vehicle (the current status is the 'still here' button)."""
    card = vehicle_card(page, callsign)
    card.locator(f'form:has(input[name="status"][value="{status}"]) button').click()
    page.wait_for_load_state()


def shown_status(page: Page, callsign: str) -> str:
    return vehicle_card(page, callsign).locator(".status-pill").get_attribute("data-status")


# import (delegates/views.py); the other pages' steps follow the same pattern


def import_scenario(page: Page, folder: Path) -> None:
    """Upload every CSV file of `folder` through the Import page (organizers with the import permission)."""
    page.goto("/import/")
    for csv in sorted(folder.glob("*.csv")):
        page.set_input_files(f'input[type="file"][name="{csv.name}"]', str(csv))
    page.locator("form.card").get_by_role("button").last.click()
    expect(page.locator("#import-result")).to_be_visible(timeout=60_000)


# dashboard and schedule board (conference/views.py, logistics/views.py)


def open_dashboard(page: Page, code: str, at: str | None = None) -> None:
    """The dashboard, now or as at a moment of the conference (`at`: YYYY-MM-DDTHH:MM, its time zone)."""
    page.goto(f"/c/{code}/" + (f"?at={at}" if at else ""))


def open_board(page: Page, code: str, day: str | None = None) -> None:
    page.goto(f"/c/{code}/board/" + (f"?day={day}" if day else ""))


def recompute_on_board(page: Page, code: str, *, timeout_ms: int = 60_000) -> None:
    """Press 'Recompute the schedule' on the board and wait until the run is over and the page has reloaded
    (the button asks the API and follows the run; without a broker the run happens within the request)."""
    open_board(page, code)
    with page.expect_navigation(timeout=timeout_ms):  # board.js reloads the page when the run is over
        page.locator("#recompute-button").click()
    page.wait_for_load_state()


# resource requests (desk/views/requests.py)


def open_requests(page: Page, code: str) -> None:
    page.goto(f"/c/{code}/requests/")


def approve_request(page: Page, code: str, pk: int) -> None:
    """Press Approve on the request's row of the requests page."""
    open_requests(page, code)
    page.locator(f"#request-{pk}").get_by_role("button", name="Approve").click()
    page.wait_for_load_state()


# the driver's phone (desk/views/driving.py)


def open_driver(page: Page, code: str, day: str | None = None, vehicle: str | None = None) -> None:
    query = "&".join(f"{key}={value}" for key, value in (("day", day), ("vehicle", vehicle)) if value)
    page.goto(f"/c/{code}/driver/" + (f"?{query}" if query else ""))


def trip_card(page: Page, trip_id: int):
    return page.locator(f"#trip-{trip_id}")


def tap_trip(page: Page, trip_id: int, label: str) -> None:
    """Tap a trip's button by its label (Acknowledge, Trip started, Trip finished) and wait for the page again."""
    with page.expect_navigation():
        trip_card(page, trip_id).get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()


def rider(page: Page, trip_id: int, sequence: int, external_id: str):
    return page.locator(f"#rider-{trip_id}-{sequence}-{external_id}")


def tap_passenger(page: Page, trip_id: int, sequence: int, external_id: str, label: str) -> None:
    """Tap Boarded or No-show for a passenger who boards at the stop, and wait for the page again."""
    with page.expect_navigation():
        rider(page, trip_id, sequence, external_id).get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()
