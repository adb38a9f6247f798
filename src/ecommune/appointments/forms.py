"""Residents' and agents' forms: who comes, and the pre-demand numbers for ID papers."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from ecommune.appointments.ants import validate_ants_number
from ecommune.appointments.models import Counter, CounterOpening
from ecommune.core.dates import DateField
from ecommune.core.phones import validate_french_mobile
from ecommune.requests.models import Channel


class BookingForm(forms.Form):
    """The resident's details; for a motive with ANTS numbers, one number per person."""

    slot = forms.CharField(widget=forms.HiddenInput, max_length=40)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("The confirmation and the links to move or cancel go here."),
    )
    phone = forms.CharField(
        label=_("Mobile (optional)"),
        required=False,
        max_length=30,
        help_text=_("For a reminder by SMS the day before."),
    )

    def __init__(self, *args, motive, email_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.motive = motive
        self.fields["email"].required = email_required
        if motive.requires_ants_number:
            for n in range(1, motive.max_people + 1):
                field = forms.CharField(
                    label=_("Pre-demand number, person %(n)s") % {"n": n}
                    if motive.max_people > 1
                    else _("Pre-demand number"),
                    required=n == 1,
                    max_length=20,
                    help_text=_("10 letters and digits, on your ANTS pre-demand receipt.")
                    if n == 1
                    else _("Only if this person comes too."),
                )
                field.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
                self.fields[f"ants_{n}"] = field
        elif motive.max_people > 1:
            self.fields["people"] = forms.TypedChoiceField(
                label=_("Number of people"),
                coerce=int,
                choices=[(n, n) for n in range(1, motive.max_people + 1)],
                initial=1,
            )
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if phone:
            validate_french_mobile(phone)
        return phone

    def clean(self):
        cleaned = super().clean()
        numbers = []
        for n in range(1, self.motive.max_people + 1):
            name = f"ants_{n}"
            if name not in self.fields or not cleaned.get(name):
                continue
            try:
                number = validate_ants_number(cleaned[name])
            except ValidationError as error:
                self.add_error(name, error)
                continue
            if number in numbers:
                self.add_error(name, _("This number is already given for another person."))
                continue
            numbers.append(number)
            cleaned[name] = number
        cleaned["ants_numbers"] = numbers
        if self.motive.requires_ants_number:
            cleaned["people"] = max(1, len(numbers))
        else:
            cleaned["people"] = cleaned.get("people") or 1
        return cleaned

    def ants_field_for(self, number: str) -> str:
        for n in range(1, self.motive.max_people + 1):
            if self.cleaned_data.get(f"ants_{n}") == number:
                return f"ants_{n}"
        return "ants_1"


class AgentBookingForm(BookingForm):
    """Booking on behalf of a caller: the email is optional (no confirmation without one);
    the channel goes into the booking, as in the request engine's history."""

    channel = forms.ChoiceField(
        label=_("Contact through"),
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.COUNTER, Channel.COUNTER.label)],
        initial=Channel.PHONE,
        required=False,
        widget=forms.RadioSelect,
    )

    def clean_channel(self):
        return self.cleaned_data.get("channel") or Channel.PHONE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, email_required=False, **kwargs)
        self.fields["email"].help_text = _(
            "Leave empty if the caller has none. A verified account with this address "
            "gets the appointment in its history."
        )


class ClosePeriodForm(forms.Form):
    """An agent closes a counter for some days; its appointments move to the next free slots."""

    counter = forms.ModelChoiceField(label=_("Counter"), queryset=Counter.objects.none())
    starts_on = DateField(
        label=_("First day"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    ends_on = DateField(
        label=_("Last day"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counter"].queryset = Counter.objects.all()

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day comes after the first one."))
        return cleaned


class TicketForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile (optional)"),
        required=False,
        max_length=30,
        help_text=_("We send an SMS when 3 people are left before you."),
    )

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if phone:
            validate_french_mobile(phone)
        return phone


# Weekday names are lower case in French mid-sentence; a checkbox label starts a line.
WEEKDAYS = [
    (0, capfirst(_("Monday"))),
    (1, capfirst(_("Tuesday"))),
    (2, capfirst(_("Wednesday"))),
    (3, capfirst(_("Thursday"))),
    (4, capfirst(_("Friday"))),
    (5, capfirst(_("Saturday"))),
    (6, capfirst(_("Sunday"))),
]


class OpeningForm(WagtailAdminModelForm):
    """A weekly opening period: the days, the hours, the agents on duty. Saved as a
    django-scheduler event with a weekly rule."""

    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    opens = forms.TimeField(label=_("Opens at"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes = forms.TimeField(label=_("Closes at"), widget=forms.TimeInput(attrs={"type": "time"}))

    class Meta:
        model = CounterOpening
        fields = ["counter", "agents_on_duty"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counter"].queryset = Counter.objects.all()
        event = self.instance.event if self.instance.pk else None
        if event is not None:
            tz = timezone.get_current_timezone()
            self.initial["opens"] = event.start.astimezone(tz).time()
            self.initial["closes"] = event.end.astimezone(tz).time()
            params = (event.rule.params if event.rule else "").removeprefix("byweekday:")
            self.initial["weekdays"] = [int(d) for d in params.split(",") if d.strip().isdigit()]

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens"), cleaned.get("closes")
        if opens and closes and closes <= opens:
            self.add_error("closes", _("The closing time comes after the opening time."))
        return cleaned

    def save(self, commit=True):
        data = self.cleaned_data
        if self.instance.pk:
            # A changed period is replaced by a new one starting today (booked
            # appointments stay as they are).
            self.instance.delete()
        self.instance = data["counter"].add_weekly_opening(
            data["weekdays"], data["opens"], data["closes"], data["agents_on_duty"]
        )
        return self.instance
