"""The REST faces of jobs: v1 (``jobs``, ``operations``) and the seed's API (``seed``)."""
