"""Django's own messages that another installed app translates its own way: Django's
catalogue comes last, so Django REST framework's French (« adresse e-mail ») would win on
every form. Listed here, they enter the kit's catalogue (LOCALE_PATHS, which comes first)
with Django's French wording."""

from django.utils.translation import gettext_noop

DJANGO_MESSAGES = (
    gettext_noop("Enter a valid email address."),
    gettext_noop("No file was submitted."),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ),
    gettext_noop("Value must be valid JSON."),
)
