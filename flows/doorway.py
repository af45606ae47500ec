"""The doorway: from /start to the first question. Who we are, consent in plain words (its
buttons carry language and link source, so nothing is kept before "oké"), and the age band
(under the minimum age: a kind referral, and nothing kept at all)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flows.messages import Button, CountryText, HelpLines, Outbound, Param, Ref
from flows.sla import promised_within
from flows.state import AGE, CONSENT, Intake, Stat, Step, Tap

if TYPE_CHECKING:
    from flows.content import AgeBand
    from flows.intake import IntakeFlow

# A typed age at "Hoe oud ben je?": one word of one or two digits in a few words ("16", "ik
# ben 16", "16 jaar", "bijna 15", "17 years old"). A longer message is a story, not an age; a
# number inside another word ("ZEBRA-42", "3e") or a birth year (four digits) is not read.
_AGE_NUMBER = re.compile(r"\d{1,2}")
_PUNCTUATION = ".,!?;:()'\""
_AGE_WORDS = 4


class Doorway:
    """Welcome, consent, language and age for every youngster."""

    def __init__(self, flow: IntakeFlow) -> None:
        self.flow = flow
        self.questionnaire = flow.questionnaire
        self.rules = flow.rules

    def welcome(self, step: Step, language: str, source: str) -> None:
        """Who we are and the consent question, in one message with the consent buttons: one
        message where two would do, so in a busy moment every newcomer's welcome goes out
        before anyone's second message. Nothing is kept before the answer."""
        step.language = language
        # Who pays benefits differs per country (OCMW in Flanders, UWV in the Netherlands).
        params: dict[str, Param] = {
            "promise": promised_within(self.rules),
            "not_us": CountryText("benefit_offices"),
            "consent": Ref("consent.ask"),
        }
        step.outbound.append(
            Outbound("welcome", params, buttons=self.consent_buttons(language, source))
        )

    def nothing_kept(self, step: Step) -> None:
        """Words while nothing is kept (before consent, or after a decline, an erase or the
        age referral): say so, with the consent buttons as the way forward, never a pointer
        at buttons that may no longer be there."""
        step.outbound.append(Outbound("consent.need_answer"))
        step.outbound.append(self.consent_question(step.language, ""))

    def consent_question(self, language: str, source: str) -> Outbound:
        """The consent question on its own."""
        return Outbound("consent.ask", buttons=self.consent_buttons(language, source))

    def consent_buttons(self, language: str, source: str) -> tuple[tuple[Button, ...], ...]:
        """Yes, no and the other language; they carry language and source, so nothing is
        kept before the answer."""
        switch = [
            Button(Ref("language.name", language=other), f"lang:{other}:{source}")
            for other in self.questionnaire.languages
            if other != language
        ]
        return (
            (Button(Ref("consent.yes"), f"consent:yes:{language}:{source}"),),
            (Button(Ref("consent.no"), f"consent:no:{language}:{source}"),),
            tuple(switch),
        )

    def consent_choice(self, step: Step, parts: list[str]) -> None:
        """A tap on the consent question or its language button (`consent:yes:nl:insta`)."""
        if step.intake is not None:
            step.tap = Tap("stale")
            return
        if parts[0] == "lang" and len(parts) == 3:
            kind, answer, language, source = "lang", "", parts[1], parts[2]
        elif parts[0] == "consent" and len(parts) == 4:
            kind, answer, language, source = parts
        else:
            step.tap = Tap("unknown")
            return
        if language not in self.questionnaire.languages or (
            source and source not in (*self.questionnaire.sources, "other")
        ):
            step.tap = Tap("unknown")
            return
        step.language = language
        if kind == "lang":
            step.tap = Tap("closed")
            self.welcome(step, language, source)
        elif answer == "no":
            step.tap = Tap("answered", Ref("consent.no"))
            step.stats.append(Stat("consent_declined", value=source or None))
            step.outbound.append(Outbound("consent.declined"))
        elif answer == "yes":
            step.tap = Tap("answered", Ref("consent.yes"))
            step.intake = Intake(state=CONSENT, language=language, source=source or None)
            self.flow.move(step.intake, "agree")
            step.stats.append(Stat("consent_given", value=source or None))
            self.flow.ask(step)
        else:
            step.tap = Tap("unknown")

    def typed_age(self, intake: Intake, step: Step, text: str) -> bool:
        """An age typed instead of tapped, taken as the tap on its band; False when the text
        holds no single age in a few words (then it is kept as any other words are)."""
        words = [word.strip(_PUNCTUATION) for word in text.split()]
        numbers = [word for word in words if _AGE_NUMBER.fullmatch(word)]
        if len(numbers) != 1 or len(words) > _AGE_WORDS:
            return False
        if any(char.isdigit() for word in words if word not in numbers for char in word):
            return False  # "16 of 17", "16-17": two ages, or a range, is no answer to read
        age = int(numbers[0])
        band = next((b for b in self.questionnaire.age_bands if _holds(b, age)), None)
        if band is None:
            return False
        self.age_choice(intake, step, band.id, tapped=False)
        return True

    def age_choice(self, intake: Intake, step: Step, value: str, *, tapped: bool = True) -> None:
        """A tapped age band, or "liever niet zeggen"."""
        if value == "skip":
            intake.age_band = None
            step.tap = Tap("answered", Ref("age.skip"))
        else:
            band = self.questionnaire.age_band(value)
            if band is None:
                step.tap = Tap("unknown")
                return
            if tapped:
                step.tap = Tap("answered", Ref(f"age.{band.id}"))
            if band.max is not None and band.max < self.rules.min_age:
                step.intake, step.forget = None, True
                step.stats.append(Stat("too_young", value=band.id))
                step.outbound.append(
                    Outbound(
                        "age.too_young",
                        {"min_age": self.rules.min_age, "help_lines": HelpLines("under_age")},
                    )
                )
                return
            intake.age_band = band.id
        step.stats.append(Stat("answered" if value != "skip" else "skipped", AGE, value))
        self.flow.move(intake, "next")
        self.flow.ask(step)


def _holds(band: AgeBand, age: int) -> bool:
    return (band.min is None or band.min <= age) and (band.max is None or age <= band.max)
