"""The designer's form in the back office: the procedure with its steps, fields and
statuses as inline rows (Wagtail's ``InlinePanel``, as ``wagtail.contrib.forms`` does),
checked as a whole by ``schema.check``: each problem is shown next to its field, in the
row it belongs to."""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from ecommune.core.registry import registry
from ecommune.procedures import schema
from ecommune.procedures.models import Procedure


def _ordered(formset):
    """The formset's kept forms in their order (Wagtail's ``ORDER``), cleaned."""
    formset.is_valid()
    kept = []
    for position, form in enumerate(formset.forms):
        cleaned = getattr(form, "cleaned_data", None)
        if cleaned is None or not form.has_changed() and form.instance.pk is None:
            continue
        if cleaned.get("DELETE"):
            continue
        kept.append((cleaned.get("ORDER") or position, position, form))
    return [form for _order, _position, form in sorted(kept, key=lambda item: item[:2])]


class ProcedureForm(WagtailAdminModelForm):
    """The base of the designer's form (Wagtail adds the panels' fields and formsets)."""

    class Meta:
        model = Procedure
        fields = ["title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.versions.exists() and "slug" in self.fields:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _("Published: the address no longer changes.")

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("title") or "")
        slug = slug[:60].strip("-")
        if not slug:
            slug = slugify(self.data.get("title", ""))[:60].strip("-")
        if any(service.slug == slug for service in registry.coded()):
            raise forms.ValidationError(_("A procedure of the kit already has this address."))
        others = Procedure.objects.filter(slug=slug)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if slug and others.exists():
            raise forms.ValidationError(_("Another procedure of the commune has this address."))
        return slug

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("slug") is None and "slug" not in self.errors:
            cleaned["slug"] = slugify(cleaned.get("title") or "")[:60]
        rows = {}
        for relation, keys in (
            ("steps", schema.STEP_KEYS),
            ("fields", schema.FIELD_KEYS),
            ("statuses", schema.STATUS_KEYS),
        ):
            if relation not in self.formsets:
                return cleaned
            forms_in_order = _ordered(self.formsets[relation])
            rows[relation] = (
                forms_in_order,
                [
                    {"index": index, **{key: form.cleaned_data.get(key) for key in keys}}
                    for index, form in enumerate(forms_in_order)
                ],
            )
        head = {key: cleaned.get(key) for key in schema.PROCEDURE_KEYS}
        for problem in schema.check(head, rows["steps"][1], rows["fields"][1], rows["statuses"][1]):
            if problem.where == "procedure":
                name = problem.field if problem.field in self.fields else None
                if name is None or name not in self.errors:
                    self.add_error(name, problem.message)
                continue
            form = rows[problem.where][0][problem.index]
            name = problem.field if problem.field in form.fields else None
            if name is not None and name in form.errors and problem.message in form.errors[name]:
                continue
            form.add_error(name, problem.message)
        return cleaned
