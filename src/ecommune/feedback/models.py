"""One resident's answer to the three questions asked after a request is closed or an
appointment took place.

An answer keeps no personal data: the request or appointment it is about (so each is
answered once), the commune, the service and the day. When the request or appointment is
deleted at the end of its retention period, the answer stays, anonymous, in the published
results.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.core.tenancy import CommuneOwned


class Ease(models.IntegerChoices):
    VERY_HARD = 1, _("Very difficult")
    HARD = 2, _("Rather difficult")
    FAIR = 3, _("Neither easy nor difficult")
    EASY = 4, _("Rather easy")
    VERY_EASY = 5, _("Very easy")


class OnTime(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNSURE = "unsure", _("I do not know")


class Satisfaction(models.IntegerChoices):
    NOT_AT_ALL = 1, _("Not satisfied at all")
    NOT = 2, _("Rather not satisfied")
    FAIR = 3, _("Neither satisfied nor dissatisfied")
    SATISFIED = 4, _("Rather satisfied")
    VERY = 5, _("Very satisfied")


class SurveyAnswer(CommuneOwned):
    request = models.OneToOneField(
        "ecommune_requests.Request",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_answer",
        verbose_name=_("request"),
    )
    booking = models.OneToOneField(
        "ecommune_appointments.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_answer",
        verbose_name=_("appointment"),
    )
    service = models.CharField(_("online service"), max_length=60, db_index=True)
    ease = models.PositiveSmallIntegerField(_("ease of the online request"), choices=Ease.choices)
    on_time = models.CharField(
        _("answered within the announced time"), max_length=10, choices=OnTime.choices
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("overall satisfaction"), choices=Satisfaction.choices
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        ordering = ["-answered_at"]

    def __str__(self):
        return f"{self.service} {self.answered_at:%Y-%m-%d}"
