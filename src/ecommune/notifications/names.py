"""A name one person typed, shown in a message the town hall sends to someone else.

Sign-up and household invitations email an address the visitor chose, from the town
hall's sender, with the visitor's own name in it. Unfiltered, the first-name field is
a mail relay: « Marie » becomes « Votre compte est bloqué, payez sur www.exemple.com ».
Only a short name made of letters, spaces, hyphens and apostrophes goes into a
message; anything else (digits, dots, slashes, ``@``: all a web or email address
needs), or the words that start a web address, gives way to a neutral wording.
"""

import re
import unicodedata

NAME_MAX_LENGTH = 30

# Letters (any script), separated by one space, hyphen or apostrophe.
_NAME = re.compile(r"^[^\W\d_]+(?:[ '’-][^\W\d_]+)*$")
# Words that start a web address even without its dots (« www exemple com »).
_ADDRESS_WORDS = re.compile(r"\b(?:www|https?|ftp)\b", re.IGNORECASE)


def display_name(typed: str, max_length: int = NAME_MAX_LENGTH) -> str:
    """``typed`` as a first name for a message, or ``""`` when it is not one.

    Control and formatting characters (such as a right-to-left override) go, spaces
    are collapsed, and the result is cut to ``max_length`` at a word boundary.
    """
    text = "".join(
        " " if char.isspace() else char
        for char in unicodedata.normalize("NFC", typed or "")
        if char.isspace() or unicodedata.category(char)[0] != "C"
    )
    text = " ".join(text.split())
    if len(text) > max_length:
        text = text[:max_length]
        if " " in text:
            text = text.rsplit(" ", 1)[0]
        text = text.rstrip(" '’-")
    if not _NAME.match(text) or _ADDRESS_WORDS.search(text):
        return ""
    return text
