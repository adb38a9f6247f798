"""« Écrire à la mairie »: a message to the town hall, answered within the delay
(the report's Proposition 6: an acknowledgment with the expected date of answer)."""

from django.utils.translation import gettext_lazy as _

from ecommune.core.registry import registry
from ecommune.core.services import AGENTS, PUBLIC_TASK, Processing, Service, Step


@registry.register
class ContactService(Service):
    slug = "contact"
    title = _("Write to the town hall")
    summary = _("Ask a question or report a problem; you get an answer within the delay.")
    processing_days = 10
    order = 10
    propositions = (6, 7, 9)
    steps = (Step("message", "ecommune.services.contact.forms.MessageForm", _("Your message")),)
    model = "ecommune_contact.ContactMessage"
    who_can_ask = _("Anyone: residents, associations, businesses.")
    documents = _("None. You may attach a photo or a document to your message.")
    life_events = ("moving", "marriage", "death")
    processing = Processing(
        purpose=_("Answering the messages residents send to the town hall."),
        legal_basis=PUBLIC_TASK,
        data=_("Name, email address, phone number, the message and its attachments."),
        retention=_("2 years after the last exchange."),
        recipients=AGENTS,
    )
    what_next = _(
        "An agent of the town hall reads your message and answers you by email. If a piece "
        "is missing, you will be asked for it and told how to send it."
    )
