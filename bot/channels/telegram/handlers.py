"""python-telegram-bot handlers: each turns an update into a plain inbound event for the
conversation service, then treats the tapped keyboard. The Telegram chat id goes no further
than the contact table: flows and coaches see only our own pseudonymous youngster."""

from __future__ import annotations

import logging
from functools import partial

from telegram import CallbackQuery, Message, Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.channels.telegram.edge import cleaned
from bot.channels.telegram.errors import after_handling, frames, said
from bot.channels.telegram.menus import set_staff_commands
from bot.channels.telegram.setaside import SetAside
from bot.channels.telegram.transport import CHANNEL, MAX_TEXT, settle_tapped
from bot.services.conversation import ConversationService
from bot.services.handled import Handled
from bot.services.render import Renderer
from flows.coaching.block import REASON_LENGTH  # the longest argument: why a coach blocks
from flows.intake import Tap
from flows.messages import Inbound, Ref
from storage.inbox import ChatBusy

log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE


def command_of(message: Message) -> tuple[str, str] | None:
    """("start", "insta") for "/start insta" or "/start@KlikBot insta"; None for plain text."""
    text = message.text or ""
    if not text.startswith("/"):
        return None
    # Any white space ends the command: a code pasted on a new line, or after the no-break
    # space a chat app may put there, is still its argument.
    head, *rest = text[1:].split(maxsplit=1) or [""]
    return head.split("@")[0].lower(), rest[0].strip() if rest else ""


def offers(message: Message, data: str) -> bool:
    """Whether a button of the message's inline keyboard sends this callback data."""
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup is not None else ()
    return any(button.callback_data == data for row in rows for button in row)


def media_kind(message: Message) -> str:
    """What a youngster sent, in the flows' words: "voice", "photo", ... or "" for what is not
    words (a sticker, a GIF, a location, a contact). Telegram also fills `document` for a GIF
    ("animation"), so that is checked first."""
    if message.animation is not None or message.sticker is not None:
        return ""
    kinds = {
        "voice": message.voice,
        "photo": message.photo,
        "video": message.video,
        "video_note": message.video_note,
        "audio": message.audio,
        "document": message.document,
    }
    return next((kind for kind, part in kinds.items() if part), "")


def reply_to(message: Message) -> str:
    """The id of the message this one replies to, if any (coaches answer by replying)."""
    original = message.reply_to_message
    return str(original.message_id) if original is not None else ""


