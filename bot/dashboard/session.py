"""Who is signed in: the encrypted session cookie, the account read again on every request
(a deactivated account is out at once), the CSRF token every form carries, and the headers
every dashboard response gets."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from aiohttp_session import AbstractStorage, Session, get_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from bot.process.keys import DATABASE, SERVICE
from bot.services.staff_load import Desk, person
from flows.audit import Actor, staff_actor
from flows.coaching.facts import Person
from flows.dashboard.signin import SESSION_VALID
from storage.cases import staff_by_id
from storage.models import Staff

COOKIE = "klik_dashboard"
STAFF_KEY = "staff_id"
CSRF_KEY = "csrf"

# Nothing from elsewhere: styles and the one script come from this process; no frames, no
# forms to other sites, no inline script (the page's only script is static/dashboard.js).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class SessionCookies(AbstractStorage):
    """aiohttp-session's encrypted cookie, whose key is known only once the application
    starts (derived from the data key, which may be made then): `open` sets it."""

    def __init__(self, *, secure: bool) -> None:
        super().__init__(cookie_name=COOKIE)
        self.secure = secure
        self.inner: EncryptedCookieStorage | None = None

    def open(self, key: bytes) -> None:
        self.inner = EncryptedCookieStorage(
            key,
            cookie_name=COOKIE,
            max_age=int(SESSION_VALID.total_seconds()),
            httponly=True,
            secure=self.secure,
            samesite="Lax",  # a link from Telegram arrives signed in; forms carry a token
            path="/dashboard",
        )

    async def load_session(self, request: web.Request) -> Session:
        assert self.inner is not None, "the dashboard's session key is set when the app starts"
        loaded: Session = await self.inner.load_session(request)
        return loaded

    async def save_session(
        self, request: web.Request, response: web.StreamResponse, session: Session
    ) -> None:
        assert self.inner is not None
        await self.inner.save_session(request, response, session)


@web.middleware
async def headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """A strict Content-Security-Policy and no caching, no referrer (a sign-in link in the
    address must not travel on), no framing, for every dashboard response."""
    response = await handler(request)
    if request.path.startswith("/dashboard"):
        # A route may narrow it further for what it serves (an SVG chart: no script at all).
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        if not request.path.startswith("/dashboard/static/"):
            response.headers["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class Viewer:
    """The signed-in coach or team lead, as read on this request."""

    staff: Staff
    person: Person
    language: str
    csrf: str

    @property
    def id(self) -> int:
        return self.person.id

    @property
    def role(self) -> str:
        return self.person.role

    @property
    def actor(self) -> Actor:
        return staff_actor(self.role, self.id)


def desk_of(request: web.Request) -> Desk:
    matchteam = request.app[SERVICE].matchteam
    assert matchteam is not None
    return matchteam.desk


async def sign_in(request: web.Request, staff_id: int) -> None:
    """A new session for this staff member (a new cookie and a new CSRF token)."""
    session = await get_session(request)
    session.invalidate()
    session = await get_session(request)
    session[STAFF_KEY] = staff_id
    session[CSRF_KEY] = secrets.token_urlsafe(32)


async def viewer_or_none(request: web.Request) -> Viewer | None:
    """The signed-in staff member, read from the database now; None when nobody is, or the
    account was deactivated or removed since (their session ends here)."""
    session = await get_session(request)
    staff_id = session.get(STAFF_KEY)
    if not isinstance(staff_id, int):
        return None
    async with request.app[DATABASE].transaction() as db:
        staff = await staff_by_id(db, staff_id=staff_id)
    if staff is None or not staff.active:
        session.invalidate()
        return None
    desk = desk_of(request)
    return Viewer(staff, person(staff), desk.language(staff), str(session.get(CSRF_KEY, "")))


async def viewer(request: web.Request) -> Viewer:
    """The signed-in staff member, or to the page that says how to sign in."""
    found = await viewer_or_none(request)
    if found is None:
        raise web.HTTPSeeOther("/dashboard/signed-out")
    return found


async def lead(request: web.Request) -> Viewer:
    """A signed-in team lead; a coach gets 403."""
    found = await viewer(request)
    if found.role != "teamlead":
        raise web.HTTPForbidden(text="403")
    return found


async def form(request: web.Request, who: Viewer) -> dict[str, str]:
    """A posted form, once its CSRF token is this session's; else 403, nothing done."""
    posted = await request.post()
    token = posted.get(CSRF_KEY)
    if not isinstance(token, str) or not who.csrf or not hmac.compare_digest(token, who.csrf):
        raise web.HTTPForbidden(text="403: this form is out of date; reload the page")
    return {key: value for key, value in posted.items() if isinstance(value, str)}
