"""The named errors the CLI turns into one clear line and exit code 2."""

from __future__ import annotations


class CheckerError(Exception):
    """A known problem with input or configuration: printed as one line, exit 2."""


class ConfigError(CheckerError):
    """schedule.yaml (or another trusted configuration file) is missing or invalid."""


class UsageError(CheckerError):
    """The command line asks for something that cannot be done."""


class LimitExceeded(Exception):
    """An untrusted input went past one of the named limits in ``checker.limits``.

    Inspectors catch it and turn it into a finding; it never reaches the user as a traceback.
    """

    def __init__(self, limit: str, detail: str) -> None:
        super().__init__(f"{limit}: {detail}")
        self.limit = limit
        self.detail = detail
