"""WSGI entry point (gunicorn: heygem_site.wsgi).

Bodies that end before their Content-Length are refused before Django parses them
(heygem_site.uploads.complete_bodies): an aborted upload never becomes a job.
"""

import os

from django.core.wsgi import get_wsgi_application

from heygem_site.complete_bodies import complete_bodies

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heygem_site.settings")

application = complete_bodies(get_wsgi_application())
