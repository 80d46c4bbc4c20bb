"""The web app in a real browser: the overview, an agency page with its charts, the API, sign-in off loopback."""

from __future__ import annotations

import io
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from pydantic import SecretStr

from notifications.smtp_sink import SmtpSink
from roadmap.cli.app import main
from roadmap.settings import Settings, WebSettings
from tests.web import Server

TODAY = date(2026, 11, 23)
AGENCY = "riverbend-community-mental-health"
ADMIN = "sam@state.example"
# Screenshots of the main pages, kept as test artifacts (and copied into the README's docs/screenshots).
ARTIFACTS = Path(__file__).parents[2] / ".artifacts" / "screenshots"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo state, with a visit plan and two quarters of outcomes for the agency page."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'demo.db'}"
    for args in (
        ["demo", "--as-of", TODAY.isoformat(), "--json"],
        ["visits", "plan", "--weeks", "4", "--as-of", TODAY.isoformat(), "--json"],
        [
            "outcomes",
            "record",
            AGENCY,
            "--quarter",
            "2026Q2",
            "--served",
            "40",
            "--working",
            "15",
            "--as-of",
            "2026-07-20",
        ],
        [
            "outcomes",
            "record",
            AGENCY,
            "--quarter",
            "2026Q3",
            "--served",
            "44",
            "--working",
            "21",
            "--as-of",
            "2026-10-20",
        ],
    ):
        assert main(["--database-url", url, *args]) == 0, args
    return url


@pytest.fixture(scope="module")
def server(database: str) -> Iterator[Server]:
    assert main(["--database-url", database, "user", "add", ADMIN, "--name", "Sam Reed", "--role", "admin"]) == 0
    with Server(Settings(database_url=SecretStr(database)), as_of=TODAY) as running:
        yield running


def signed_in(browser: Browser, server: Server, database: str, email: str, **options: Any) -> BrowserContext:
    """A browser signed in as a user with the one-time link `ips-roadmap user link` prints, and its button."""
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--database-url", database, "user", "link", email, "--json"]) == 0
    path = json.loads(out.getvalue())["url"].split("8000", 1)[1]
    context = browser.new_context(**options)
    page = context.new_page()
    page.goto(server.base + path)
    page.click("#finish-form button")
    page.wait_for_url(server.base + "/")
    page.close()
    return context


