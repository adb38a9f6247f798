"""Residents' satisfaction as open data: a CSV and a JSON download of the same rows, and
beside them their schema in the Table Schema format that schema.data.gouv.fr uses, so
that data.gouv.fr can validate and describe the file.

One row per online service the commune offers, and one for all its appointments at the
town hall (``identifiant_demarche`` « appointments »), over the last twelve months; the shares
are empty under ``feedback.survey.MIN_ANSWERS`` answers, so that no answer can point at a
person. The CSV is written by ``ecommune.core.csv_export`` (comma, UTF-8 without BOM, as
data.gouv.fr expects)."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from ecommune.api import data
from ecommune.api.views import PublicView, responses
from ecommune.core import csv_export

SCHEMA_VERSION = "1.1.0"
OPEN_DATA = csv_export.Dialect(delimiter=",", byte_order_mark=False)

#: The columns, in order: (name, Table Schema type, title, description, constraints).
FIELDS = [
    (
        "code_insee",
        "string",
        "Code INSEE de la commune",
        "Code officiel géographique.",
        {"required": True, "pattern": "^[0-9][0-9AB][0-9]{3}$"},
    ),
    ("nom_commune", "string", "Nom de la commune", "", {"required": True}),
    (
        "identifiant_demarche",
        "string",
        "Identifiant de la démarche",
        "Identifiant stable de la démarche en ligne dans ecommune.",
        {"required": True},
    ),
    ("nom_demarche", "string", "Nom de la démarche", "", {"required": True}),
    (
        "date_debut_periode",
        "date",
        "Début de la période",
        "Premier jour des douze mois comptés.",
        {"required": True},
    ),
    (
        "date_fin_periode",
        "date",
        "Fin de la période",
        "Jour de la publication.",
        {"required": True},
    ),
    (
        "nombre_reponses",
        "integer",
        "Nombre de réponses",
        "Réponses au questionnaire reçues sur la période.",
        {"required": True, "minimum": 0},
    ),
    (
        "publie",
        "boolean",
        "Résultats publiés",
        "Faux sous le nombre minimal de réponses : les parts sont alors vides.",
        {"required": True},
    ),
    (
        "part_facile",
        "integer",
        "Part trouvant la démarche facile",
        "Pourcentage des répondants notant la facilité 4 ou 5 sur 5.",
        {"minimum": 0, "maximum": 100},
    ),
    (
        "part_dans_les_delais",
        "integer",
        "Part traitée dans les délais annoncés",
        "Pourcentage, parmi les répondants qui ont pu le dire.",
        {"minimum": 0, "maximum": 100},
    ),
    (
        "part_satisfaits",
        "integer",
        "Part de satisfaits",
        "Pourcentage des répondants notant leur satisfaction 4 ou 5 sur 5.",
        {"minimum": 0, "maximum": 100},
    ),
    (
        "note_moyenne",
        "number",
        "Note moyenne de satisfaction",
        "Sur 5, à une décimale.",
        {"minimum": 1, "maximum": 5},
    ),
]
NAMES = [field[0] for field in FIELDS]


def rows(commune) -> list[dict]:
    figures = data.satisfaction_data(commune)
    return [
        {
            "code_insee": commune.insee_code,
            "nom_commune": commune.name,
            "identifiant_demarche": line["slug"],
            "nom_demarche": line["title"],
            "date_debut_periode": figures["period_start"].isoformat(),
            "date_fin_periode": figures["period_end"].isoformat(),
            "nombre_reponses": line["answers"],
            "publie": line["shown"],
            "part_facile": line["easy"],
            "part_dans_les_delais": line["on_time"],
            "part_satisfaits": line["satisfied"],
            "note_moyenne": line["average"],
        }
        for line in figures["services"]
    ]


def _csv_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def table_schema(commune) -> dict:
    """The Table Schema of the download (https://specs.frictionlessdata.io/table-schema/, as
    published on https://schema.data.gouv.fr)."""

    def field(name, kind, title, description, constraints):
        entry = {"name": name, "title": title, "type": kind, "constraints": constraints}
        if description:
            entry["description"] = description
        if kind == "boolean":
            entry["trueValues"], entry["falseValues"] = ["true"], ["false"]
        return entry

    return {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "name": "ecommune-satisfaction-demarches",
        "title": "Satisfaction des usagers des démarches en ligne d'une commune",
        "description": (
            "Après chaque demande traitée en ligne et chaque rendez-vous en mairie, la "
            "mairie pose trois questions à l'usager (facilité, respect du délai annoncé ou "
            "de l'heure du rendez-vous, satisfaction). Une ligne par démarche proposée par "
            "la commune et une pour tous ses rendez-vous (identifiant « appointments »), sur "
            "les douze derniers mois ; les parts ne sont publiées qu'à partir du nombre "
            "minimal de réponses."
        ),
        "version": SCHEMA_VERSION,
        "homepage": commune.public_url(reverse("ecommune_api:docs")),
        "path": commune.public_url(reverse("ecommune_api:satisfaction_schema")),
        "licenses": [
            {
                "title": "Licence Ouverte / Open Licence version 2.0",
                "name": "etalab-2.0",
                "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
            }
        ],
        "resources": [
            {
                "title": f"Satisfaction des usagers — {commune.name}",
                "path": commune.public_url(reverse("ecommune_api:satisfaction_csv")),
            }
        ],
        "contributors": [{"title": "ecommune", "role": "author"}],
        "fields": [field(*entry) for entry in FIELDS],
        "missingValues": [""],
        "primaryKey": ["code_insee", "identifiant_demarche", "date_fin_periode"],
    }


def filename(commune, extension: str) -> str:
    return f"satisfaction-{commune.insee_code or commune.pk}.{extension}"


class RowSerializer(serializers.Serializer):
    code_insee = serializers.CharField()
    nom_commune = serializers.CharField()
    identifiant_demarche = serializers.CharField()
    nom_demarche = serializers.CharField()
    date_debut_periode = serializers.DateField()
    date_fin_periode = serializers.DateField()
    nombre_reponses = serializers.IntegerField(min_value=0)
    publie = serializers.BooleanField()
    part_facile = serializers.IntegerField(allow_null=True, min_value=0, max_value=100)
    part_dans_les_delais = serializers.IntegerField(allow_null=True, min_value=0, max_value=100)
    part_satisfaits = serializers.IntegerField(allow_null=True, min_value=0, max_value=100)
    note_moyenne = serializers.FloatField(allow_null=True, min_value=1, max_value=5)


class SatisfactionCsvView(PublicView):
    @extend_schema(
        operation_id="open_data_satisfaction_csv",
        summary="Satisfaction, open-data CSV",
        description="The satisfaction per service as a CSV file (comma, UTF-8), described by "
        "`satisfaction.schema.json`.",
        responses={
            **{k: v for k, v in responses(None).items() if k[0] != 200},
            (200, csv_export.MEDIA_TYPE): OpenApiResponse(
                OpenApiTypes.STR, description="The CSV file."
            ),
        },
        tags=["open data"],
    )
    def get(self, request):
        table = [NAMES] + [[_csv_value(row[name]) for name in NAMES] for row in rows(self.commune)]
        answer = csv_export.response(table, filename(self.commune, "csv"), dialect=OPEN_DATA)
        answer["Cache-Control"] = "public, max-age=60"
        return answer


class SatisfactionJsonView(PublicView):
    @extend_schema(
        operation_id="open_data_satisfaction_json",
        summary="Satisfaction, open-data JSON",
        description="The same rows as the CSV file, as a JSON array.",
        responses=responses(RowSerializer(many=True)),
        tags=["open data"],
    )
    def get(self, request):
        answer = Response(RowSerializer(rows(self.commune), many=True).data)
        answer["Content-Disposition"] = f'inline; filename="{filename(self.commune, "json")}"'
        return answer


class SatisfactionSchemaView(PublicView):
    @extend_schema(
        operation_id="open_data_satisfaction_schema",
        summary="Satisfaction, Table Schema",
        description="The schema of the CSV file, in the Table Schema format of "
        "schema.data.gouv.fr.",
        responses=responses(OpenApiTypes.OBJECT),
        tags=["open data"],
    )
    def get(self, request):
        return Response(table_schema(self.commune))
