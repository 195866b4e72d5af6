"""Domain errors: structured facts about what went wrong, never an HTTP status.

The http layer maps each class to a status (ghost API) or a problem document (admin API); the CLI prints
the message and exits non-zero.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the business rules raise on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """A value in a request or command is malformed; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class UnknownStockId(DomainError):
    def __init__(self, stock_id: int) -> None:
        super().__init__(f"stock_id {stock_id} does not exist")
        self.stock_id = stock_id


class UnknownOperation(InvalidInput):
    def __init__(self, op_type: str) -> None:
        super().__init__("type", f"unknown operation type {op_type!r}")
        self.op_type = op_type


class NothingAvailable(DomainError):
    """An order lost every line to clamping: it would be empty."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no item of order {key} is available")
        self.key = key


class LineUnavailable(DomainError):
    """An acquire line can get nothing at all (ghost API 4.6)."""

    def __init__(self, stock_id: int) -> None:
        super().__init__(f"stock_id {stock_id} not found")
        self.stock_id = stock_id


class NotFound(DomainError):
    """A thing does not exist, or is not the caller's (the two look the same from outside)."""

    def __init__(self, what: str, ident: object) -> None:
        super().__init__(f"{what} {ident} not found")
        self.what = what
        self.ident = ident


class Conflict(DomainError):
    """The request is well-formed but the current state forbids it (e.g. on-hand below locked)."""


class InvalidTransition(Conflict):
    def __init__(
        self, order_id: int, current: int, current_name: str, target: int, because: str = ""
    ) -> None:
        message = f"order {order_id} is {current_name} ({current}); it cannot move to status {target}"
        super().__init__(f"{message}: {because}" if because else message)
        self.order_id = order_id
        self.current = current
        self.target = target


class IncrementalWindowExceeded(DomainError):
    """A catalog `since` older than the incremental window (412): the shop needs a full export."""


class ReturnRefused(DomainError):
    """A return request breaks a rule of ghost API 4.8; `code` is the one the response carries."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class InvalidReturnTransition(Conflict):
    """A return line cannot take this step from where it is (e.g. refunding a refused line)."""

    def __init__(self, return_id: int, current: int, current_name: str, action: str) -> None:
        super().__init__(f"return line {return_id} is {current_name} ({current}); it cannot be {action}")
        self.return_id = return_id
        self.current = current
        self.action = action


class AuthenticationFailed(DomainError):
    """Missing, malformed or wrong credentials, or a disabled account (all look alike from outside)."""

    def __init__(self) -> None:
        super().__init__("authentication failed")


class LoginLocked(DomainError):
    """Too many failed back-office log-ins in a row: the account waits until `until`."""

    def __init__(self, until: object) -> None:
        super().__init__("too many failed log-ins; try again later")
        self.until = until
