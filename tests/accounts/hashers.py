"""Password hashers for the tests that check how much work a page does."""

from django.contrib.auth.hashers import MD5PasswordHasher, PBKDF2PasswordHasher


class CountingMD5Hasher(MD5PasswordHasher):
    """The test settings' MD5 hasher, counting the passwords it hashes."""

    hashed = 0

    def encode(self, password, salt):
        type(self).hashed += 1
        return super().encode(password, salt)


class SlowPBKDF2Hasher(PBKDF2PasswordHasher):
    """Django's production hasher with fewer rounds: slow enough (a few hundred
    milliseconds) to dwarf the rest of a page, as in production."""

    iterations = 300_000
