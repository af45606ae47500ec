"""One bad update must not stop the service for everyone.

An update that fails is fetched again; one that fails the same way (the same error type) a few
times in a row is set aside: kept by id and kind in the database (never its text), confirmed to
Telegram, and its sender is told kindly. Failures that say nothing about the update itself (the
database or Telegram away for a moment) never count: those updates wait until it is back.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.channels.telegram.polling import ALLOWED_UPDATES
from bot.channels.telegram.transport import CHANNEL
from bot.services.conversation import ConversationService

log = logging.getLogger(__name__)

TRIES = 3  # failures the same way in a row before an update is set aside


def passing(error: BaseException) -> bool:
    """Whether an error says nothing about the update: the database or Telegram is away for a
    moment (connection refused or lost, locked, timed out, "Too Many Requests")."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, NetworkError):
        return not isinstance(error, BadRequest)
    return isinstance(
        error,
        OperationalError
        | InterfaceError
        | DisconnectionError
        | PoolTimeout
        | RetryAfter
        | OSError
        | TimeoutError,
    )


def kind_of(update: Update) -> str:
    """The update's kind: message, edited_message or callback_query."""
    return next((kind for kind in ALLOWED_UPDATES if getattr(update, kind, None)), "other")


class SetAside:
    """Counts how each failing update fails, and sets it aside after TRIES the same way."""

    def __init__(self, service: ConversationService, tries: int = TRIES) -> None:
        self.service = service
        self.tries = tries
        self._failures: dict[int, tuple[str, int]] = {}  # update id -> (error type, times)

    def handled(self, update_id: int) -> None:
        """The update went through (perhaps after failing): forget its failures."""
        self._failures.pop(update_id, None)

    async def failed(self, update: Update, error: BaseException) -> bool:
        """Count a failure; True when the update was set aside now and may be confirmed."""
        if passing(error):
            return False
        reason = type(error).__name__
        last, times = self._failures.get(update.update_id, (reason, 0))
        times = times + 1 if last == reason else 1
        if times < self.tries:
            self._failures[update.update_id] = (reason, times)
            return False
        chat, user = update.effective_chat, update.effective_user
        try:
            await self.service.set_aside(
                channel=CHANNEL,
                address=str(chat.id) if chat is not None else None,
                event_id=f"tg:{update.update_id}",
                kind=kind_of(update),
                reason=reason,
                language_hint=(user.language_code or "") if user is not None else "",
            )
        except Exception as failure:  # e.g. the database went away meanwhile: try again later
            log.warning(
                "update %d could not be set aside (%s); it comes again",
                update.update_id,
                type(failure).__name__,
            )
            return False
        self._failures.pop(update.update_id, None)
        log.warning(
            "update %d (%s) failed %d times (%s); set aside, the others go on",
            update.update_id,
            kind_of(update),
            times,
            reason,
        )
        return True
