"""A youngster talking to the pure intake flow, without storage or Telegram.

Every reply is rendered with the real content in the youngster's language, so a missing
text or placeholder fails the test that produced it. Tests assert on text keys (as Rasa's
tests assert on `utter_greet`), not on sentences that writers may improve.
"""

from __future__ import annotations

from datetime import datetime

from bot.services.render import Renderer
from flows.intake import Intake, IntakeFlow, Step
from flows.messages import Inbound, Outbound


class Chat:
    """Drives the flow like a youngster would; remembers the state and everything said."""

    def __init__(self, flow: IntakeFlow, renderer: Renderer, now: datetime) -> None:
        self.flow = flow
        self.renderer = renderer
        self.now = now
        self.intake: Intake | None = None
        self.steps: list[Step] = []
        self.taps = 0

    def send(self, event: Inbound) -> Step:
        step = self.flow.handle(self.intake, event, self.now)
        for message in step.outbound:
            self.renderer.render(message, step.language)
        self.intake = step.intake
        self.steps.append(step)
        return step

    # what a youngster does

    def start(self, source: str = "", hint: str = "") -> Step:
        self.taps += 1  # Telegram's START button
        return self.send(Inbound("start", argument=source, language_hint=hint))

    def tap(self, data: str) -> Step:
        self.taps += 1
        return self.send(Inbound("choice", choice=data))

    def type(self, text: str) -> Step:
        return self.send(Inbound("text", text=text))

    def command(self, name: str) -> Step:
        return self.send(Inbound("command", command=name))

    def tap_button(self, label_key: str) -> Step:
        """Tap the button with this label on the newest keyboard the bot sent (only there:
        a button the screen does not show cannot be tapped)."""
        keyboard = self.keyboard()
        for row in keyboard.buttons if keyboard is not None else ():
            for button in row:
                if button.label.key == label_key:
                    return self.tap(button.data)
        raise AssertionError(f"no button {label_key!r} on the newest keyboard")

    def keyboard(self) -> Outbound | None:
        """The newest message the bot sent with buttons: the screen the youngster sees."""
        for step in reversed(self.steps):
            for message in reversed(step.outbound):
                if message.buttons:
                    return message
        return None

    # what the bot said

    @property
    def last(self) -> Step:
        return self.steps[-1]

    def keys(self, step: Step | None = None) -> list[str]:
        return [m.key for m in (step or self.last).outbound]

    def button_data(self, message: Outbound) -> list[str]:
        return [b.data for row in message.buttons for b in row]

    def consented(self, source: str = "") -> Step:
        """Start and agree, the two taps before the first question."""
        self.start(source)
        return self.tap_button("consent.yes")
