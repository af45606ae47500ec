"""The relay: once a coach has a case, messages go both ways through the bot.

Pure rules. The youngster sees the coach's first name (and intro, with the first message);
the coach sees the pseudonym. Neither ever sees the other's Telegram identity: every message
is re-sent by the bot, media is copied without its sender.
"""

from __future__ import annotations

from flows.messages import MediaRef, Outbound, Param, Ref
from flows.state import Alert, Signal


def to_coach_tag(case_id: int) -> str:
    """Tag of messages a coach gets about a case; a reply to one goes back to that case."""
    return f"case:{case_id}"


def case_of_tag(tag: str | None) -> int | None:
    """The case a tagged message to a coach belongs to (a relayed message or an offer)."""
    if not tag:
        return None
    head, _, rest = tag.partition(":")
    return int(rest) if head in ("case", "offer") and rest.isdigit() else None


def from_youngster(
    case_id: int, pseudonym: str, text: str, signal: Signal | None = None
) -> Outbound:
    """A youngster's message as the coach sees it: labelled with the pseudonym, and with the
    crisis signal it carried, if any (the youngster never sees that)."""
    if signal is not None:
        return Outbound(
            "relay.from_youngster_signal",
            {"pseudonym": pseudonym, "signal": signal.words(), "text": text},
            tag=to_coach_tag(case_id),
        )
    return Outbound(
        "relay.from_youngster",
        {"pseudonym": pseudonym, "text": text},
        tag=to_coach_tag(case_id),
    )


def media_from_youngster(case_id: int, pseudonym: str, source: MediaRef) -> list[Outbound]:
    """A youngster's photo, voice note or file: a label, then a copy without the sender."""
    tag = to_coach_tag(case_id)
    return [
        Outbound("relay.media_from_youngster", {"pseudonym": pseudonym}, tag=tag),
        Outbound("relay.copy", copy=source, tag=tag),
    ]


def from_coach(case_id: int, coach: str, intro: str, text: str, *, first: bool) -> Outbound:
    """A coach's message as the youngster sees it; the first one carries the coach's intro."""
    if first:
        return Outbound(
            "relay.coach_hello",
            {"coach": coach, "intro": intro or "-", "text": text},
            tag=f"relay:{case_id}",
        )
    return Outbound("relay.from_coach", {"coach": coach, "text": text}, tag=f"relay:{case_id}")


def media_from_coach(case_id: int, coach: str, source: MediaRef) -> list[Outbound]:
    """A coach's media for the youngster: a label with the first name, then the copy."""
    tag = f"relay:{case_id}"
    return [
        Outbound("relay.media_from_coach", {"coach": coach}, tag=tag),
        Outbound("relay.copy", copy=source, tag=tag),
    ]


def urgent_alert(case_id: int, pseudonym: str, alert: Alert) -> Outbound:
    """A crisis alert about a youngster who has a coach: what fired, and (most urgent) that
    they said they are not safe, or do not know."""
    signal = alert.signal.words() if alert.signal is not None else Ref("crisis.rule.other")
    if alert.most_urgent:
        answer = Ref(f"crisis.safe_{alert.safety}")
        params: dict[str, Param] = {"pseudonym": pseudonym, "answer": answer, "signal": signal}
        return Outbound("relay.most_urgent", params, tag=to_coach_tag(case_id))
    return Outbound(
        "relay.urgent", {"pseudonym": pseudonym, "signal": signal}, tag=to_coach_tag(case_id)
    )
