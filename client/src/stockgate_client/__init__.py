"""Typed client for the Rewix ghost API."""
