"""Django's PostgreSQL backend, with a health check that makes no round trip.

``DATABASES["default"]["ENGINE"] = "dskit.postgresql"`` on PostgreSQL (dskit/settings.py).
"""

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        """Whether the connection can be used again (CONN_HEALTH_CHECKS asks once a request).

        Django answers with ``SELECT 1``: a round trip before every signed-in page's first
        query. An idle connection is sent nothing unless the server is ending it (a restart,
        ``pg_terminate_backend``, an idle timeout), and then its socket has something to read:
        the notice and the end of the stream. So an idle connection with nothing to read is
        as usable as ``SELECT 1`` could tell; one in any other state is asked as Django asks.
        """
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()
        poll = select.poll()
        poll.register(connection.fileno(), select.POLLIN)
        return not poll.poll(0)
