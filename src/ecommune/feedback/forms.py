"""The three questions, as radio buttons (no script needed), each answer required."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ecommune.feedback.models import Ease, OnTime, Satisfaction


class SurveyForm(forms.Form):
    """``appointment=True`` words the first two questions for an appointment: the answers
    keep their meaning (easy to reach the service, the time kept, satisfied), so they count
    in the same results."""

    ease = forms.TypedChoiceField(
        label=_("Was it easy to make your request online?"),
        choices=Ease.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer to this question.")},
    )
    on_time = forms.ChoiceField(
        label=_("Did the town hall answer within the time it announced?"),
        choices=OnTime.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer to this question.")},
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Overall, are you satisfied with the service the town hall gave you?"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer to this question.")},
    )

    def __init__(self, *args, appointment: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if appointment:
            self.fields["ease"].label = _("Was it easy to book your appointment?")
            self.fields["on_time"].label = _("Were you received at the time of your appointment?")
