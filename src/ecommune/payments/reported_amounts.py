"""The amount and currency a bank says it took, read from its answer.

eopayment's ``PaymentResponse`` (3.15) has no amount: each backend leaves what the bank
sent in ``bank_data``, in the bank's own words and units (cents or euros, ISO 4217 letters
or digits). One reader per backend the kit offers turns that into a ``Decimal`` and a
three-letter currency, so that ``settlement`` can compare them with the payment's before
crediting anything. A backend whose protocol knows one currency only (the DGFiP's PayFiP
and TIPI, Saga) reports euros implicitly; Paybox does not send the currency back, which
is the one its (signed) request fixed, the account's ``devise`` option. A backend without
a reader, or an answer without its amount, gives ``amount=None``: never credited.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
# ISO 4217 numeric codes, as SystemPay, Sips and Paybox write them.
NUMERIC_CURRENCIES = {"978": "EUR"}


@dataclass(frozen=True)
class Reported:
    """What the bank reports: ``amount`` in the currency's units, ``currency`` ISO 4217
    letters (or ``ISO 4217 n°…`` for a numeric code the kit does not know)."""

    amount: Decimal | None
    currency: str | None


def _first(data, key):
    """A value of ``bank_data``: query strings parsed by eopayment hold lists."""
    value = (data or {}).get(key) if isinstance(data, dict) else None
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return value


def _path(data, *keys):
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool) or str(value).strip() == "":
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _euros(value) -> Decimal | None:
    amount = _decimal(value)
    return None if amount is None else amount.quantize(CENT)


def _cents(value) -> Decimal | None:
    amount = _decimal(value)
    if amount is None or amount != amount.to_integral_value():
        return None  # a number of cents is whole
    return (amount / 100).quantize(CENT)


def _currency(value) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    code = str(value).strip().upper()
    if code.isdigit():
        return NUMERIC_CURRENCIES.get(code.zfill(3), f"ISO 4217 n°{code}")
    return code


def _dummy(data, options) -> Reported:
    # The kit's test bank states both; eopayment's public dummy service states neither.
    return Reported(_euros(_first(data, "amount")), _currency(_first(data, "currency")))


def _dgfip(data, options) -> Reported:
    # PayFiP and TIPI: ``montant`` in cents; the DGFiP only takes euros.
    return Reported(_cents(_first(data, "montant")), "EUR")


def _saga(data, options) -> Reported:
    return Reported(_euros(_first(data, "montant")), "EUR")


def _systempay(data, options) -> Reported:
    return Reported(_cents(_first(data, "vads_amount")), _currency(_first(data, "vads_currency")))


def _paybox(data, options) -> Reported:
    return Reported(
        _cents(_first(data, "montant")), _currency((options or {}).get("devise", "978"))
    )


def _sips2(data, options) -> Reported:
    return Reported(_cents(_first(data, "amount")), _currency(_first(data, "currencyCode")))


def _ogone(data, options) -> Reported:
    return Reported(_euros(_first(data, "AMOUNT")), _currency(_first(data, "CURRENCY")))


def _mollie(data, options) -> Reported:
    return Reported(
        _euros(_path(data, "amount", "value")), _currency(_path(data, "amount", "currency"))
    )


def _worldline(data, options) -> Reported:
    money = _path(data, "payment_details", "paymentOutput", "amountOfMoney") or {}
    return Reported(_cents(money.get("amount")), _currency(money.get("currencyCode")))


def _keyware(data, options) -> Reported:
    return Reported(_cents(_first(data, "amount")), _currency(_first(data, "currency")))


READERS: dict[str, Callable[[dict, dict], Reported]] = {
    "dummy": _dummy,
    "payfip_ws": _dgfip,
    "tipi": _dgfip,
    "saga": _saga,
    "systempayv2": _systempay,
    "payzen": _systempay,
    "paybox": _paybox,
    "sips2": _sips2,
    "ogone": _ogone,
    "mollie": _mollie,
    "worldline": _worldline,
    "keyware": _keyware,
}


def reported(backend: str, response, options: dict | None = None) -> Reported:
    """What ``response`` (an eopayment ``PaymentResponse`` of ``backend``) says was taken;
    ``options`` are the commune's options for that backend."""
    reader = READERS.get(backend)
    if reader is None:
        return Reported(None, None)
    try:
        return reader(response.bank_data or {}, options or {})
    except (AttributeError, TypeError, ValueError):
        return Reported(None, None)
