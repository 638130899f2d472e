"""Errors the domain raises; the CLI maps each kind to one exit status."""

from __future__ import annotations


class FlowdayError(Exception):
    """Base of every error flowday reports to a person as one clear line."""

    exit_code = 1


class InputError(FlowdayError):
    """The person typed something flowday cannot accept (exit status 2)."""

    exit_code = 2


class RefusedError(FlowdayError):
    """The change breaks a hard rule or overlaps another block (exit status 3)."""

    exit_code = 3

    def __init__(
        self, message: str, violations: list | None = None, hint: str = "", *, days: str = ""
    ) -> None:
        super().__init__(f"{message}, or {hint}" if hint else message)
        self.violations = violations or []
        self.hint = hint  # the way forward the mode offers, e.g. the nearest allowed time
        # a change refused on several days (a routine): which, when `violations` are the
        # first day's, e.g. "Broken on Wed 2026-11-25 (as above), … and 12 more days"
        self.days = days


class NotFoundError(InputError):
    """An id that names nothing."""
