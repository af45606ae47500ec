"""/dashboard: a linked coach or team lead asks for a one-time link to the web dashboard."""

from __future__ import annotations

from flows.coaching.effects import Outcome, reply
from flows.dashboard.signin import LINK_VALID
from flows.messages import Outbound


def sign_in_link(url: str | None) -> Outcome:
    """The link, said with how long it works; `url` None: the dashboard is not reachable from
    outside this machine (no PUBLIC_URL and not local), so there is no link to give."""
    if url is None:
        return reply(Outbound("dashboard.unreachable"))
    minutes = int(LINK_VALID.total_seconds() // 60)
    return reply(Outbound("dashboard.link", {"url": url, "minutes": minutes}))
