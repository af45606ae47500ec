"""The staff side as a flow: what a coach or team lead can do, and what the team hears.

Pure, like the intake: no SQL, no Telegram, no clock reads (`now` is passed in). Each rule
takes what it needs as plain values (`facts.py`) and returns an `Outcome` (`effects.py`): the
messages to send and the changes to write, as data. bot/services/staff.py loads the facts
through storage verbs, calls a rule and applies its outcome in the same transaction.
"""
