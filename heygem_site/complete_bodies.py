"""WSGI middleware: a request body arrives whole, or the request stops with a 400.

An upload whose client went away mid-way must never become a job: Django's
multipart parser quietly drops a file part that never finished, and the rest of
the form (the text) would make a job with the default speaker. Wrapped around
the WSGI app (heygem_site.wsgi), a body that ends before its ``Content-Length``
raises BodyEndedEarly (a BadRequest) on the read that finds the end, so the parse
and the view never complete; handler400 answers it (heygem_site.uploads).

Imports nothing that needs settings: the WSGI module loads it before Django starts.
"""

from django.core.exceptions import BadRequest


class BodyEndedEarly(BadRequest):
    """The client stopped sending before its body's declared length: nothing is made of it."""

    def __init__(self, received: int, declared: int):
        super().__init__(
            f"The request ended after {received:,} of its {declared:,} bytes (the upload was "
            "cut off). Nothing was stored; send it again."
        )


class CompleteBodyInput:
    """``wsgi.input`` that raises BodyEndedEarly where the body ends short of its length.

    Servers answer a closed connection with an empty read (gunicorn does); a broken
    one may raise OSError. Both mean the same here.
    """

    def __init__(self, stream, declared: int):
        self.stream, self.declared, self.received = stream, declared, 0

    def _counted(self, read, size):
        try:
            data = read(size) if size is not None and size >= 0 else read()
        except OSError as exc:
            raise BodyEndedEarly(self.received, self.declared) from exc
        self.received += len(data)
        if not data and size != 0 and self.received < self.declared:
            raise BodyEndedEarly(self.received, self.declared)
        return data

    def read(self, size=-1):
        return self._counted(self.stream.read, size)

    def readline(self, size=-1):
        return self._counted(self.stream.readline, size)


def complete_bodies(app):
    """WSGI middleware: every body with a Content-Length arrives whole, or not at all."""

    def wrapped(environ, start_response):
        try:
            declared = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > 0:
            environ["wsgi.input"] = CompleteBodyInput(environ["wsgi.input"], declared)
        return app(environ, start_response)

    return wrapped
