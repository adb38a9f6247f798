"""Request references a resident can read aloud: ``EC-2026-4F7K9``.

Five characters drawn at random from an alphabet without the letters read
like digits (no I, L, O, U: Crockford's base 32), so a reference is neither
guessable in sequence nor misheard on the phone. About 33 million per year
and per install; a collision is retried.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_RE = re.compile(r"^EC-(\d{4})-([0-9A-HJKMNP-TV-Z]{5})$")


def new_reference(year: int) -> str:
    return f"EC-{year}-" + "".join(secrets.choice(ALPHABET) for _ in range(5))


def normalise_reference(text: str) -> str:
    """What a resident types ('ec 2026 4f7k9', 'EC-2026-4F7K9 ') → 'EC-2026-4F7K9'.

    Letters read like digits are mapped the Crockford way (O→0, I and L→1)."""
    compact = re.sub(r"[\s\-_.]", "", (text or "").upper())
    if compact.startswith("EC"):
        compact = compact[2:]
    if len(compact) != 9 or not compact[:4].isdigit():
        return (text or "").strip().upper()
    code = compact[4:].translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    return f"EC-{compact[:4]}-{code}"
