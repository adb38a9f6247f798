"""A secret key kept in a file of the site's own folder, made on first use.

The demo and a development site without ``SECRET_KEY`` must not share a key written in
the source: anyone could then forge their signed links (password resets, survey links,
tracking). Each folder gets its own random key, readable by its owner only.
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

FILE_NAME = "secret_key"


def read_or_create(path: Path) -> str:
    """The key stored in ``path``; on first use a new random one, written with mode 0600.

    The web process and the task worker may start together: the key is written to a
    temporary file and linked into place, so a process reads either nothing or a whole
    key, and the first one to link it wins.
    """
    path = Path(path)
    try:
        if path.exists():
            return _read(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            temporary.unlink()
    except OSError as error:
        raise ImproperlyConfigured(
            f"Cannot read or write the secret key file {path} ({error.strerror}): set the "
            f"environment variable SECRET_KEY or make that folder writable. — Impossible "
            f"de lire ou d'écrire la clé secrète {path} : définissez SECRET_KEY."
        ) from error
    return _read(path)


def _read(path: Path) -> str:
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 50:
        raise ImproperlyConfigured(
            f"The secret key file {path} holds no usable key (fewer than 50 characters): "
            f"delete it to have a new one made."
        )
    return key
