"""One postal address per resident, given once.

The resident's address lives in their account (« Mes coordonnées »). A wizard step that
asks for an address says which of its fields hold it (``address_fields``, an
``AddressFields`` on the form class); the engine prefills them from the account, and
when the resident sends another address, the acknowledgment offers to keep it in the
account. Forms name their fields as they like: the civil-status delivery has
``street_address``, the school enrolment a separate house number, a designed procedure
``<name>__street``.
"""

import re
from dataclasses import dataclass

#: A house number at the start of a street line: « 12 », « 12 bis », « 4B ».
_NUMBER = re.compile(r"^\s*(\d+\s?(?:bis|ter|quater|[a-z])?)\b[\s,]*(.+)$", re.IGNORECASE)


def _normal(text: str) -> str:
    return " ".join(str(text or "").split()).casefold()


@dataclass(frozen=True)
class Address:
    street: str = ""
    postal_code: str = ""
    city: str = ""

    def __bool__(self) -> bool:
        return bool(self.street.strip() and self.postal_code.strip())

    def __str__(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}".strip(", ")

    def same_as(self, other: "Address") -> bool:
        """The same place, whatever the case and the spaces."""
        return all(
            _normal(getattr(self, part)) == _normal(getattr(other, part))
            for part in ("street", "postal_code", "city")
        )

    @classmethod
    def of_account(cls, user) -> "Address":
        return cls(
            getattr(user, "street_address", "") or "",
            getattr(user, "postal_code", "") or "",
            getattr(user, "city", "") or "",
        )


def split_number(street: str) -> tuple[str, str]:
    """(« 12 bis », « rue des Tilleuls ») from « 12 bis rue des Tilleuls »; ("", street)
    when the line starts with no number."""
    found = _NUMBER.match(street or "")
    if found is None:
        return "", (street or "").strip()
    return " ".join(found.group(1).split()), found.group(2).strip()


@dataclass(frozen=True)
class AddressFields:
    """The names of a form's fields that hold a postal address; ``number`` when the form
    asks the house number apart from the street."""

    street: str
    postal_code: str
    city: str
    number: str = ""

    def initial(self, address: Address) -> dict:
        """The fields' values for ``address``."""
        values = {self.postal_code: address.postal_code, self.city: address.city}
        if self.number:
            values[self.number], values[self.street] = split_number(address.street)
        else:
            values[self.street] = address.street
        return values

    def read(self, cleaned: dict) -> Address:
        """The address a resident gave in the form's cleaned data."""
        street = str(cleaned.get(self.street) or "").strip()
        if self.number and cleaned.get(self.number):
            street = f"{str(cleaned[self.number]).strip()} {street}".strip()
        return Address(
            street, str(cleaned.get(self.postal_code) or ""), str(cleaned.get(self.city) or "")
        )


def address_fields_of(form_class) -> AddressFields | None:
    return getattr(form_class, "address_fields", None)
