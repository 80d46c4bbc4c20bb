"""An agency director acts from the link in their reminder: each reminder leads to the form that does it, the
change is signed with their name, and the next sweep asks for it no more."""

from __future__ import annotations

import re
from datetime import date

import pytest

from notifications.smtp_sink import SmtpSink
from tests.conftest import Cli
from tests.integration.demo_state import demo_without_contacts
from tests.smtp import body, text_part
from tests.web import LOCAL, client_for, csrf_of, origin, web_app

TODAY = "2026-11-23"
# A week before Riverbend's report for the last quarter of 2026 is due (30 January).
DAY = "2027-01-23"
AGENCY = "riverbend-community-mental-health"


@pytest.fixture
def reminded(bare_cli: Cli, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> tuple[Cli, str]:
    """Riverbend's director, reminded today with links to the app at its (local) address; her reminder's text."""
    monkeypatch.setenv("IPS_ROADMAP_MAIL_URL", smtp.url)
    monkeypatch.setenv("IPS_ROADMAP_WEB__BASE_URL", LOCAL)
    demo_without_contacts(bare_cli, TODAY)
    bare_cli.ok("contact", "add", AGENCY, "--role", "director", "--name", "Ruth Okafor", "--email",
                "ruth@riverbend.example")  # fmt: skip
    bare_cli.ok("contact", "add", AGENCY, "--role", "ips-supervisor", "--name", "Ken Old", "--email",
                "ken@riverbend.example")  # fmt: skip
    bare_cli.ok("notify", "flush", "--as-of", DAY)
    mail = smtp.to("ruth@riverbend.example")
    assert len(mail) == 1
    return bare_cli, text_part(mail[0])


def due_subjects(cli: Cli) -> set[str]:
    return {item["subject"] for item in cli.ok("due", "--agency", AGENCY, "--as-of", DAY, "--json").json()}


def test_each_reminder_leads_to_its_form_and_what_the_director_does_is_signed_and_asked_no_more(
    reminded: tuple[Cli, str], smtp: SmtpSink
) -> None:
    cli, reminder = reminded
    outcomes = re.search(r"Do it on your page: (http://127\.0\.0\.1:8000(/a/\S+\?to=outcomes&quarter=(\d{4}Q\d)))",
                         reminder)  # fmt: skip
    assert outcomes, reminder
    quarter = outcomes.group(3)
    assert re.search(r"Do it on your page: \S+\?to=actions", reminder)
    html = body(smtp.to("ruth@riverbend.example")[0])
    deep = outcomes.group(1).replace("&", "&amp;")
    assert f'Do it on your page: <a href="{deep}">{deep}</a>' in html
    before = due_subjects(cli)
    assert f"outcome-report:{quarter}" in before
    with web_app(cli.url) as (application, base):
        ruth = client_for(application, base, as_of=date.fromisoformat(DAY))
        opened = ruth.get(outcomes.group(2), follow_redirects=False)
        assert opened.headers["location"] == f"/agencies/{AGENCY}?quarter={quarter}#outcomes-form"
        page = ruth.get(opened.headers["location"])
        assert "Ruth Okafor (agency link)" in page.text and "State overview" not in page.text
        assert f'name="quarter" placeholder="e.g. 2026Q3" size="8" value="{quarter}"' in page.text
        post = {"csrf": csrf_of(page.text)}
        headers = {"Origin": origin(ruth)}

        def send(path: str, **fields: str) -> int:
            answer = ruth.post(path, data={**post, **fields}, headers=headers, follow_redirects=False)
            return answer.status_code

        assert send(f"/agencies/{AGENCY}/outcomes", quarter=quarter, served="42", working="19") == 303
        step = re.search(r'action="/agencies/[^/]+/actions/(\d+)/done"', page.text)
        assert step, "the open action-plan steps offer a Done form"
        assert send(f"/agencies/{AGENCY}/actions/{step.group(1)}/done", on=DAY,
                    note="Weekly job-development log kept by every specialist") == 303  # fmt: skip
        item = re.search(r'<select name="item"><option value="([^"]+)"', page.text)
        assert item, "the checklist form offers the items of the stages under way"
        assert send(f"/agencies/{AGENCY}/checklist", item=item.group(1), on=DAY) == 303
        # A gate passed long ago is the state's to reopen, not the agency's: refused, nothing named.
        stages = cli.ok("agency", "show", AGENCY, "--as-of", DAY, "--json").json()["stages"]
        passed = [s for s in stages if s["status"] == "completed" and s["checklist"]]
        assert send(f"/agencies/{AGENCY}/checklist", item=passed[0]["checklist"][0]["key"], on=DAY) == 403
        # Staff turnover: the supervisor left; Ruth replaces him herself.
        ken = next(c for c in cli.ok("contact", "list", AGENCY, "--json").json() if c["name"] == "Ken Old")
        assert send(f"/agencies/{AGENCY}/contacts/{ken['id']}", do="remove") == 303
        assert send(f"/agencies/{AGENCY}/contacts", name="Ana New", role="ips-supervisor",
                    email="ana@riverbend.example") == 303  # fmt: skip
        assert send(f"/agencies/{AGENCY}/contacts/confirm") == 303
        assert "Confirmed as they stand by Ruth Okafor on 2027-01-23." in ruth.get(f"/agencies/{AGENCY}").text
        # Nothing outside her agency: another agency's page, its forms, the state's pages.
        other = "lakeshore-behavioral-health"
        assert ruth.get(f"/agencies/{other}").status_code == 403
        assert send(f"/agencies/{other}/outcomes", quarter=quarter, served="1", working="1") == 403
        assert ruth.get("/due").status_code == 403 and ruth.get("/api/agencies").status_code == 403
    names = {c["name"] for c in cli.ok("contact", "list", AGENCY, "--json").json()}
    assert names == {"Ruth Okafor", "Ana New"}
    trail = [e for e in cli.ok("audit", AGENCY, "--json").json() if e["via"] == "link"]
    assert {e["subject"] for e in trail} >= {"outcome", "action", "contact"}
    assert {e["actor"] for e in trail} == {"contact Ruth Okafor"}
    # Done is done: the quarter's report and the closed step are no longer due, so no sweep reminds of them.
    after = due_subjects(cli)
    assert f"outcome-report:{quarter}" not in after and f"action:{step.group(1)}" not in after
