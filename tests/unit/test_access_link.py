"""Agency link tokens: each opens exactly the link it was signed for, with the state's key, until it ends."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from roadmap.domain.access_link import AccessLink, new_key, sign, signed_by, token_id

KEY = new_key()
LINK = AccessLink(id=7, agency="riverbend", expires_on=date(2027, 3, 1))


def test_a_token_opens_the_link_it_was_signed_for() -> None:
    token = sign(LINK, KEY)
    assert token.startswith("7.") and token_id(token) == 7
    assert signed_by(LINK, token, KEY)


@pytest.mark.parametrize(
    "other",
    [
        LINK.model_copy(update={"agency": "lakeshore"}),  # the same id reused for another agency
        LINK.model_copy(update={"expires_on": date(2027, 12, 1)}),  # an expiry moved by hand
        LINK.model_copy(update={"id": 8}),
        # A link deleted with its contact, and a new one given the same id, agency and expiry.
        AccessLink(id=7, agency="riverbend", expires_on=date(2027, 3, 1)),
    ],
)
def test_a_token_does_not_open_any_other_link(other: AccessLink) -> None:
    assert not signed_by(other, sign(LINK, KEY), KEY)


def test_a_token_made_with_another_key_or_altered_is_refused() -> None:
    token = sign(LINK, KEY)
    assert not signed_by(LINK, sign(LINK, new_key()), KEY)
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert not signed_by(LINK, flipped, KEY)
    assert not signed_by(LINK, "8" + token[1:], KEY)


@pytest.mark.parametrize("junk", ["", "7", "7.", ".abc", "x.abc", "٧.abc", "12345678901.abc", "-7.abc"])
def test_anything_not_shaped_like_a_token_names_no_link(junk: str) -> None:
    assert token_id(junk) is None


def test_a_link_opens_until_its_last_day_unless_revoked() -> None:
    assert LINK.opens(date(2027, 3, 1)) and not LINK.opens(date(2027, 3, 2))
    revoked = LINK.model_copy(update={"revoked_at": datetime(2026, 12, 1, tzinfo=UTC)})
    assert not revoked.opens(date(2026, 12, 2))
    # Renewal: a link with less than a month left is not sent again.
    assert LINK.lasts(date(2027, 1, 30), 30) and not LINK.lasts(date(2027, 1, 31), 30)
