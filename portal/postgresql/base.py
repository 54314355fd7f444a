"""Django's PostgreSQL backend with a client-side deadline on every wait for the server.

``statement_timeout`` is enforced by the server, and libpq's keepalives and
``tcp_user_timeout`` only notice a link whose packets go unacknowledged: a
database that keeps the connection open and never answers (a stopped
process, a relay that stops forwarding) would hold the request until the
worker is killed. Here each query, health check, commit, rollback and
connect is bounded by ``CLIENT_TIMEOUT`` seconds (``DB_CLIENT_TIMEOUT``):
past it the connection is closed and an ``OperationalError`` raised, which
``portal.faults`` answers with a 503; the next request connects afresh.

The bound uses ``SIGALRM``, which only the main thread can receive: in a
sync worker (gunicorn's default) every request runs there. In other
threads the waits are bounded by the keepalive options alone.
"""

from __future__ import annotations

import contextlib
import signal
import threading

from django.db import OperationalError
from django.db.backends.postgresql import base


class _Expired(Exception):
    """Raised by the alarm inside a wait for the server (not a KeyboardInterrupt: psycopg would try to cancel)."""


def _expire(signum, frame):
    raise _Expired


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.execute_wrappers.append(self._bounded_execute)

    @property
    def client_timeout(self) -> float:
        return float(self.settings_dict.get("CLIENT_TIMEOUT") or 0)

    @contextlib.contextmanager
    def client_deadline(self):
        """Bound the wait inside to ``client_timeout`` seconds; on expiry, close the connection and raise."""
        seconds = self.client_timeout
        armed = (
            seconds > 0
            and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # none running: ours or someone else's
        )
        if not armed:
            yield
            return
        previous = signal.signal(signal.SIGALRM, _expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        except _Expired:
            self._abandon()
            raise OperationalError(
                f"The database did not answer within {seconds:g} s (DB_CLIENT_TIMEOUT); the connection was closed."
            ) from None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def _abandon(self) -> None:
        """Close the connection mid-protocol: it is in an unknown state, and Django connects afresh next time."""
        if self.connection is not None:
            with contextlib.suppress(Exception):
                self.connection.close()
        self.errors_occurred = True

    def _bounded_execute(self, execute, sql, params, many, context):
        with self.client_deadline():
            return execute(sql, params, many, context)

    def connect(self):
        with self.client_deadline():
            super().connect()

    def is_usable(self):
        try:
            with self.client_deadline():
                return super().is_usable()
        except OperationalError:
            return False

    def _commit(self):
        with self.client_deadline():
            super()._commit()

    def _rollback(self):
        with self.client_deadline():
            super()._rollback()

    def _set_autocommit(self, autocommit):
        with self.client_deadline():
            super()._set_autocommit(autocommit)
