"""« Demande d'occupation temporaire du domaine public »: the service's contract, its one
wizard step, the agent's two actions and the decree (arrêté) the kit prints and emails.

The law: occupying the street needs a title, personal, precarious and revocable (Code
général de la propriété des personnes publiques, L2122-1 to L2122-3); without ground works
it is a « permis de stationnement » (Code de la voirie routière, L113-2), which the mayor
grants by decree under the traffic police (Code général des collectivités territoriales,
L2213-1 and L2213-6), possibly against a fee (CG3P, L2125-1).
"""

from django import forms
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from ecommune.core.dates import DateField
from ecommune.core.registry import registry
from ecommune.core.services import PUBLIC_TASK, DeskAction, Processing, Service, Step
from ecommune.notifications.events import Event, events
from ecommune.notifications.services import notify
from ecommune.requests.documents import store_document
from ecommune.requests.forms import DocumentField
from ecommune.requests.models import DocumentKind
from ecommune.requests.services import expected_answer_date
from ecommune_voirie.models import Occupation

SLUG = "voirie"
GRANTED, REFUSED = "granted", "refused"
OPEN = ("submitted", "in_progress", "waiting_resident")
DECREE_EVENT = "voirie.decree"

events.register(
    Event(
        DECREE_EVENT,
        "Arrêté d'occupation du domaine public",
        channels=("email",),
        variables={
            "reference": "la référence de la demande",
            "applicant_name": "le prénom et le nom du demandeur",
            "address": "l'adresse de l'occupation",
            "start_date": "le premier jour",
            "end_date": "le dernier jour",
            "tracking_url": "l'adresse où la demande se suit",
        },
    )
)


def _date(value) -> str:
    return date_format(value, "j F Y")


