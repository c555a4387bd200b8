"""The normalization tests are pure Python: they need no database and no media folder.

The project-wide autouse media_root fixture asks for pytest-django's settings fixture;
it is overridden here so these tests also run with `-p no:django`.
"""

import pytest


@pytest.fixture(autouse=True)
def media_root():
    return None
