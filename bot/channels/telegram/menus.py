"""The command menus Telegram shows: one per language for youngsters, and one for each
linked coach's or team lead's own chat."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.ext import Application

from bot.services.render import Renderer
from flows.coaching.words import StaffWords

# The command menu; the restart command has a name per language, both always work.
MENU = {
    "nl": ("start", "status", "help", "stop", "opnieuw", "andere_coach"),
    "en": ("start", "status", "help", "stop", "restart", "other_coach"),
}
DESCRIPTION_KEY = {"opnieuw": "commands.restart", "andere_coach": "commands.other_coach"}


async def set_commands(application: Application, renderer: Renderer) -> None:  # type: ignore[type-arg]
    """Show the command menu in every language, and the default language's for others."""
    default = renderer.content.questionnaire.default_language
    for language in renderer.content.questionnaire.languages:
        names = MENU.get(language, MENU["en"])
        commands = [
            BotCommand(
                name, renderer.text(DESCRIPTION_KEY.get(name, f"commands.{name}"), {}, language)
            )
            for name in names
        ]
        await application.bot.set_my_commands(commands, language_code=language)
        if language == default:
            await application.bot.set_my_commands(commands)


async def set_staff_commands(bot: Bot, renderer: Renderer, chat_id: int, language: str) -> None:
    """Give a staff member's chat its own command menu (other chats keep the youngsters'):
    the words of their language (content/texts, commands.words), each described."""
    words = StaffWords.from_texts(renderer.content.texts)
    commands = [
        BotCommand(word, renderer.text(f"commands.staff.{action}", {}, language))
        for word, action in words.menu(language)
    ]
    await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
