"""Model fields shared by the kit's apps."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecommune.core.registry import RegisteredServiceValidator, registry


class ServiceListField(models.JSONField):
    """A list of service slugs, validated against the registry, edited as checkboxes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
        self.validators.append(RegisteredServiceValidator())

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=registry.choices,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name,
            help_text=self.help_text,
            error_messages={"invalid_choice": _("%(value)s is not an available service.")},
        )
