"""Adapters for the outside world stockgate calls (webhook receivers)."""
