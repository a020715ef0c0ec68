"""Tests of The edges: cli.py and app.py as the user meets them (processes, the page, a browser, load)."""
