"""The overview at national scale: the reviews due are listed soonest first up to a page's worth, the rest counted."""

from __future__ import annotations

import re
from datetime import date, timedelta

from roadmap.data import load_roadmap
from roadmap.render.web import REVIEW_ROWS, Chrome, render_overview
from roadmap.services.agencies import Matrix
from roadmap.services.pages import OverviewPage
from roadmap.services.reviews import DueReview

TODAY = date(2026, 11, 23)


def page_with(reviews: int, overdue: int) -> str:
    due = [
        DueReview(agency=f"agency-{n:03d}", name=f"Agency {n:03d}", launched_on=date(2025, 6, 1), last_review=None,
                  last_total=None, next_review_due=TODAY + timedelta(days=n - overdue), as_of=TODAY)
        for n in range(reviews)
    ]  # fmt: skip
    shown = Matrix(summaries=[], total=reviews, launched=reviews, stalled=0, regions=[], number=1, pages=1)
    return render_overview(OverviewPage(TODAY, shown, None, due, [], []), load_roadmap(), Chrome(viewer="lead"))


def test_the_reviews_beyond_a_page_are_counted_with_how_many_of_them_are_overdue() -> None:
    html = page_with(REVIEW_ROWS + 7, overdue=REVIEW_ROWS + 2)
    listed = re.findall(r'<a href="/agencies/(agency-\d+)">', html.split('id="reviews"')[1].split("</table>")[0])
    assert listed == [f"agency-{n:03d}" for n in range(REVIEW_ROWS)]  # the most overdue first
    more = html.split('id="more-reviews">')[1].split("</p>")[0]
    assert more.startswith("And 7 more reviews (2 of them overdue), not listed here")
    assert "what is due</a> lists the ones overdue or due within 30 days" in more
    assert "<code>ips-roadmap review due</code> lists every one" in more


def test_a_state_with_a_page_of_reviews_or_fewer_lists_them_all_and_counts_none() -> None:
    html = page_with(REVIEW_ROWS, overdue=3)
    assert html.count('<tr class="overdue">') == 3
    assert "more-reviews" not in html
    one_more = page_with(REVIEW_ROWS + 1, overdue=0)
    assert "And 1 more review, not listed here" in one_more
