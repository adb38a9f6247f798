"""The resident's appointments and the identity documents they declared, in « Mes
données » (``ecommune.accounts.exports``)."""

from ecommune.accounts.exports import covers, exporters, own_fields
from ecommune.appointments.models import Booking, DeclaredIdentityDocument


@exporters.register("appointments")
@covers("ecommune_appointments.Booking.user")
def export_appointments(user) -> list[dict]:
    bookings = (
        Booking.objects.filter(user=user).select_related("motive", "counter").order_by("start")
    )
    return [
        {
            **own_fields(booking, exclude=("link_version", "sequence")),
            "motive": str(booking.motive),
            "counter": str(booking.counter),
        }
        for booking in bookings
    ]


@exporters.register("identity_documents")
@covers("ecommune_appointments.DeclaredIdentityDocument.user")
def export_identity_documents(user) -> list[dict]:
    declared = DeclaredIdentityDocument.objects.filter(user=user).order_by("expires_on")
    return [own_fields(row) for row in declared]
