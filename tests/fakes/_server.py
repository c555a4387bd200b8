"""The plumbing both fake engines share: a loopback http.server in a background thread.

What it adds to the standard library, and why:

* ``stop()`` always returns promptly. A handler blocked on a slow or idle client (a
  keep-alive connection waiting for its next request) would hold ``shutdown()`` and
  ``server_close()`` forever, so the server remembers its open connections and cuts them.
* ``start()`` after ``stop()`` binds the same port again, so a test can take an engine
  "down" (connection refused) and bring it back like a container restart.
* The port is chosen by the OS on the first start (``port=0``).
"""

from __future__ import annotations

import socket
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer


class _ConnectionTracking:
    """Mixin for socketserver servers: remember accepted sockets until they are closed."""

    def server_bind(self):
        # HTTPServer.server_bind() would also resolve the host name (getfqdn), which can
        # stall on a machine without DNS; the fakes never need it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def server_activate(self):
        self._open = set()
        self._open_lock = threading.Lock()
        super().server_activate()

    def get_request(self):
        conn, addr = super().get_request()
        with self._open_lock:
            self._open.add(conn)
        return conn, addr

    def shutdown_request(self, request):
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def cut_connections(self):
        """Shut every open socket down so handlers blocked in recv() see EOF and return."""
        with self._open_lock:
            conns = list(self._open)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        # Cut connections and clients that hang up are normal here; stay quiet.
        pass


class SingleThreadedServer(_ConnectionTracking, HTTPServer):
    """One request at a time, like Flask's development server with ``threaded=False``."""


class ThreadedServer(_ConnectionTracking, ThreadingHTTPServer):
    """A thread per connection; ``server_close()`` joins them all (no leaked threads)."""

    daemon_threads = False  # daemon handler threads are not tracked, so not joined
    block_on_close = True


class QuietHandler(BaseHTTPRequestHandler):
    """Request handler that does not log every request to stderr during tests."""

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by the base class
        pass

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_bytes(self, status: int, body: bytes, content_type: str, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class FakeServer:
    """Start/stop/url/context-manager shell around one http.server instance.

    Subclasses set ``server_class`` and ``handler_class`` (whose handlers reach the fake
    as ``self.server.fake``) and may override ``_on_start`` / ``_on_stop``.
    """

    server_class: type[HTTPServer] = SingleThreadedServer
    handler_class: type[BaseHTTPRequestHandler]
    thread_name = "fake-engine"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0):
        self.host = host
        self.port = port
        self._httpd: HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if not self.port:
            raise RuntimeError("start() the fake before asking for its url")
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._httpd is not None

    def start(self):
        if self._httpd is not None:
            raise RuntimeError("already started")
        httpd = self.server_class((self.host, self.port), self.handler_class)
        httpd.fake = self
        self.port = httpd.server_address[1]  # remembered, so a restart keeps the address
        self._on_start()
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{self.thread_name}:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.cut_connections()  # a single-threaded handler may be blocked reading
        httpd.shutdown()  # no new requests once serve_forever() has left its loop
        self._on_stop()  # then release whatever handlers or workers wait on
        httpd.cut_connections()
        httpd.server_close()  # joins the threaded server's handler threads
        self._thread.join(timeout=2)

    def _on_start(self) -> None:
        pass

    def _on_stop(self) -> None:
        pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self.port else "not started"
        return f"<{type(self).__name__} {where}>"