@pytest.fixture(scope="module")
def admin(browser: Browser, server: Server, database: str) -> Iterator[BrowserContext]:
    context = signed_in(browser, server, database, ADMIN, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(admin: BrowserContext) -> Iterator[Page]:
    opened = admin.new_page()
    yield opened
    opened.close()


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_overview_shows_every_agency_against_the_stages_with_stalls_and_reviews_due(
    server: Server, page: Page
) -> None:
    page.goto(server.base + "/")
    assert page.title() == "State overview — IPS roadmap"
    rows = page.locator("#matrix tbody tr")
    assert rows.count() == 12
    pinecrest = page.locator('#matrix tr[data-agency="pinecrest-behavioral-health"]')
    stalled = pinecrest.locator("td.stalled")
    assert stalled.count() == 1 and stalled.inner_text() == "95d ⚠"
    assert pinecrest.locator("td.completed").count() == 1
    # The review that is overdue is marked, in the matrix and in the reviews table.
    prairie = page.locator('#matrix tr[data-agency="prairie-hills-counseling-center"] td.overdue')
    assert prairie.inner_text() == "2026-11-07"
    assert page.locator("#reviews tr.overdue").first.inner_text().startswith("Prairie Hills Counseling Center")
    assert "every reminder was delivered" in page.locator("#failed").inner_text()
    # Colours come from the app's own stylesheet (no CDN): an active stage is blue, a stalled one red.
    colour = stalled.evaluate("cell => getComputedStyle(cell).backgroundColor")
    assert colour == "rgb(254, 215, 215)"
    screenshot(page, "overview")
    # One region at a time (a large state's matrix is read a region or a page at a time).
    page.click("#regions >> text=West")
    assert [row.get_attribute("data-agency") for row in page.locator("#matrix tbody tr").all()] == [
        "high-plains-mental-health", "mesa-verde-wellness", "sandhill-community-services",
    ]  # fmt: skip
    assert "12 agencies" in page.locator(".meta").first.inner_text()
    page.click("#regions >> text=all")
    page.click("text=Riverbend Community Mental Health")
    assert page.locator("#agency-name").inner_text() == "Riverbend Community Mental Health"


def test_an_agency_page_has_its_stages_fidelity_chart_action_plan_outcomes_and_visits(
    server: Server, page: Page
) -> None:
    page.goto(f"{server.base}/agencies/{AGENCY}")
    assert page.locator("#timeline section").count() == 10
    assert page.locator('#timeline section[data-stage="readiness"]').get_attribute("class") == "completed"
    # Three reviews (79, 92, 104), each a point on the chart, with the 100 and 115 lines drawn.
    points = page.locator("#fidelity-chart circle.review-point")
    assert points.count() == 3
    heights = [float(points.nth(i).get_attribute("cy") or 0) for i in range(3)]
    assert heights[0] > heights[1] > heights[2]  # rising totals sit higher on the page
    assert "100 good" in (page.locator("#fidelity-chart").text_content() or "")
    assert page.locator("#reviews tbody tr").count() == 3
    assert "item" in page.locator("#reviews tbody tr").nth(2).inner_text()  # items that moved since the last
    # The open steps of the action plan (most are done by now), with how many are done.
    open_steps = page.locator("#actions tbody tr").count()
    assert open_steps > 0 and f"{open_steps} open steps" in page.locator("#actions-done").inner_text()
    # Outcomes: 37.5% then 47.7%, against the 31 / 41 / 50% lines.
    bars = page.locator("#outcomes-chart rect.rate-bar")
    assert bars.count() == 2
    assert float(bars.nth(1).get_attribute("height") or 0) > float(bars.nth(0).get_attribute("height") or 0)
    assert "41% average" in (page.locator("#outcomes-chart").text_content() or "")
    assert [cell.inner_text() for cell in page.locator("#outcomes tbody tr td:nth-child(4)").all()] == [
        "37.5%",
        "47.7%",
    ]
    screenshot(page, "agency")
    # The fidelity report page prints cleanly: same content as the HTML report.
    page.goto(f"{server.base}/agencies/{AGENCY}/report")
    assert page.locator("#total").inner_text() == "104 / 125"


def test_the_due_page_lists_what_is_late_and_coming_with_agency_names_and_true_distances(
    server: Server, page: Page
) -> None:
    page.goto(server.base + "/")
    page.click("text=What is due")
    assert page.url == server.base + "/due"
    rows = page.locator("#due tbody tr")
    assert rows.count() > 10
    first = rows.nth(0).inner_text()
    # Overdue first, by name, with the real distance: the action-plan step of Riverbend due 148 days before.
    assert "Riverbend Community Mental Health" in first and "148 days overdue" in first
    assert page.locator("#due tbody tr.overdue").count() >= 1
    assert "riverbend-community-mental-health" not in page.locator("#due").inner_text()
    screenshot(page, "due")
    page.click("#due tbody tr >> nth=0 >> a")
    assert page.url == f"{server.base}/agencies/{AGENCY}"


def test_an_agency_page_shows_what_it_owes_and_who_is_reminded(server: Server, page: Page) -> None:
    page.goto(f"{server.base}/agencies/prairie-hills-counseling-center")
    due = page.locator("#due").inner_text()
    assert "Fidelity review" in due and "16 days overdue" in due
    contacts = page.locator("#contacts").inner_text()
    assert "Director of Prairie Hills Counseling Center (director, director@prairie.example.org)" in contacts
    assert page.locator("#nobody").count() == 0  # a director is reminded here


def test_on_a_laptop_screen_the_matrix_scrolls_in_its_frame_with_the_names_in_view(
    server: Server, admin: BrowserContext
) -> None:
    laptop = admin.new_page()
    laptop.set_viewport_size({"width": 1024, "height": 640})
    laptop.goto(server.base + "/")
    frame = laptop.locator("#matrix-frame")
    # The page itself does not scroll sideways: the frame does, and it fits the window.
    assert laptop.evaluate("document.documentElement.scrollWidth") <= 1024
    assert frame.evaluate("f => f.scrollWidth > f.clientWidth")
    frame.evaluate("f => { f.scrollLeft = f.scrollWidth; }")
    name = laptop.locator('#matrix tr[data-agency="riverbend-community-mental-health"] td').first
    box, outer = name.bounding_box(), frame.bounding_box()
    assert box is not None and outer is not None and box["x"] >= outer["x"] - 1 and box["width"] > 100
    screenshot(laptop, "overview-laptop")
    laptop.close()


def test_a_trainers_page_has_their_visit_plan_and_workload(server: Server, page: Page) -> None:
    page.goto(server.base + "/")
    assert page.locator("#trainers tbody tr").count() == 3
    page.click("text=Tia Moss")
    assert page.locator("#trainer-name").inner_text() == "Tia Moss"
    rows = page.locator("#visits tbody tr")
    assert rows.count() >= 5
    # Her two-day review at Prairie Hills is shared with Omar Haddad; overdue, it is booked on the first working
    # day the five days' notice allows, not tomorrow morning.
    review = page.locator("#visits tbody tr", has_text="Fidelity review")
    assert review.count() == 1 and "Omar Haddad" in review.inner_text() and "2026-11-30" in review.inner_text()
    # Twelve months of workload; November holds the lapsed agency's overdue visits in one working week.
    months = page.locator("#workload tbody tr")
    assert months.count() == 12 and months.first.get_attribute("class") == "overdue"
    assert months.first.inner_text().split()[:3] == ["2026-11", "5.0", "3.0"]
    screenshot(page, "trainer")


def test_the_forms_record_a_checklist_item_and_outcomes_with_the_clis_checks(server: Server, page: Page) -> None:
    cedar = f"{server.base}/agencies/cedar-valley-recovery-services"
    page.goto(cedar)
    option = page.locator("#checklist-form select option").first
    key, text = option.get_attribute("value"), option.inner_text()
    page.select_option("#checklist-form select", key)
    page.click("#checklist-form button")
    assert page.url == cedar + "#stages"
    assert page.locator("#message").inner_text() == f"Checklist item {key} done on {TODAY}."
    assert f"✓ {text} ({TODAY})" in page.locator("#timeline").inner_text()
    # Said once: a reload shows the page without it, and no URL can put words there.
    page.reload()
    assert page.locator("#message").count() == 0
    page.goto(cedar + "?done=Your+link+expired:+call+555-0100")
    assert page.locator("#message").count() == 0 and "555-0100" not in page.content()

    lakeshore = f"{server.base}/agencies/lakeshore-behavioral-health"
    page.goto(lakeshore)
    page.fill("#outcomes-form input[name=quarter]", "2026Q3")
    page.fill("#outcomes-form input[name=served]", "30")
    page.fill("#outcomes-form input[name=working]", "40")
    page.click("#outcomes-form button")
    # Refused with the CLI's own words, and nothing stored.
    assert page.locator("#message").inner_text() == "Not recorded: --working 40 is more than --served 30"
    assert page.locator("#outcomes").count() == 0
    assert page.input_value("#outcomes-form input[name=quarter]") == "2026Q3"
    assert page.input_value("#outcomes-form input[name=served]") == "30"
    page.fill("#outcomes-form input[name=working]", "20")
    page.click("#outcomes-form button")
    assert page.locator("#message").inner_text() == "Outcomes for 2026Q3 recorded."
    row = page.locator("#outcomes tbody tr").first.inner_text()
    assert "2026Q3" in row and "66.7%" in row and "excellent" in row

    # A form posted from another site changes nothing.
    request = urllib.request.Request(
        f"{lakeshore}/outcomes", data=b"quarter=2026Q2&served=9&working=1", method="POST",
        headers={"Origin": "http://elsewhere.example", "Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 403
    page.goto(lakeshore)
    assert page.locator("#outcomes tbody tr").count() == 1


def test_the_review_form_records_25_scores_or_refuses_them_with_the_clis_message(server: Server, page: Page) -> None:
    lakeshore = f"{server.base}/agencies/lakeshore-behavioral-health"
    page.goto(lakeshore)
    assert page.locator("#fidelity-chart circle.review-point").count() == 1
    open_before = page.locator("#actions tbody tr").all_inner_texts()
    page.click("#review-form-box summary")
    assert page.locator("#review-form select").count() == 25
    page.fill("#review-form input[name=reviewer_1]", "Tia Moss")
    page.fill("#review-form input[name=reviewer_2]", "Omar Haddad")
    for number in range(1, 25):
        page.select_option(f"#item-{number}", "4")
    page.click("#review-form button")
    # One item left unscored: refused whole, in the words `review record` uses, and the form stays open.
    assert page.locator("#message").inner_text() == "Not recorded: scores are missing for item(s) 25; all 25 are needed"
    assert page.locator("#review-form-box").get_attribute("open") is not None
    page.locator("#review-form-box").screenshot(path=str(ARTIFACTS / "review-form.png"))
    assert page.locator("#reviews tbody tr").count() == 1
    # What was typed comes back: only the missing score needs entering.
    assert [page.input_value(f"#item-{number}") for number in range(1, 26)] == ["4"] * 24 + [""]
    assert page.input_value("#review-form input[name=reviewer_2]") == "Omar Haddad"
    page.select_option("#item-25", "3")
    page.click("#review-form button")
    assert page.locator("#message").inner_text() == (
        f"Review of {TODAY} recorded: total 99 (fair); next review due 2027-05-23. 1 draft action-plan steps."
    )
    assert page.locator("#fidelity-chart circle.review-point").count() == 2
    assert page.locator("#reviews tbody tr").nth(1).inner_text().split("\t")[:3] == [TODAY.isoformat(), "99", "fair"]
    assert page.locator("#next-review").inner_text() == "2027-05-23"
    # The low item is a new draft step of the action plan, with the scale's first step for it.
    steps = page.locator("#actions tbody tr").all_inner_texts()
    assert len(steps) == len(open_before) + 1
    assert next(step for step in steps if step not in open_before).startswith("25. ")


def test_the_api_returns_what_the_cli_prints_and_describes_itself(
    server: Server, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["--database-url", database, "user", "token", ADMIN, "--json"]) == 0
    token = json.loads(capsys.readouterr().out)["token"]

    def fetch(path: str) -> urllib.request.Request:
        return urllib.request.Request(server.base + path, headers={"Authorization": f"Bearer {token}"})

    with urllib.request.urlopen(fetch("/api/agencies")) as response:
        served = json.load(response)
    capsys.readouterr()
    assert main(["--database-url", database, "agency", "list", "--json", "--as-of", TODAY.isoformat()]) == 0
    assert served == json.loads(capsys.readouterr().out)
    # Paging through a large state (100 a page unless asked) gives the same agencies in the same shape:
    # following each page's Link to the next ends with all of them.
    with urllib.request.urlopen(fetch("/api/agencies?offset=3&limit=4")) as response:
        assert json.load(response) == served[3:7]
        assert response.headers["X-Total-Count"] == "12"
    collected, following = [], "/api/agencies?limit=5"
    while following:
        with urllib.request.urlopen(fetch(following)) as response:
            collected += json.load(response)
            link = response.headers.get("Link")
        following = link.split(">", 1)[0].lstrip("<") if link else ""
    assert collected == served
    with urllib.request.urlopen(fetch("/api/agencies?limit=1000")) as response:
        assert json.load(response) == served
    with pytest.raises(urllib.error.HTTPError) as too_many:  # a page is at most 1,000 agencies (about 5 MB)
        urllib.request.urlopen(fetch("/api/agencies?limit=1001"))
    assert too_many.value.code == 422
    with urllib.request.urlopen(fetch(f"/api/agencies/{AGENCY}")) as response:
        assert json.load(response) == served[[a["slug"] for a in served].index(AGENCY)]
    with urllib.request.urlopen(fetch("/openapi.json")) as response:
        schema = json.load(response)
    assert {"/api/agencies", "/api/agencies/{slug}", "/api/agencies/{slug}/outcomes"} <= set(schema["paths"])
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(fetch("/api/agencies/no-such-agency"))
    assert missing.value.code == 404 and "unknown agency" in json.load(missing.value)["detail"]
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        urllib.request.urlopen(server.base + "/api/agencies")
    assert anonymous.value.code == 401


def test_a_browser_without_a_session_is_sent_to_sign_in(server: Server, browser: Browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.base + "/due")
    assert page.url == server.base + "/sign-in?next=/due"
    assert page.locator("#sign-in-form input[name=email]").count() == 1
    screenshot(page, "sign-in")
    context.close()


def test_a_trainer_signs_in_with_the_emailed_link_sees_only_their_agencies_and_records_a_visit(
    database: str, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpSink() as smtp:
        monkeypatch.setenv("IPS_ROADMAP_MAIL_URL", smtp.url)
        assert main(["--database-url", database, "user", "add", "tia.moss@state.example", "--name", "Tia Moss",
                     "--role", "trainer", "--trainer", "Tia Moss"]) == 0  # fmt: skip
        # Two weeks on: the visits booked for the days just gone wait to be recorded as held.
        with Server(Settings(database_url=SecretStr(database)), as_of=date(2026, 12, 8)) as server:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(server.base + "/")
            page.fill("#sign-in-form input[name=email]", "tia.moss@state.example")
            page.click("#sign-in-form button")
            assert "a sign-in link is on its way" in page.locator("#sent").inner_text()
            # The link is mailed once the page has answered: wait for it as a person waits for their inbox.
            deadline = time.monotonic() + 15
            while not smtp.to("tia.moss@state.example") and time.monotonic() < deadline:
                time.sleep(0.1)
            mail = smtp.to("tia.moss@state.example")
            assert len(mail) == 1
            text = next(part for part in mail[0].walk() if part.get_content_type() == "text/plain")
            link = re.search(r"(http://127\.0\.0\.1:\d+/sign-in/\S+)", text.get_payload(decode=True).decode())  # type: ignore[union-attr]
            assert link
            page.goto(link.group(1))
            page.click("#finish-form button")
            page.wait_for_url(server.base + "/")
            assert "Tia Moss (trainer)" in page.locator("#viewer").inner_text()
            shown = {row.get_attribute("data-agency") for row in page.locator("#matrix tbody tr").all()}
            assert shown == {"cedar-valley-recovery-services", "lakeshore-behavioral-health",
                             "northwoods-counseling-cooperative", "prairie-hills-counseling-center", AGENCY}  # fmt: skip
            assert page.request.get(f"{server.base}/agencies/two-rivers-human-services").status == 403
            # Her plan: a visit booked for the days just gone is recorded as held from the page.
            page.goto(server.base + "/trainers/Tia%20Moss")
            held = page.locator("#visits form.visit-form")
            assert held.count() >= 1
            # Agencies by name, as people say them: never a slug.
            assert "Cedar Valley Recovery Services" in page.locator("#visits").inner_text()
            assert "cedar-valley-recovery-services" not in page.locator("#visits").inner_text()
            held.first.locator("button").click()
            said = page.locator("#message").inner_text()
            assert re.fullmatch(r".+ at [A-Z][\w ]+ of 2026-\d\d-\d\d recorded as held on 2026-\d\d-\d\d\..*", said), (
                said
            )
            screenshot(page, "trainer-signed-in")
            context.close()
    capsys_free = io.StringIO()
    with redirect_stdout(capsys_free):
        assert main(["--database-url", database, "audit", "--json"]) == 0
    visits = [e for e in json.loads(capsys_free.getvalue()) if e["subject"] == "visit" and e["via"] == "web"]
    assert visits and visits[-1]["actor"] == "tia.moss@state.example"


def test_an_agency_link_opens_that_agencys_pages_only_until_revoked(
    database: str, browser: Browser, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["--database-url", database, "link", "create", AGENCY, "--days", "30", "--label", "director",
                 "--json"]) == 0  # fmt: skip
    made = json.loads(capsys.readouterr().out)
    secret = made["url"].rsplit("/a/", 1)[1]
    assert len(secret) > 40
    # A token signed for this link: altered by one character, it opens nothing.
    forged = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    with Server(Settings(database_url=SecretStr(database)), as_of=TODAY) as server:
        context = browser.new_context()  # no sign-in: only the link
        page = context.new_page()
        assert page.request.get(f"{server.base}/a/{forged}", max_redirects=0).status == 403
        # Served at a plain-HTTP address, the link's cookie is not marked Secure (the browser would drop it).
        cookie = page.request.get(f"{server.base}/a/{secret}", max_redirects=0).headers["set-cookie"]
        assert "httponly" in cookie.lower() and "secure" not in cookie.lower()
        page.goto(f"{server.base}/a/{secret}")
        assert page.url == f"{server.base}/agencies/{AGENCY}"
        assert page.locator("#agency-name").inner_text() == "Riverbend Community Mental Health"
        # The agency's own part, nothing else: its forms, not the state's pages or the review form.
        assert page.locator("text=State overview").count() == 0
        assert page.locator("#outcomes-form").count() == 1 and page.locator("#review-form").count() == 0
        assert page.request.get(f"{server.base}/agencies/{AGENCY}/report").status == 200
        for other in ("/agencies/lakeshore-behavioral-health", "/due", "/api/agencies", "/trainers/Tia%20Moss"):
            assert page.request.get(server.base + other).status == 403, other
        page.goto(server.base + "/")
        assert page.url == f"{server.base}/agencies/{AGENCY}"
        assert page.request.get(f"{server.base}/api/agencies/{AGENCY}").status == 200
        # Revoked: the same browser is sent to sign in at once; the link itself no longer works either.
        capsys.readouterr()
        assert main(["--database-url", database, "link", "revoke", str(made["id"])]) == 0
        assert page.request.get(f"{server.base}/agencies/{AGENCY}", max_redirects=0).status == 303
        assert page.request.get(f"{server.base}/a/{secret}", max_redirects=0).status == 403
        listed = capsys.readouterr()
        assert main(["--database-url", database, "link", "list", "--json"]) == 0
        assert secret not in capsys.readouterr().out and secret not in listed.out
        context.close()


def test_behind_an_https_address_the_cookies_travel_over_https_only(
    database: str, browser: Browser, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["--database-url", database, "link", "create", AGENCY, "--json"]) == 0
    secret = json.loads(capsys.readouterr().out)["url"].rsplit("/a/", 1)[1]
    web = WebSettings(base_url="https://roadmap.example.org")
    with Server(Settings(database_url=SecretStr(database), web=web), host="0.0.0.0", as_of=TODAY) as server:
        context = browser.new_context()
        answer = context.new_page().request.get(f"{server.base}/a/{secret}", max_redirects=0)
        assert answer.status == 303
        assert {part.strip().lower() for part in answer.headers["set-cookie"].split(";")} >= {"secure", "httponly"}
        assert answer.headers["strict-transport-security"] == "max-age=31536000"
        context.close()


def test_a_director_opens_the_deep_link_in_a_real_reminder_and_reports_the_quarter(
    database: str, browser: Browser, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A week before Riverbend's report for the last quarter of 2026 is due (30 January).
    day = "2027-01-23"
    with Server(Settings(database_url=SecretStr(database)), as_of=date(2027, 1, 23)) as server, SmtpSink() as smtp:
        monkeypatch.setenv("IPS_ROADMAP_MAIL_URL", smtp.url)
        monkeypatch.setenv("IPS_ROADMAP_WEB__BASE_URL", server.base)
        assert main(["--database-url", database, "contact", "add", AGENCY, "--role", "director", "--name",
                     "Ruth Okafor", "--email", "ruth@riverbend.example"]) == 0  # fmt: skip
        assert main(["--database-url", database, "notify", "flush", "--as-of", day]) == 0
        capsys.readouterr()
        mail = smtp.to("ruth@riverbend.example")
        assert len(mail) == 1
        html = next(part for part in mail[0].walk() if part.get_content_type() == "text/html")
        context = browser.new_context(viewport={"width": 1280, "height": 900})  # her own browser: only the email
        page = context.new_page()
        page.set_content(html.get_payload(decode=True).decode())  # type: ignore[union-attr]
        page.click("li:has-text('outcome report') >> a")
        page.wait_for_url(re.compile(rf"{re.escape(server.base)}/agencies/{AGENCY}\?quarter=2026Q4#outcomes-form"))
        assert page.locator("#agency-name").inner_text() == "Riverbend Community Mental Health"
        assert page.input_value("#outcomes-form input[name=quarter]") == "2026Q4"
        assert "Ruth Okafor (agency link)" in page.locator("#viewer").inner_text()
        screenshot(page, "agency-link")
        page.fill("#outcomes-form input[name=served]", "46")
        page.fill("#outcomes-form input[name=working]", "22")
        page.click("#outcomes-form button")
        assert page.locator("#message").inner_text() == "Outcomes for 2026Q4 recorded."
        assert page.request.get(f"{server.base}/agencies/lakeshore-behavioral-health").status == 403
        context.close()
        # Done is done: the next sweeps ask her for it no more.
        capsys.readouterr()
        assert main(["--database-url", database, "due", "--agency", AGENCY, "--as-of", day, "--json"]) == 0
        assert "outcome-report:2026Q4" not in {item["subject"] for item in json.loads(capsys.readouterr().out)}
        smtp.received.clear()
        assert main(["--database-url", database, "notify", "flush", "--as-of", "2027-01-29"]) == 0
        assert "2026Q4" not in "".join(str(each) for each in smtp.to("ruth@riverbend.example"))
    capsys.readouterr()
    assert main(["--database-url", database, "audit", AGENCY, "--json"]) == 0
    entry = [e for e in json.loads(capsys.readouterr().out) if e["subject"] == "outcome"][-1]
    assert (entry["key"], entry["actor"], entry["via"]) == ("2026Q4", "contact Ruth Okafor", "link")
