"""The stockgate-client command."""


def main() -> None:
    """Entry point of the stockgate-client command."""
