"""The PyGithub session and our own bounded retry.

PyGithub's own retry and throttling are switched off (they sleep where tests cannot see it and
may repeat a POST); every call goes through ``Session.call``, which:

- retries 5xx answers, connection errors, 429 and 403 rate limits, waiting as GitHub asks
  (``Retry-After``; ``x-ratelimit-reset`` when ``x-ratelimit-remaining`` is 0) or backing off
  exponentially;
- gives up with one clear message when the next wait would pass the time budget (kept well
  inside the job's ``timeout-minutes``) or after ``max_attempts``;
- never repeats a write that may have happened: ``idempotent=False`` calls raise ``Uncertain``
  on a 5xx / dropped connection, and the caller looks before it tries again;
- logs every attempt, so the job log shows exactly what was asked and answered.

``sleep`` and ``clock`` are injectable: tests never wait.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from checker.errors import CheckerError, UsageError

try:
    import requests
    from github import Auth, Github, GithubException
except ModuleNotFoundError as exc:  # a student's install (requirements/check.txt) has no client
    raise UsageError(
        f"this command talks to GitHub, and the GitHub client is not installed ({exc.name}): "
        "pip install -e '.[github]' (the workflows install requirements/github.txt)") from None

T = TypeVar("T")

DEFAULT_API_URL = "https://api.github.com"


class PublishError(CheckerError):
    """GitHub could not be updated (after retrying where that made sense)."""


class Uncertain(Exception):
    """A non-idempotent write failed in a way that may still have applied it."""

    def __init__(self, what: str, detail: str) -> None:
        super().__init__(f"{what}: {detail}")
        self.detail = detail


@dataclass
class RetryPolicy:
    max_attempts: int = 6
    budget_seconds: float = 300.0  # total waiting allowed; the publish job has 10 minutes
    base_delay: float = 2.0
    max_delay: float = 60.0


@dataclass
class Session:
    gh: Github
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    log: Callable[[str], None] = field(default=lambda msg: print(msg, file=sys.stderr))
    waited: float = 0.0
    calls: int = 0

    def call(self, what: str, fn: Callable[[], T], *, idempotent: bool = True) -> T:
        attempt = 0
        while True:
            attempt += 1
            self.calls += 1
            try:
                return fn()
            except GithubException as e:
                wait, reason = self._classify(e, attempt)
                transient_write = e.status >= 500
            except (requests.ConnectionError, requests.Timeout) as e:
                wait, reason = self._backoff(attempt), f"connection failed ({type(e).__name__})"
                transient_write = True
            if wait is None:
                raise PublishError(f"GitHub refused to {what}: {reason}") from None
            if not idempotent and transient_write:
                self.log(f"github: {what}: {reason}; it may have been applied, checking first")
                raise Uncertain(what, reason)
            if attempt >= self.policy.max_attempts:
                raise PublishError(
                    f"gave up trying to {what} after {attempt} attempts: {reason}"
                ) from None
            if self.waited + wait > self.policy.budget_seconds:
                raise PublishError(
                    f"gave up trying to {what}: {reason}; GitHub asks to wait {wait:.0f} s, "
                    f"more than the {self.policy.budget_seconds - self.waited:.0f} s left of the "
                    "retry budget. Re-run the job later."
                ) from None
            self.log(f"github: {what}: {reason}; retrying in {wait:.0f} s "
                     f"(attempt {attempt + 1} of {self.policy.max_attempts})")
            self.sleep(wait)
            self.waited += wait

    def _backoff(self, attempt: int) -> float:
        return float(min(self.policy.max_delay, self.policy.base_delay * 2 ** (attempt - 1)))

    def _classify(self, e: GithubException, attempt: int) -> tuple[float | None, str]:
        """(seconds to wait, or None if retrying is pointless; a reason for the log)."""
        headers = {k.lower(): v for k, v in (e.headers or {}).items()}
        message = ""
        if isinstance(e.data, dict):
            message = str(e.data.get("message", ""))[:200]
        reason = f"HTTP {e.status}" + (f" ({message})" if message else "")
        retry_after = headers.get("retry-after")
        if e.status in (403, 429) and retry_after is not None:
            try:
                return max(0.0, float(retry_after)), reason
            except ValueError:
                return self._backoff(attempt), reason
        if e.status in (403, 429) and headers.get("x-ratelimit-remaining") == "0":
            try:
                reset = float(headers.get("x-ratelimit-reset", ""))
            except ValueError:
                return self._backoff(attempt), reason
            return max(1.0, reset - self.clock() + 1), reason
        if e.status == 429 or (e.status == 403 and "rate limit" in message.lower()):
            return max(60.0, self._backoff(attempt)), reason  # GitHub: wait at least a minute
        if e.status >= 500:
            return self._backoff(attempt), reason
        return None, reason


def create_once(session: Session, what: str, create: Callable[[], T],
                find: Callable[[], T | None]) -> tuple[T, bool]:
    """Run the write ``create`` at most once in effect: (the object, whether this call made it).

    After a failure that may have applied it (``Uncertain``), wait, then ``find`` it; only if
    it is not there is it tried again.
    """
    for attempt in range(1, session.policy.max_attempts + 1):
        try:
            return session.call(what, create, idempotent=False), True
        except Uncertain as e:
            if attempt == session.policy.max_attempts:
                raise PublishError(f"could not {what}: {e.detail}") from None
            wait = session._backoff(attempt)
            session.sleep(wait)
            session.waited += wait
            found = find()
            if found is not None:
                session.log(f"github: {what}: it was done after all; not doing it again")
                return found, False
    raise AssertionError("unreachable")


def connect(token: str, api_url: str = DEFAULT_API_URL, *, timeout: int = 30) -> Github:
    """A PyGithub client with its own retry and throttling off (``Session`` retries)."""
    return Github(
        base_url=api_url.rstrip("/"),
        auth=Auth.Token(token),
        timeout=timeout,
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
        per_page=100,
        lazy=True,
    )
