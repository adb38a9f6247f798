"""The eopayment backends a commune may choose, and the check of its options.

eopayment describes each backend's parameters (name, required, choices, type, a validation
function); a commune's options are checked against that description when an administrator
saves them, so a typo in a PayFiP client number shows in the form, not at a parent's first
payment. The return and notification URLs are not options: the provider builds them per
payment on the commune's own domain.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The URLs the provider fills in itself, per payment.
URL_OPTIONS = {"normal_return_url", "automatic_return_url", "direct_notification_url"}

BACKEND_CHOICES = [
    ("dummy", gettext_lazy("Test (dummy): no money moves")),
    ("payfip_ws", gettext_lazy("PayFiP (DGFiP), web service")),
    ("tipi", gettext_lazy("TIPI (DGFiP), former protocol")),
    ("paybox", gettext_lazy("Paybox (Verifone)")),
    ("systempayv2", gettext_lazy("SystemPay (Banque Populaire, Caisse d'Épargne)")),
    ("payzen", gettext_lazy("PayZen (Lyra)")),
    ("sips2", gettext_lazy("Sips 2 (Worldline)")),
    ("worldline", gettext_lazy("Worldline API")),
    ("ogone", gettext_lazy("Ogone (Ingenico)")),
    ("mollie", gettext_lazy("Mollie")),
    ("keyware", gettext_lazy("Keyware")),
    ("saga", gettext_lazy("Saga (Futur System)")),
]


def parameters_of(backend: str) -> list[dict]:
    import eopayment

    return [
        parameter
        for parameter in eopayment.get_backend(backend).description["parameters"]
        if not parameter.get("deprecated")
    ]


def _choice_values(choices) -> set:
    return {choice[0] if isinstance(choice, (list, tuple)) else choice for choice in choices}


def validate_options(backend: str, options) -> None:
    """Raise a ``ValidationError`` (French messages) when ``options`` do not fit ``backend``."""
    if backend not in dict(BACKEND_CHOICES):
        raise ValidationError(_("Unknown payment backend."))
    if not isinstance(options, dict):
        raise ValidationError(_("The options must be a JSON object."))
    parameters = {parameter["name"]: parameter for parameter in parameters_of(backend)}
    errors = []
    for name in sorted(set(options) - set(parameters)):
        errors.append(_("Unknown option « %(name)s » for this backend.") % {"name": name})
    for name in sorted(set(options) & URL_OPTIONS):
        errors.append(
            _("The option « %(name)s » is set by ecommune for each payment: remove it.")
            % {"name": name}
        )
    for name, parameter in parameters.items():
        if name in URL_OPTIONS:
            continue
        value = options.get(name)
        if value in (None, ""):
            if parameter.get("required") and "default" not in parameter:
                errors.append(_("The option « %(name)s » is required.") % {"name": name})
            continue
        kind = parameter.get("type")
        if kind is bool and not isinstance(value, bool):
            errors.append(_("The option « %(name)s » must be true or false.") % {"name": name})
            continue
        if kind is int and not isinstance(value, int):
            errors.append(_("The option « %(name)s » must be a whole number.") % {"name": name})
            continue
        choices = parameter.get("choices")
        if choices and kind is not list and value not in _choice_values(choices):
            errors.append(
                _("The option « %(name)s » must be one of: %(choices)s.")
                % {"name": name, "choices": ", ".join(sorted(map(str, _choice_values(choices))))}
            )
            continue
        check = parameter.get("validation")
        if check is not None:
            try:
                valid = check(value)
            except Exception:  # eopayment's checks assume a string; anything else is invalid
                valid = False
            if not valid and name == "numcli":
                errors.append(
                    _("The PayFiP client number (numcli) has 6 digits, as given by the DGFiP.")
                )
            elif not valid:
                errors.append(_("The option « %(name)s » is not valid.") % {"name": name})
    if errors:
        raise ValidationError(errors)


def describe(backend: str) -> str:
    """The options of a backend, for the admin's help text."""
    names = []
    for parameter in parameters_of(backend):
        if parameter["name"] in URL_OPTIONS:
            continue
        mark = "*" if parameter.get("required") and "default" not in parameter else ""
        names.append(parameter["name"] + mark)
    return ", ".join(names)
