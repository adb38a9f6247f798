"""A designed procedure with a field of every kind, for the HTML and accessibility checks,
and the answers that walk it (wrong ones first, then right ones)."""

from ecommune.procedures.models import Kind, Procedure, ProcedureField, ProcedureStep
from ecommune.procedures.publishing import publish_procedure

FIELDS = [
    (1, Kind.SHORT_TEXT, "Nom de l’association", "association", {}),
    (1, Kind.LONG_TEXT, "Description de l’événement", "description", {}),
    (1, Kind.EMAIL, "Courriel de l’association", "courriel", {}),
    (1, Kind.PHONE, "Téléphone de l’association", "telephone", {}),
    (1, Kind.DATE, "Date de l’événement", "date", {}),
    (1, Kind.NUMBER, "Nombre de participants", "participants", {}),
    (2, Kind.RADIO, "Salle", "salle", {"choices": "Salle des fêtes\nSalle de réunion"}),
    (2, Kind.SELECT, "Créneau", "creneau", {"choices": "Matin\nAprès-midi\nSoirée"}),
    (2, Kind.CHECKBOXES, "Équipements", "equipements", {"choices": "Tables\nChaises\nSono"}),
    (2, Kind.YES_NO, "Buvette", "buvette", {}),
    (
        2,
        Kind.SHORT_TEXT,
        "Licence de débit de boissons",
        "licence",
        {"condition_field": "buvette", "condition_value": "Oui"},
    ),
    (2, Kind.ADDRESS, "Adresse de l’association", "adresse", {}),
    (
        2,
        Kind.FILE,
        "Attestation d’assurance",
        "assurance",
        {"file_types": ["pdf", "jpeg"], "max_megabytes": 2},
    ),
]

WRONG = {
    "etape-1": {
        "association": "",
        "courriel": "non",
        "telephone": "12",
        "date": "31/02/2026",
        "participants": "beaucoup",
    },
    "etape-2": {"salle": "", "buvette": "yes", "adresse__postal_code": "4400"},
}
RIGHT = {
    "etape-1": {
        "association": "Les Amis du Bourg",
        "description": "Fête de quartier",
        "courriel": "amis@example.org",
        "telephone": "02 40 12 34 56",
        "date": "2026-06-20",
        "participants": "80",
    },
    "etape-2": {
        "salle": "Salle des fêtes",
        "creneau": "Soirée",
        "equipements": ["Tables"],
        "buvette": "yes",
        "licence": "Licence 3",
        "adresse__street": "2 place de l’Église",
        "adresse__postal_code": "44000",
        "adresse__city": "Saint-Ébrard",
    },
}


def every_kind_procedure(commune) -> Procedure:
    procedure = Procedure(
        commune=commune,
        title="Fête de quartier",
        slug="fete-de-quartier",
        summary="Déclarez une fête de quartier.",
        processing_days=10,
        purpose="Organiser les fêtes de quartier.",
        retention="1 an.",
    )
    procedure.steps = [
        ProcedureStep(title="L’association", sort_order=0),
        ProcedureStep(title="La salle", sort_order=1),
    ]
    procedure.fields = [
        ProcedureField(step=step, kind=kind, label=label, name=name, sort_order=index, **extra)
        for index, (step, kind, label, name, extra) in enumerate(FIELDS)
    ]
    procedure.save()
    publish_procedure(procedure)
    return procedure
