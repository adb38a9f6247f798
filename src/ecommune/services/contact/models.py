"""The typed data of a message to the town hall."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecommune.core.tenancy import CommuneOwned


class Topic(models.TextChoices):
    CIVIL_STATUS = "civil_status", _("Civil status (birth, marriage, death)")
    ELECTIONS = "elections", _("Elections")
    SCHOOL = "school", _("School, canteen and after-school care")
    TOWN_PLANNING = "town_planning", _("Town planning")
    ROADS = "roads", _("Roads, cleanliness, lighting")
    OTHER = "other", _("Another subject")


class ContactMessage(CommuneOwned):
    request = models.OneToOneField(
        "ecommune_requests.Request", on_delete=models.CASCADE, related_name="contact_message"
    )
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    subject = models.CharField(_("subject"), max_length=150)
    message = models.TextField(_("message"))

    class Meta:
        verbose_name = _("message to the town hall")
        verbose_name_plural = _("messages to the town hall")

    def __str__(self):
        return self.subject
