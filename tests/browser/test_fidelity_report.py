"""The fidelity report in a real browser: it lays out, reads right, and prints."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from roadmap.cli.app import main


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report `ips-roadmap demo` writes, from a demo built in a fresh SQLite file."""
    folder = tmp_path_factory.mktemp("demo")
    out = folder / "report.html"
    database = f"sqlite:///{folder / 'demo.db'}"
    assert main(["--database-url", database, "demo", "--as-of", "2026-11-23", "--json"]) == 0
    assert main(["--database-url", database, "report", "fidelity", "riverbend-community-mental-health",
                 "--out", str(out), "--as-of", "2026-11-23"]) == 0  # fmt: skip
    return out


@pytest.fixture
def page(browser: Browser, report: Path) -> Page:
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(report.as_uri())
    return page


def test_the_summary_shows_total_band_change_and_next_review(page: Page) -> None:
    assert page.title() == "Fidelity review 2026-05-17 — Riverbend Community Mental Health"
    assert page.locator("#total").inner_text() == "104 / 125"
    assert page.locator("#band").inner_text().lower() == "good"
    assert "+12" in page.locator(".cards").inner_text()
    assert "2027-05-17" in page.locator(".cards").inner_text()


def test_every_item_and_section_is_shown_with_its_score(page: Page) -> None:
    assert page.locator("tr[id^=item-]").count() == 25
    subtotals = page.locator("td.subtotal").all_inner_texts()
    assert [text.split(" / ")[1] for text in subtotals] == ["15", "40", "70"]
    assert sum(int(text.split(" / ")[0]) for text in subtotals) == 104


def test_the_chart_draws_one_point_per_review_inside_the_page(page: Page) -> None:
    points = page.locator("svg circle")
    assert points.count() == 3
    width = page.viewport_size["width"] if page.viewport_size else 1000
    boxes = [points.nth(index).bounding_box() for index in range(3)]
    assert all(box and 0 < box["x"] < width and box["width"] > 0 for box in boxes)
    xs = [box["x"] for box in boxes if box]
    assert xs == sorted(xs)  # oldest review on the left
    ys = [box["y"] for box in boxes if box]
    assert ys[0] > ys[1] > ys[2]  # 79 -> 92 -> 104 rises on screen


def test_the_action_plan_lists_the_low_items_with_owner_and_status(page: Page) -> None:
    rows = page.locator("#action-plan tbody tr")
    assert rows.count() > 0
    scores = [int(text) for text in page.locator("#action-plan tbody tr td:nth-child(2)").all_inner_texts()]
    assert all(score <= 3 for score in scores)
    text = page.locator("#action-plan").inner_text()
    assert "IPS supervisor" in text and "open" in text


def test_the_report_prints_to_a_pdf_with_colours_kept(page: Page, tmp_path: Path) -> None:
    page.emulate_media(media="print")
    band_colour = page.locator("#band").evaluate("element => getComputedStyle(element).backgroundColor")
    assert band_colour == "rgb(47, 133, 90)"
    pdf = page.pdf(format="Letter", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 2  # the report spans pages
