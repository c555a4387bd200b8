"""The settings a bench runs the product with: production's (DEBUG off).

A bench measures what operators run. With DEBUG on, Django keeps every query of a
process in memory and wraps each in a timer: more CPU and a growing heap.
"""

import secrets


def production_env() -> dict[str, str]:
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),  # this run's own, never stored
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
