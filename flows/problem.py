"""A refusal said twice from one rule: the operator's one English line at the command line
(the Problem is that str, so the CLI prints it as it always did), and a text key with its
parameters (`web.problem.<key>`, content/texts) for a page in the staff member's language."""

from __future__ import annotations

from flows.messages import Param


class Problem(str):
    """Why an account change cannot be made: the CLI's sentence, `key` and `params`."""

    key: str
    params: dict[str, Param]

    def __new__(cls, sentence: str, key: str, **params: Param) -> Problem:
        made = super().__new__(cls, sentence)
        made.key = key
        made.params = params
        return made
