"""The kit's templates of procedures: a commune copies one (``copy``) into a draft of its
own, adapts it, previews it and publishes it. Their words are French, as residents read
them; the rules of « Recensement citoyen » follow service-public.fr's fiche F870
(https://www.service-public.fr/particuliers/vosdroits/F870): every young French person,
girl or boy, is counted at the town hall of their home in the three months after their
16th birthday, by themselves or their legal representative; the town hall gives the
« attestation de recensement », which is asked for exams and competitions (such as the
baccalauréat and the driving test) until 25, and of which it gives no duplicate; one who
missed the deadline may still regularise until 25.
"""

from django.utils.text import slugify

from ecommune.procedures.models import Procedure, ProcedureField, ProcedureStatus, ProcedureStep

ONE_YEAR = "1 an après la réponse, puis archivage selon les règles des archives publiques."

TEMPLATES: dict[str, dict] = {
    "reservation-salle": {
        "title": "Réservation d'une salle municipale",
        "summary": "Réservez la salle des fêtes ou une salle de réunion pour un événement.",
        "who_can_ask": "Les habitants et les associations de la commune.",
        "access": "signed_in",
        "processing_days": 10,
        "acknowledgment_message": (
            "Nous vérifions que la salle est libre à la date demandée et vous répondons "
            "avec le montant de la location et la caution."
        ),
        "purpose": "Gérer les réservations des salles municipales.",
        "retention": ONE_YEAR,
        "steps": [
            ("La salle et la date", "", ""),
            ("Votre événement", "", ""),
        ],
        "fields": [
            (
                1,
                "radio",
                "Salle souhaitée",
                "salle",
                "",
                True,
                "Salle des fêtes\nSalle de réunion de la mairie\nSalle du foyer rural",
            ),
            (1, "date", "Date de l'événement", "date", "", True, ""),
            (1, "number", "Nombre de personnes attendues", "personnes", "", True, ""),
            (
                2,
                "short_text",
                "Nature de l'événement",
                "evenement",
                "Par exemple : mariage, assemblée générale, anniversaire.",
                True,
                "",
            ),
            (2, "yes_no", "Demandez-vous au nom d'une association ?", "association", "", True, ""),
            (
                2,
                "short_text",
                "Nom de l'association",
                "nom-association",
                "",
                True,
                "",
                ("association", "Oui"),
            ),
            (2, "long_text", "Précisions (tables, cuisine, horaires)", "precisions", "", False, ""),
        ],
        "statuses": [
            ("accepted", "", False, "La salle vous est réservée. Le contrat de location suit."),
            ("rejected", "", False, "La salle n'est pas disponible à cette date."),
            ("done", "", False, ""),
            ("waiting_resident", "", False, ""),
        ],
    },
    "repas-aines": {
        "title": "Inscription au repas des aînés",
        "summary": "Inscrivez-vous au repas offert par la commune à ses aînés.",
        "who_can_ask": "Les habitants de la commune âgés de 70 ans et plus, et leur conjoint.",
        "access": "anyone",
        "processing_days": 5,
        "acknowledgment_message": "Le centre communal d'action sociale confirme les inscriptions.",
        "purpose": "Organiser le repas des aînés de la commune.",
        "retention": "Jusqu'au repas suivant.",
        "steps": [("Vos coordonnées", "", ""), ("Le repas", "", "")],
        "fields": [
            (1, "date", "Votre date de naissance", "naissance", "", True, ""),
            (1, "address", "Votre adresse", "adresse", "", True, ""),
            (1, "phone", "Téléphone", "telephone", "", False, ""),
            (2, "yes_no", "Venez-vous accompagné(e) de votre conjoint ?", "conjoint", "", True, ""),
            (
                2,
                "short_text",
                "Nom et prénom du conjoint",
                "nom-conjoint",
                "",
                True,
                "",
                ("conjoint", "Oui"),
            ),
            (
                2,
                "checkboxes",
                "Régime alimentaire",
                "regime",
                "",
                False,
                "Sans porc\nVégétarien\nSans sel\nDiabétique",
            ),
            (2, "yes_no", "Avez-vous besoin d'être transporté(e) ?", "transport", "", True, ""),
        ],
        "statuses": [],
    },
    "signalement-voirie": {
        "title": "Signaler un problème sur la voie publique",
        "summary": (
            "Nid-de-poule, lampadaire éteint, dépôt sauvage : prévenez les services techniques."
        ),
        "who_can_ask": "Toute personne.",
        "access": "anyone",
        "processing_days": 15,
        "acknowledgment_message": (
            "Les services techniques se rendent sur place et vous tiennent informé(e)."
        ),
        "purpose": "Traiter les signalements sur la voie publique.",
        "retention": ONE_YEAR,
        "steps": [("Le problème", "", ""), ("Où est-ce ?", "", "")],
        "fields": [
            (
                1,
                "select",
                "Type de problème",
                "type",
                "",
                True,
                "Chaussée ou trottoir abîmé\nÉclairage public\nDépôt sauvage\nSignalisation\nAutre",
            ),
            (1, "long_text", "Description", "description", "", True, ""),
            (
                1,
                "file",
                "Photo",
                "photo",
                "Une photo aide les agents à préparer l'intervention.",
                False,
                "",
            ),
            (
                2,
                "long_text",
                "Lieu, décrit en quelques mots",
                "lieu",
                "Par exemple : devant le 12 rue des Tilleuls, près de l'école.",
                True,
                "",
            ),
        ],
        "statuses": [
            (
                "in_progress",
                "",
                False,
                "Les services techniques ont pris en charge votre signalement.",
            ),
            ("done", "", False, "Le problème est réglé. Merci de votre signalement."),
            ("rejected", "", False, ""),
            (
                "extra",
                "Transmis à un autre gestionnaire",
                True,
                (
                    "Cette voie ne relève pas de la commune : nous avons transmis "
                    "votre signalement à son gestionnaire."
                ),
            ),
        ],
    },
    "bac-ordures": {
        "title": "Demande de bac à ordures ménagères",
        "summary": "Demandez un bac neuf, un bac plus grand ou le remplacement d'un bac cassé.",
        "who_can_ask": "Les habitants de la commune, propriétaires ou locataires.",
        "access": "anyone",
        "processing_days": 20,
        "acknowledgment_message": (
            "Le bac est livré à votre adresse ; nous vous prévenons de la date."
        ),
        "purpose": "Attribuer les bacs de collecte des déchets ménagers.",
        "retention": "Tant que le bac est attribué au logement.",
        "steps": [("Votre demande", "", ""), ("Votre logement", "", "")],
        "fields": [
            (
                1,
                "radio",
                "Motif",
                "motif",
                "",
                True,
                "Nouvel arrivant\nBac cassé ou volé\nBac plus grand\nBac plus petit",
            ),
            (1, "radio", "Bac", "bac", "", True, "Ordures ménagères\nTri sélectif"),
            (1, "file", "Déclaration de vol", "declaration-vol", "", False, ""),
            (2, "address", "Adresse de livraison", "adresse", "", True, ""),
            (2, "number", "Nombre de personnes au foyer", "foyer", "", True, ""),
        ],
        "statuses": [
            ("accepted", "", False, ""),
            ("extra", "Bac livré", True, "Votre bac a été livré."),
            ("rejected", "", False, ""),
        ],
    },
    "recensement-citoyen": {
        "title": "Recensement citoyen",
        "summary": (
            "Faites recenser votre enfant, ou vous-même, dans les 3 mois qui suivent le "
            "16e anniversaire : l'attestation est demandée aux examens et au permis."
        ),
        "who_can_ask": (
            "Tout jeune Français, fille ou garçon, domicilié dans la commune, dans les 3 mois "
            "qui suivent ses 16 ans (ou son représentant légal) ; après ce délai, la "
            "régularisation reste possible jusqu'à 25 ans. À joindre : une pièce d'identité "
            "et le livret de famille. (service-public.fr, fiche F870)"
        ),
        "access": "franceconnect",
        "processing_days": 10,
        "acknowledgment_message": (
            "La mairie enregistre le recensement puis vous envoie l'attestation de "
            "recensement. Conservez-la : la mairie n'en délivre pas de duplicata."
        ),
        "purpose": (
            "Recenser les jeunes Français de 16 ans pour le service national (code du "
            "service national, art. L113-1) et délivrer l'attestation de recensement."
        ),
        "retention": "Selon les règles du service national, puis archivage.",
        "steps": [("Le jeune à recenser", "", ""), ("Les pièces", "", "")],
        "fields": [
            (
                1,
                "radio",
                "Vous êtes",
                "demandeur",
                "",
                True,
                "Le jeune lui-même\nSon représentant légal",
            ),
            (1, "short_text", "Nom de famille du jeune", "nom", "", True, ""),
            (1, "short_text", "Prénoms du jeune", "prenoms", "", True, ""),
            (1, "date", "Date de naissance", "naissance", "", True, ""),
            (1, "short_text", "Lieu de naissance", "lieu-naissance", "", True, ""),
            (1, "address", "Adresse du domicile", "domicile", "", True, ""),
            (
                1,
                "yes_no",
                "Le jeune a-t-il une autre nationalité ?",
                "autre-nationalite",
                "",
                True,
                "",
            ),
            (
                2,
                "file",
                "Pièce d'identité du jeune",
                "identite",
                "Carte d'identité ou passeport en cours de validité.",
                True,
                "",
            ),
            (
                2,
                "file",
                "Livret de famille",
                "livret",
                "Les pages des parents et du jeune.",
                True,
                "",
            ),
        ],
        "statuses": [
            ("waiting_resident", "", False, ""),
            (
                "extra",
                "Attestation envoyée",
                True,
                "Votre attestation de recensement vous a été envoyée. Conservez-la précieusement.",
            ),
            ("rejected", "", False, ""),
        ],
        "fiche": "F870",
    },
}


