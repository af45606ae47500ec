"""What Klik says and asks, as data (YAML and the crisis model's weights), no code.

This folder is a package only so the words ship inside the wheel: an installed `klik` finds
them with importlib.resources, from any folder. CONTENT_DIR points the service elsewhere.
"""