class OccupationForm(forms.ModelForm):
    """The wizard's step: what, where, when, how large; a plan or a photo."""

    plan = DocumentField(
        label="Plan ou photo de l'emplacement",
        kind=DocumentKind.OTHER,
        help_text="PDF, JPEG ou PNG, 10 Mo au plus.",
    )

    class Meta:
        model = Occupation
        fields = ["kind", "address", "start_date", "end_date", "surface", "vehicle_plate"]
        field_classes = {"start_date": DateField, "end_date": DateField}
        widgets = {
            name: forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
            for name in ("start_date", "end_date")
        }

    def __init__(self, *args, commune=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = commune

    def clean_vehicle_plate(self):
        return " ".join(self.cleaned_data["vehicle_plate"].upper().split())

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("start_date")
        if start and self.commune is not None:
            answer = expected_answer_date(self.commune, VoirieService)
            if start < answer:
                self.add_error(
                    "start_date",
                    f"La mairie répond au plus tard le {_date(answer)} : choisissez un premier "
                    "jour à partir de cette date, ou appelez la mairie.",
                )
        return cleaned


class GrantForm(forms.Form):
    conditions = forms.CharField(
        label="Prescriptions particulières (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Elles figurent dans l'arrêté, à l'article 2.",
    )


def decree_html(filed, occupation, *, signed_by, conditions: str = "") -> str:
    """The decree (arrêté municipal) as HTML, in the commune's words."""
    return render_to_string(
        "ecommune_voirie/decree.html",
        {
            "filed": filed,
            "occupation": occupation,
            "commune": filed.commune,
            "conditions": conditions,
            "signed_by": signed_by.get_full_name() or signed_by.email,
            "today": timezone.localdate(),
        },
    )


def decree_pdf(filed, occupation, **signature) -> bytes:
    """The decree printed by WeasyPrint (a dependency of the kit)."""
    from weasyprint import HTML

    return HTML(string=decree_html(filed, occupation, **signature)).write_pdf()


@transaction.atomic
def grant(http_request, filed, cleaned_data) -> None:
    """« Accorder »: print the decree, keep it with the request's documents and email it
    to the applicant; the engine then moves the request to « granted »."""
    occupation = Occupation.objects.for_commune(filed.commune_id).get(request=filed)
    pdf = decree_pdf(
        filed,
        occupation,
        signed_by=http_request.user,
        conditions=cleaned_data.get("conditions") or "",
    )
    name = f"arrete-{filed.reference}.pdf"
    occupation.decree = store_document(
        uploaded=ContentFile(pdf, name=name),
        kind=DocumentKind.OTHER,
        commune=filed.commune,
        owner=filed.applicant,
        title=f"Arrêté {filed.reference}",
    )
    occupation.decree.requests.add(filed)
    occupation.save(update_fields=["decree"])
    notify(
        DECREE_EVENT,
        commune=filed.commune,
        context={
            "reference": filed.reference,
            "applicant_name": filed.applicant_name,
            "address": occupation.address,
            "start_date": _date(occupation.start_date),
            "end_date": _date(occupation.end_date),
            "tracking_url": filed.commune.public_url(reverse("ecommune_requests:track")),
        },
        email=filed.applicant_email,
        service=SLUG,
        related_reference=filed.reference,
        idempotency_key=f"{DECREE_EVENT}:{filed.reference}",
        attachments=[{"filename": name, "mimetype": "application/pdf", "content": pdf}],
    )


@registry.register
class VoirieService(Service):
    slug = SLUG
    title = "Occupation temporaire du domaine public"
    summary = (
        "Réserver la rue pour un déménagement, un échafaudage ou une benne : la mairie "
        "vous envoie l'arrêté."
    )
    who_can_ask = "Toute personne ou entreprise qui doit occuper la rue, le trottoir ou une place."
    documents = "Un plan ou une photo de l'emplacement ; l'immatriculation du véhicule si besoin."
    what_next = (
        "Un agent instruit votre demande. Accordée, vous recevez l'arrêté par courriel : "
        "affichez-le sur place et signalez l'emplacement pendant toute l'occupation."
    )
    processing_days = 10
    order = 60
    steps = (Step("occupation", OccupationForm, "L'occupation"),)
    model = Occupation
    statuses = (
        ("submitted", "Reçue"),
        ("in_progress", "En cours d'instruction"),
        ("waiting_resident", "En attente de votre part"),
        (GRANTED, "Accordée"),
        (REFUSED, "Refusée"),
        ("cancelled", "Annulée"),
    )
    transitions = {
        "submitted": ("in_progress", "waiting_resident", GRANTED, REFUSED, "cancelled"),
        "in_progress": ("waiting_resident", GRANTED, REFUSED, "cancelled"),
        "waiting_resident": ("in_progress", REFUSED, "cancelled"),
        GRANTED: (),
        REFUSED: (),
        "cancelled": (),
    }
    closed_statuses = frozenset({GRANTED, REFUSED, "cancelled"})
    agent_labels = {GRANTED: "Accordée, arrêté envoyé"}
    desk_actions = (
        DeskAction(
            "grant",
            "Accorder et envoyer l'arrêté",
            perform=grant,
            form=GrantForm,
            to_status=GRANTED,
            statuses=("submitted", "in_progress"),
        ),
        DeskAction("refuse", "Refuser", to_status=REFUSED, statuses=OPEN, needs_reason=True),
    )
    processing = Processing(
        purpose="Instruire les demandes d'occupation temporaire du domaine public et "
        "délivrer les arrêtés.",
        legal_basis=PUBLIC_TASK,
        data="Identité et coordonnées du demandeur, adresse, dates et surface de "
        "l'occupation, immatriculation du véhicule, plan ou photo.",
        retention="2 ans après la fin de l'occupation, puis selon les règles d'archivage "
        "des arrêtés municipaux.",
        recipients="Les agents de la mairie chargés de la voirie et la police municipale.",
    )
    servicepublic_fiches = ("F31380",)
    life_events = ("moving",)

    @classmethod
    def step_form_kwargs(cls, step, request):
        """The occupation step checks its dates against the commune's date of answer."""
        return {"commune": request.commune} if step == "occupation" else {}
