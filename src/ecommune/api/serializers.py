"""What each endpoint answers, declared for the OpenAPI schema: plain serializers over the
dictionaries the views build (no model serializer, so that no field leaks by default)."""

from rest_framework import serializers


class AddressSerializer(serializers.Serializer):
    street = serializers.CharField(help_text="Street and number of the town hall.")
    postal_code = serializers.CharField()
    city = serializers.CharField()


class ContactSerializer(serializers.Serializer):
    email = serializers.CharField(help_text="The town hall's address for the public, or empty.")
    phone = serializers.CharField(help_text="The town hall's number, French format, or empty.")
    phone_uri = serializers.CharField(help_text="The same as a tel: link, or empty.")


class OpeningPeriodSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 is Monday.")
    day = serializers.CharField(help_text="The day's name, in French.")
    opens_at = serializers.CharField(help_text="HH:MM, Paris time.")
    closes_at = serializers.CharField(help_text="HH:MM, Paris time.")


class CommuneSerializer(serializers.Serializer):
    name = serializers.CharField()
    insee_code = serializers.CharField(
        help_text="The commune's INSEE code (code officiel géographique)."
    )
    postal_codes = serializers.ListField(child=serializers.CharField())
    website = serializers.URLField()
    address = AddressSerializer()
    contact = ContactSerializer()
    opening_hours = OpeningPeriodSerializer(many=True)
    open_now = serializers.BooleanField(
        help_text="Whether the town hall is open at the time of the call."
    )


class ServiceSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text="The service's stable identifier.")
    title = serializers.CharField()
    summary = serializers.CharField()
    who_can_ask = serializers.CharField(help_text="Who may ask, plain text.")
    documents = serializers.CharField(help_text="What to have at hand, plain text.")
    access = serializers.ChoiceField(
        choices=["anyone", "signed_in", "franceconnect"],
        help_text="Who may file online: anyone, a signed-in resident, or one signed in "
        "with FranceConnect.",
    )
    delay_working_days = serializers.IntegerField(
        min_value=1, help_text="The processing delay the town hall announces, in working days."
    )
    url = serializers.URLField(help_text="The service's page on the portal, or its form.")
    start_url = serializers.URLField(help_text="Where a resident starts the request.")
    fiches = serializers.ListField(
        child=serializers.CharField(), help_text="Identifiers of the service-public.fr fiches."
    )


class CounterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    location = serializers.CharField()


class WaitingTimeSerializer(serializers.Serializer):
    counter = CounterSerializer()
    open = serializers.BooleanField(help_text="Whether at least one desk is open now.")
    open_desks = serializers.IntegerField(min_value=0)
    waiting = serializers.IntegerField(min_value=0, help_text="People waiting now.")
    wait_minutes = serializers.IntegerField(
        allow_null=True,
        min_value=0,
        help_text="The estimated wait of a newcomer, rounded to 5 minutes; null when no desk "
        "is open.",
    )
    service_minutes = serializers.FloatField(
        min_value=0, help_text="Typical time per person today."
    )


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    counter = CounterSerializer()
    free = serializers.IntegerField(min_value=1, help_text="Places left at that time.")


class MotiveSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    duration_minutes = serializers.IntegerField(min_value=0)
    max_people = serializers.IntegerField(min_value=0)
    instructions = serializers.CharField(help_text="What to bring.")
    counters = CounterSerializer(many=True)
    booking_url = serializers.URLField()
    next_free_slot = SlotSerializer(allow_null=True, help_text="The soonest free slot, or null.")


class SlotListSerializer(serializers.Serializer):
    motive = serializers.CharField(help_text="The motive's slug.")
    start = serializers.DateField(help_text="The first day searched.")
    end = serializers.DateField(help_text="The last day searched.")
    booking_url = serializers.URLField()
    slots = SlotSerializer(many=True)


class NewsSerializer(serializers.Serializer):
    title = serializers.CharField()
    date = serializers.DateField()
    summary = serializers.CharField()
    url = serializers.URLField()


class EventSerializer(serializers.Serializer):
    title = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField()
    summary = serializers.CharField()
    url = serializers.URLField()


class FiguresSerializer(serializers.Serializer):
    answers = serializers.IntegerField(min_value=0, help_text="Answers of the last twelve months.")
    shown = serializers.BooleanField(
        help_text="False under the minimum number of answers: the shares are then null, so "
        "that no answer can point at a person."
    )
    easy = serializers.IntegerField(allow_null=True, help_text="Percentage finding it easy.")
    on_time = serializers.IntegerField(
        allow_null=True, help_text="Percentage answered within the announced delay."
    )
    satisfied = serializers.IntegerField(allow_null=True, help_text="Percentage satisfied.")
    average = serializers.FloatField(allow_null=True, help_text="Average mark out of 5.")


class ServiceFiguresSerializer(FiguresSerializer):
    slug = serializers.CharField()
    title = serializers.CharField()


class SatisfactionSerializer(serializers.Serializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    min_answers = serializers.IntegerField()
    services = ServiceFiguresSerializer(many=True)
    total = FiguresSerializer()


class FicheSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="service-public.fr's identifier, such as F1427.")
    title = serializers.CharField()
    description = serializers.CharField()
    audience = serializers.CharField()
    checked_on = serializers.DateField(allow_null=True, help_text="Last checked by the DILA.")
    url = serializers.URLField(help_text="The fiche on the commune's portal.")
    service_public_url = serializers.URLField()
    services = serializers.ListField(
        child=serializers.CharField(), help_text="Slugs of the commune's services citing it."
    )
