"""The intake machine as data: states and transitions built from the questionnaire, so a new
domain is a line of YAML. `klik diagram` draws it; flows/intake.py drives it."""

from __future__ import annotations

from typing import Any

from flows.content import Content
from flows.questions import preference_state, question_state
from flows.state import AGE, CONSENT, QUEUED, SUMMARY


def intake_machine_spec(content: Content) -> dict[str, Any]:
    """States and transitions of the intake as data, built from the questionnaire."""
    questionnaire = content.questionnaire
    questions = [question_state(q.id) for q in questionnaire.questions]
    preferences = [preference_state(p.id) for p in questionnaire.preferences]
    in_intake = [AGE, *questions, SUMMARY, *preferences]
    transitions: list[dict[str, Any]] = [
        {"trigger": "agree", "source": CONSENT, "dest": AGE},
        {"trigger": "next", "source": AGE, "dest": questions[0]},
    ]
    for here, there in zip(questions, [*questions[1:], SUMMARY], strict=True):
        transitions.append({"trigger": "next", "source": here, "dest": there})
    transitions.append({"trigger": "preferences", "source": SUMMARY, "dest": preferences[0]})
    for index, here in enumerate(preferences):
        # A preference marked only_without_source is asked only when the link had no source.
        for later in questionnaire.preferences[index + 1 :]:
            if later.only_without_source:
                transitions.append(
                    {
                        "trigger": "next",
                        "source": here,
                        "dest": preference_state(later.id),
                        "conditions": "lacks_source",
                    }
                )
                continue
            transitions.append(
                {"trigger": "next", "source": here, "dest": preference_state(later.id)}
            )
            break
        else:
            transitions.append({"trigger": "next", "source": here, "dest": SUMMARY})
    transitions += [
        {"trigger": "back", "source": preferences, "dest": SUMMARY},
        {"trigger": "send", "source": SUMMARY, "dest": QUEUED},
        {"trigger": "talk_now", "source": in_intake, "dest": QUEUED},
        {"trigger": "restart", "source": in_intake, "dest": AGE},
        {"trigger": "withdraw", "source": QUEUED, "dest": SUMMARY},
    ]
    return {
        "states": [CONSENT, *in_intake, QUEUED],
        "transitions": transitions,
        "initial": CONSENT,
    }


class MachineModel:
    """What the shared machine moves: just a state and the one fact a condition needs."""

    def __init__(self, state: str, has_source: bool) -> None:
        self.state = state
        self._has_source = has_source

    def lacks_source(self) -> bool:
        return not self._has_source
