"""dskit.postgresql: the health check before a request's first query asks the socket, not the
server, and still finds a connection the server has ended."""

import time

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


@pytest.fixture
def other():
    """A connection of its own, idle (outside the test's transaction), as a worker's is
    between requests."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def backend_pid(wrapper):
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def last_query(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_an_idle_connection_is_usable_without_a_query(other):
    pid = backend_pid(other)
    assert other.is_usable()
    assert last_query(pid) == "SELECT pg_backend_pid()"


def test_a_connection_the_server_ended_is_not_usable_and_the_next_request_reconnects(other):
    pid = backend_pid(other)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while other.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not other.is_usable()
    # What Django does before a request's first query (CONN_HEALTH_CHECKS).
    other.health_check_done = False
    other.close_if_health_check_failed()
    assert backend_pid(other) != pid


def test_a_connection_inside_a_transaction_is_asked_as_django_asks(other):
    with other.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    assert other.is_usable()
    assert last_query(pid) == "SELECT 1"
    with other.cursor() as cursor:
        cursor.execute("ROLLBACK")
