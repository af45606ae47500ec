"""The web chat: a youngster talks to Klik in a browser at /chat, through the same conversation
service, flows, queue and relay as on Telegram (bot/channels/web/setup.py wires it)."""
