"""The error summary every form of the portal shows, as GOV.UK's and the DSFR's: one
wording, then a link to each field in error, the summary focused when the page opens
(``autofocus`` on the summary, so without JavaScript too)."""

from django import forms, template

register = template.Library()

_GROUPED = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget)


def field_anchor(bound) -> str:
    """The id of the control a link to ``bound`` should reach: the first of a group of
    radio buttons, boxes or sub-fields, the field itself otherwise."""
    auto_id = bound.auto_id
    if not auto_id:
        return ""
    if isinstance(bound.field.widget, _GROUPED):
        return f"{auto_id}_0"
    return bound.id_for_label or auto_id


def error_links(form) -> list[dict]:
    """Each field in error, in the form's order: its anchor, its label and its errors."""
    return [
        {
            "anchor": field_anchor(form[name]),
            "label": form[name].label,
            "errors": list(form.errors[name]),
        }
        for name in form.fields
        if name in form.errors
    ]


@register.inclusion_tag("ecommune_core/_error_summary.html")
def error_summary(form):
    """``{% error_summary form %}``: nothing when the form has no error."""
    if form is None or not form.errors:
        return {"show": False}
    links = error_links(form)
    return {
        "show": True,
        "non_field_errors": form.non_field_errors(),
        "links": links,
        "count": len(links),
    }
