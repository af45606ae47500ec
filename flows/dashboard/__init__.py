"""The dashboard's rules, pure: signing in with a one-time link, who may open what, and the
team lead's live board."""