class TelegramHandlers:
    """The handlers of the bot, and the record of updates that failed and must come again."""

    def __init__(self, service: ConversationService, renderer: Renderer) -> None:
        self.service = service
        self.renderer = renderer
        self.failed: dict[int, BaseException] = {}
        self.set_aside = SetAside(service)
        self._told_about: set[int] = set()

    def install(self, application: Application) -> None:  # type: ignore[type-arg]
        """Register every handler on the application; all wiring is here."""
        application.add_handler(CallbackQueryHandler(self.on_tap))
        edited = filters.UpdateType.EDITED_MESSAGE & (filters.TEXT | filters.CAPTION)
        application.add_handler(MessageHandler(PRIVATE & edited, self.on_edit))
        application.add_handler(
            MessageHandler(PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT, self.on_text)
        )
        application.add_handler(MessageHandler(PRIVATE & filters.UpdateType.MESSAGE, self.on_media))
        application.add_error_handler(self.on_error)

    async def handle(self, application: Application, update: Update) -> bool:  # type: ignore[type-arg]
        """Process one update; False when it failed and must be fetched again, True when it
        was handled or, failing the same way again and again, set aside."""
        await application.process_update(update)
        _forget_chats(application)
        error = self.failed.pop(update.update_id, None)
        if isinstance(error, ChatBusy):
            raise error  # not a failure: the update waits its turn (bot/services/inbox.py)
        if error is not None and not await self.set_aside.failed(update, error):
            return False
        self.set_aside.handled(update.update_id)
        self._told_about.discard(update.update_id)
        return True

    async def _to_service(self, update: Update, event: Inbound) -> Handled:
        chat = update.effective_chat
        assert chat is not None
        return await self.service.handle(
            channel=CHANNEL,
            address=str(chat.id),
            event=cleaned(event),
            event_id=f"tg:{update.update_id}",
        )

    @staticmethod
    def _hint(update: Update) -> str:
        user = update.effective_user
        return (user.language_code or "") if user is not None else ""

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A typed message or a command."""
        message = update.effective_message
        assert message is not None
        command = command_of(message)
        hint = self._hint(update)
        if command is None:
            event = Inbound(
                "text",
                text=(message.text or "")[:MAX_TEXT],
                language_hint=hint,
                message_id=str(message.message_id),
                reply_to=reply_to(message),
            )
        elif command[0] == "start":
            event = Inbound("start", argument=command[1][:64], language_hint=hint)
        else:
            event = Inbound(
                "command",
                command=command[0][:32],
                argument=command[1][:REASON_LENGTH],
                language_hint=hint,
            )
        handled = await self._to_service(update, event)
        if handled.staff_linked and update.effective_chat is not None:
            try:
                await set_staff_commands(
                    context.bot, self.renderer, update.effective_chat.id, handled.language
                )
            except TelegramError as error:
                log.warning("could not set a staff member's command menu (%s)", said(error))

    async def on_edit(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """An edited message or caption: kept as well, and checked for crisis words like any
        text."""
        message = update.effective_message
        assert message is not None
        text = (message.text or message.caption or "")[:MAX_TEXT]
        await self._to_service(
            update, Inbound("edited", text=text, language_hint=self._hint(update))
        )

    async def on_media(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """Voice notes, photos, files, stickers and the like: kept for the coach or relayed to
        the coach who has the case (never downloaded); a sticker gets a kind "not words" reply.
        A caption is checked for crisis words like any text."""
        message = update.effective_message
        assert message is not None
        event = Inbound(
            "media",
            language_hint=self._hint(update),
            message_id=str(message.message_id),
            reply_to=reply_to(message),
            caption=(message.caption or "")[:MAX_TEXT],
            media=media_kind(message),
        )
        await self._to_service(update, event)

    async def on_tap(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """A tapped button: handled by the flow, then answered and the keyboard updated."""
        query = update.callback_query
        assert query is not None
        if update.effective_chat is None or update.effective_chat.type != "private":
            await after_handling("answering a tap", query.answer, self.service.observer)
            return
        if isinstance(query.message, Message) and not offers(query.message, query.data or ""):
            # Data the tapped message never carried (a forged or modified client): nothing
            # changes, the spinner stops and the message keeps its buttons.
            await self._refuse(query, self._hint(update))
            return
        event = Inbound("choice", choice=(query.data or "")[:64], language_hint=self._hint(update))
        handled = await self._to_service(update, event)
        await self._settle(query, handled)

    async def _refuse(self, query: CallbackQuery, hint: str) -> None:
        """Answer a tap that is no button of its message; its keyboard stays as it is."""
        language = hint.split("-")[0].lower()
        if language not in self.renderer.content.texts:
            language = self.renderer.content.questionnaire.default_language
        notice = self.renderer.text("tap.unknown", {}, language)
        await after_handling(
            "answering a tap", partial(query.answer, text=notice), self.service.observer
        )

    async def _settle(self, query: CallbackQuery, handled: Handled) -> None:
        """Answer the tap and show what happened on the message that carried the keyboard."""
        tap = handled.tap or Tap("closed")
        if handled.duplicate:
            tap = Tap("stale")
        notice = None
        if tap.kind in ("stale", "unknown", "taken", "full"):
            language = handled.language or self.renderer.content.questionnaire.default_language
            notice = self.renderer.text(f"tap.{tap.kind}", {}, language)
        await after_handling(
            "answering a tap", partial(query.answer, text=notice), self.service.observer
        )
        message = query.message
        if not isinstance(message, Message) or tap.kind in ("unknown", "quiet", "taken", "full"):
            return
        text = None
        if tap.kind == "answered" and tap.label is not None and message.text:
            answer = self.renderer.ref(tap.label, handled.language)
            text = self.renderer.text(
                "intake.answered", {"question": message.text, "answer": answer}, handled.language
            )[:MAX_TEXT]
        edit = partial(settle_tapped, message.get_bot(), message, text)
        await after_handling("updating a keyboard", edit, self.service.observer)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An update failed (e.g. the database is down): say so once; it will be retried."""
        if not isinstance(update, Update):
            log.error("error outside an update: %s", type(context.error).__name__)
            return
        if isinstance(context.error, ChatBusy):  # nothing failed: it is handled in its turn
            self.failed[update.update_id] = context.error
            return
        if isinstance(context.error, RetryAfter):  # handled: the update comes again
            log.warning("update %d: Telegram asks to slow down (429); retried", update.update_id)
        else:
            log.error(
                "update %d failed: %s; it will be retried\n%s",
                update.update_id,
                type(context.error).__name__,
                frames(context.error) if context.error else "",
            )
        self.failed[update.update_id] = context.error or Exception("unknown")
        if update.update_id in self._told_about or update.effective_chat is None:
            return
        self._told_about.add(update.update_id)
        language = self._hint(update).split("-")[0]
        if language not in self.renderer.content.texts:
            language = self.renderer.content.questionnaire.default_language
        text = self.renderer.ref(Ref("error.later"), language)
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(text=text[:200])
            else:
                await context.bot.send_message(chat_id=update.effective_chat.id, text=text)
        except TelegramError as error:
            log.warning("could not tell a youngster about a failed update (%s)", said(error))


def _forget_chats(application: Application) -> None:  # type: ignore[type-arg]
    """python-telegram-bot notes the chat and user of every update for a persistence that
    would save their data, and only saving empties those sets. Klik has none (its state is
    in the database), so they would keep every Telegram id the worker ever saw, for as long
    as it runs: some 100 bytes a youngster, and ids that need not be kept anywhere."""
    if application.persistence is None:
        application._chat_ids_to_be_updated_in_persistence.clear()
        application._user_ids_to_be_updated_in_persistence.clear()
