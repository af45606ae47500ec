"""The command menus Telegram shows: one per language for youngsters, and one for each
linked coach's or team lead's own chat."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.ext import Application

from bot.services.render import Renderer
from flows.command_words import staff_words, youngster_words


async def set_commands(application: Application, renderer: Renderer) -> None:  # type: ignore[type-arg]
    """Show the command menu in every language, and the default language's for others: the
    words of that language (content/texts, commands.youngster_words), each described."""
    default = renderer.content.questionnaire.default_language
    words = youngster_words(renderer.content.texts)
    for language in renderer.content.questionnaire.languages:
        commands = [
            BotCommand(word, renderer.text(f"commands.{action}", {}, language))
            for word, action in words.menu(language)
        ]
        await application.bot.set_my_commands(commands, language_code=language)
        if language == default:
            await application.bot.set_my_commands(commands)


async def set_staff_commands(bot: Bot, renderer: Renderer, chat_id: int, language: str) -> None:
    """Give a staff member's chat its own command menu (other chats keep the youngsters'):
    the words of their language (content/texts, commands.staff_words), each described."""
    words = staff_words(renderer.content.texts)
    commands = [
        BotCommand(word, renderer.text(f"commands.staff.{action}", {}, language))
        for word, action in words.menu(language)
    ]
    await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
