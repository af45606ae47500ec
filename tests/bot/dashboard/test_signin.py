"""Signing in to the dashboard: a one-time link, a session cookie, sign-out, and an account
that is switched off is out at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from flows.dashboard.signin import LINK_VALID
from storage.dashboard_tables import LoginLink
from storage.db import Database
from storage.staff import deactivate_staff
from tests.bot.dashboard.conftest import SignedIn
from tests.bot.dashboard.web import csrf_of, login_link, post
from tests.bot.served import Serve
from tests.bot.team import LOTTE, Team
from tests.conftest import Clock


async def test_opening_a_link_shows_a_button_and_uses_nothing(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    async with serve() as it:
        path = await login_link(db, clock, team.ids[LOTTE])
        page = await it.client.get(path)
        assert page.status == 200
        used = await it.client.post(path, allow_redirects=False)
        assert used.status == 303


async def test_a_link_signs_in_once(serve: Serve, team: Team, db: Database, clock: Clock) -> None:
    async with serve() as it:
        path = await login_link(db, clock, team.ids[LOTTE])
        assert (await it.client.post(path, allow_redirects=False)).status == 303
        it.client.session.cookie_jar.clear()
        again = await it.client.post(path, allow_redirects=False)
        assert again.status == 400


async def test_a_link_is_refused_after_ten_minutes(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    async with serve() as it:
        path = await login_link(db, clock, team.ids[LOTTE])
        clock.advance(seconds=LINK_VALID.total_seconds() + 1)
        assert (await it.client.post(path, allow_redirects=False)).status == 400


async def test_only_the_digest_of_a_link_is_stored(team: Team, db: Database, clock: Clock) -> None:
    path = await login_link(db, clock, team.ids[LOTTE])
    secret = path.rsplit("/", 1)[1]
    async with db.transaction() as session:
        digests = list((await session.execute(select(col(LoginLink.digest)))).scalars())
    assert digests and secret not in digests and all(secret not in d for d in digests)


async def test_the_session_cookie_is_http_only_and_same_site(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    async with serve() as it:
        response = await it.client.post(
            await login_link(db, clock, team.ids[LOTTE]), allow_redirects=False
        )
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age" in cookie


async def test_without_a_session_a_page_sends_to_the_signed_out_page(serve: Serve) -> None:
    async with serve() as it:
        response = await it.client.get("/dashboard/queue", allow_redirects=False)
        assert response.headers["Location"] == "/dashboard/signed-out"


async def test_signing_out_ends_the_session(signed_in: SignedIn) -> None:
    async with signed_in(LOTTE) as it:
        assert (await it.post("/dashboard/out"))[0] == 303
        after = await it.client.get("/dashboard/cases", allow_redirects=False)
        assert after.headers["Location"] == "/dashboard/signed-out"


async def test_a_deactivated_account_is_out_on_its_next_request(
    signed_in: SignedIn, team: Team, db: Database
) -> None:
    async with signed_in(LOTTE) as it:
        async with db.transaction() as session:
            await deactivate_staff(session, staff_id=team.ids[LOTTE])
        after = await it.client.get("/dashboard/cases", allow_redirects=False)
        assert after.headers["Location"] == "/dashboard/signed-out"


async def test_a_form_without_the_session_token_changes_nothing(signed_in: SignedIn) -> None:
    async with signed_in(LOTTE) as it:
        status, _ = await post(it.client, "/dashboard/out", "forged")
        assert status == 403
        assert (await it.client.get("/dashboard/cases")).status == 200


async def test_every_page_has_a_strict_content_security_policy(signed_in: SignedIn) -> None:
    async with signed_in(LOTTE) as it:
        response = await it.client.get("/dashboard/cases")
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert csrf_of(await response.text())


async def test_the_session_cookie_is_secure_when_served_at_a_public_https_address(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    async with serve(public_url="https://klik.example.org") as it:
        response = await it.client.post(
            await login_link(db, clock, team.ids[LOTTE]), allow_redirects=False
        )
        assert "Secure" in response.headers["Set-Cookie"]
