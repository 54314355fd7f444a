"""With the database down or hanging, visitors get a 503 in their language, quickly; the site recovers alone."""

import contextlib
import socket
import threading
import time

import pytest
from django.db import OperationalError, connection
from django.test import Client

from news.tests.factories import article
from portal.faults import DatabaseUnavailableMiddleware


@pytest.mark.django_db
def test_a_database_error_in_a_view_is_a_translated_503(client, monkeypatch):
    def broken(self, *args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("news.views.HomeView.get_context_data", broken)
    response = client.get("/zh/")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    content = response.content.decode()
    assert "暂时无法访问" in content and 'lang="zh-Hans"' in content
    assert "/static/css/site.css" in content
    response = client.get("/en/")
    assert response.status_code == 503 and "Temporarily unavailable" in response.content.decode()


@pytest.mark.django_db
def test_a_database_error_outside_any_view_is_a_503_too(monkeypatch):
    def broken(self, request):
        raise OperationalError("server closed the connection unexpectedly")

    # A middleware that reads the database (sessions, authentication) fails before any view runs.
    monkeypatch.setattr(DatabaseUnavailableMiddleware, "__call__", broken)
    response = Client(raise_request_exception=False).get("/en/news/")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()


class TcpProxy:
    """A TCP relay in front of PostgreSQL that a test can stop, restart, or make hang."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.mode = "up"
        self.forwarding = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listener = None
        self.port = 0
        self.start()

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(16)
        self.mode = "up"
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            self._track(client)
            if self.mode == "hang":
                continue  # accepted, never answered
            upstream = socket.create_connection(self.upstream)
            self._track(upstream)
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    def _track(self, sock):
        with self.lock:
            self.sockets.append(sock)

    def _pipe(self, source, target):
        try:
            while data := source.recv(65536):
                if self.forwarding:
                    target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _drop_connections(self):
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def stop(self):
        """The database is down: connections refused, the open ones cut."""
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self.listener.close()
        self._drop_connections()

    def hang(self):
        """The database hangs: the open connections are cut, new ones accepted but never answered."""
        self.mode = "hang"
        self._drop_connections()

    def black_hole(self):
        """The link black-holes: connections stay open, whatever is sent is dropped unanswered."""
        self.forwarding = False

    def forward(self):
        self.forwarding = True

    def close(self):
        self.stop()


@pytest.fixture
def proxied_database():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")
    settings_dict = connection.settings_dict
    original = (settings_dict["HOST"], settings_dict["PORT"])
    proxy = TcpProxy((settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432)))
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", str(proxy.port)
    try:
        yield proxy
    finally:
        connection.close()
        settings_dict["HOST"], settings_dict["PORT"] = original
        proxy.close()


def timed_get(client, url, **headers):
    started = time.monotonic()
    response = client.get(url, **headers)
    return response, time.monotonic() - started


@pytest.mark.django_db(transaction=True)
def test_database_down_hanging_and_back(client, proxied_database):
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 2
    assert "statement_timeout" in connection.settings_dict["OPTIONS"]["options"]
    article(zh="数据库", en="Database", slug="database")
    assert client.get("/en/news/database/").status_code == 200

    proxied_database.stop()
    response, elapsed = timed_get(client, "/en/news/database/")
    assert response.status_code == 503 and elapsed < 2
    assert "Temporarily unavailable" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    response, elapsed = timed_get(client, "/zh/news/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 503 and "暂时无法访问" in response.content.decode()

    proxied_database.start()
    assert client.get("/en/news/database/").status_code == 200  # recovered, nothing restarted

    proxied_database.hang()
    response, elapsed = timed_get(client, "/en/news/database/")
    assert response.status_code == 503
    # libpq's connect_timeout has a floor of 2 s; the page is answered right after it.
    assert elapsed < 2.5, elapsed

    proxied_database.stop()
    proxied_database.start()
    assert client.get("/zh/news/database/").status_code == 200


@pytest.fixture
def client_timeout():
    """A one-second client deadline, so that the test waits one second per bounded wait, not six."""
    settings_dict = connection.settings_dict
    default = settings_dict["CLIENT_TIMEOUT"]
    settings_dict["CLIENT_TIMEOUT"] = 1
    yield 1
    settings_dict["CLIENT_TIMEOUT"] = default


@pytest.mark.django_db(transaction=True)
def test_a_database_that_stops_answering_an_open_connection_is_a_503_within_the_client_timeout(
    client, proxied_database, client_timeout
):
    article(zh="黑洞", en="Black hole", slug="black-hole")
    assert client.get("/en/news/black-hole/").status_code == 200  # connected, first queries answered
    open_connection = connection.connection

    proxied_database.black_hole()
    response, elapsed = timed_get(client, "/en/news/black-hole/")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()
    # One bounded wait for the health check of the open connection, one for the new connection.
    assert elapsed < 2 * client_timeout + 1, elapsed
    assert open_connection.closed

    proxied_database.forward()
    assert client.get("/en/news/black-hole/").status_code == 200  # recovered, nothing restarted


@pytest.mark.django_db(transaction=True)
def test_a_query_on_a_connection_that_stops_answering_raises_and_closes_it(proxied_database, client_timeout):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    open_connection = connection.connection
    proxied_database.black_hole()
    started = time.monotonic()
    with pytest.raises(OperationalError, match="did not answer within 1 s"), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert time.monotonic() - started < client_timeout + 1
    assert open_connection.closed
    proxied_database.forward()
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)
