"""A password hasher for test users only (tests/conftest.py puts it first)."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class OneRoundPBKDF2(PBKDF2PasswordHasher):
    """Django's PBKDF2 at one iteration instead of a million (0.4 s per hash and per login
    check, hundreds of times a run). The count is stored in the hash, so a child server
    on Django's default hashers still verifies these passwords."""

    iterations = 1
