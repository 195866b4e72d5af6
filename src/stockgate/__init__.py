"""stockgate: an open wholesale/dropshipping order platform speaking the Rewix ghost API."""

__version__ = "0.1.0"