def copy(key: str) -> Procedure:
    """A new draft of the current commune from the template ``key``."""
    template = TEMPLATES[key]
    slug = base = slugify(template["title"])[:50]
    number = 2
    while Procedure.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    procedure = Procedure(
        title=template["title"],
        slug=slug,
        summary=template["summary"],
        who_can_ask=template["who_can_ask"],
        access=template["access"],
        processing_days=template["processing_days"],
        acknowledgment_message=template["acknowledgment_message"],
        purpose=template["purpose"],
        retention=template["retention"],
        template=key,
    )
    procedure.steps = [
        ProcedureStep(title=title, condition_field=field, condition_value=value, sort_order=index)
        for index, (title, field, value) in enumerate(template["steps"])
    ]
    fields = []
    for index, row in enumerate(template["fields"]):
        step, kind, label, name, help_text, required, choices, *condition = row
        source, value = condition[0] if condition else ("", "")
        fields.append(
            ProcedureField(
                step=step,
                kind=kind,
                label=label,
                name=name,
                help_text=help_text,
                required=required,
                choices=choices,
                file_types=["pdf", "jpeg", "png"] if kind == "file" else [],
                max_megabytes=5 if kind == "file" else None,
                condition_field=source,
                condition_value=value,
                sort_order=index,
            )
        )
    procedure.fields = fields
    procedure.statuses = [
        ProcedureStatus(status=status, label=label, closes=closes, message=message, sort_order=i)
        for i, (status, label, closes, message) in enumerate(template["statuses"])
    ]
    procedure.save()
    return procedure
