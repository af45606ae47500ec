"""The web dashboard: pages for coaches and team leads on the process's aiohttp application,
rendered on the server (aiohttp-jinja2), in the staff member's language, signed in with a
one-time link. Every rule it follows is in flows/ (flows/dashboard/, flows/coaching/), every
write goes through storage/ verbs, every word is in content/texts."""
