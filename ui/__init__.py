"""Presentation helpers for the Streamlit page (pure functions, no Streamlit import)."""
