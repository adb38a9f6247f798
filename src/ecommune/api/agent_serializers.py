"""What the agents' API reads and answers, declared for the OpenAPI schema.

The bodies it reads are ``StrictSerializer``: a field it does not know is an error, not
silently dropped, so a client's typo (« comentaire ») is never taken for an empty value."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictSerializer(serializers.Serializer):
    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("This field is unknown.")] for name in unknown}
                )
        return super().to_internal_value(data)


class StatusChangeSerializer(StrictSerializer):
    status = serializers.CharField(max_length=40, help_text="The new status (its value).")
    comment = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Sent to the resident with the new status; required to wait for the resident.",
    )


class MessageSerializer(StrictSerializer):
    text = serializers.CharField(max_length=5000, help_text="The message to the resident.")


class MissingPieceSerializer(StrictSerializer):
    missing = serializers.CharField(
        max_length=3000, help_text="What is missing: the resident gets a link to add it."
    )


class NoteSerializer(StrictSerializer):
    text = serializers.CharField(
        max_length=5000, help_text="The note, for the agents only: the resident never sees it."
    )


class AssigneeSerializer(StrictSerializer):
    assignee_email = serializers.CharField(
        max_length=254,
        allow_blank=True,
        help_text="The email of an agent of the commune who handles the request's service; "
        "empty: back to the service's queue.",
    )


class StatusSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="The status' value.")
    label = serializers.CharField(help_text="Its label, as agents read it.")


class RequestSummarySerializer(serializers.Serializer):
    reference = serializers.CharField()
    service = serializers.CharField(help_text="The service's slug.")
    service_title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    channel = serializers.CharField(help_text="web, counter, phone, post or email.")
    submitted_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    expected_answer_on = serializers.DateField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    applicant_first_name = serializers.CharField()
    applicant_last_name = serializers.CharField()
    applicant_email = serializers.CharField()
    applicant_phone = serializers.CharField()
    beneficiary_first_name = serializers.CharField()
    beneficiary_last_name = serializers.CharField()
    beneficiary_capacity = serializers.CharField()
    assigned_to = serializers.CharField(help_text="The agent in charge, or empty.")


class RequestPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Requests matching the filters.")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = RequestSummarySerializer(many=True)


class AnswerSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class HistoryEventSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="submitted, status, message_out, message_in, contact, assigned or note."
    )
    kind_label = serializers.CharField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(help_text="Who did it, or empty.")
    channel = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    text = serializers.CharField()
    visible_to_resident = serializers.BooleanField()


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="In bytes.")
    uploaded_at = serializers.DateTimeField()


class RequestDetailSerializer(RequestSummarySerializer):
    beneficiary_email = serializers.CharField()
    answers = AnswerSerializer(many=True, help_text="The resident's answers, as labelled.")
    allowed_statuses = StatusSerializer(
        many=True, help_text="The statuses the request may move to now."
    )
    history = HistoryEventSerializer(many=True)
    documents = DocumentSerializer(many=True, help_text="The documents' description only.")
