"""« Écrire à la mairie »: a message to the town hall, answered within the delay
(the report's Proposition 6: an acknowledgment with the expected date of answer)."""

from django.utils.translation import gettext_lazy as _

from ecommune.core.registry import registry
from ecommune.core.services import Service


@registry.register
class ContactService(Service):
    slug = "contact"
    title = _("Write to the town hall")
    summary = _("Ask a question or report a problem; you get an answer within the delay.")
    processing_days = 10
    order = 10
    propositions = (6, 7, 9)
    what_next = _(
        "An agent of the town hall reads your message and answers you by email. If a piece "
        "is missing, you will be asked for it and told how to send it."
    )

    @classmethod
    def form_steps(cls):
        from ecommune.services.contact.forms import MessageForm

        return [("message", MessageForm)]

    @classmethod
    def step_title(cls, step):
        return {"message": _("Your message")}.get(step, step)

    @classmethod
    def summary_rows(cls, data):
        from ecommune.services.contact.models import Topic

        message = data.get("message", {})
        return [
            (_("Topic"), dict(Topic.choices).get(message.get("topic"), "")),
            (_("Subject"), message.get("subject", "")),
            (_("Your message"), message.get("message", "")),
        ]

    @classmethod
    def stored_data(cls, request):
        from ecommune.services.contact.models import ContactMessage

        message = ContactMessage.unscoped.filter(request=request).first()
        if message is None:
            return {}
        return {
            "message": {
                "topic": message.topic,
                "subject": message.subject,
                "message": message.message,
            }
        }

    @classmethod
    def save(cls, request, data):
        from ecommune.services.contact.models import ContactMessage

        message = data["message"]
        ContactMessage.unscoped.create(
            commune_id=request.commune_id,
            request=request,
            topic=message["topic"],
            subject=message["subject"],
            message=message["message"],
        )
