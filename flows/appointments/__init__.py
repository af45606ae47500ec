"""Appointments as a part of a case: proposed in the chat, answered with one tap, reminded
and checked afterwards. Pure rules, like flows/coaching/: each takes plain facts and returns an
Outcome (messages and changes as data); bot/services/appointments.py loads and applies."""
