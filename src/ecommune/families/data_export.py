"""The resident's family in « Mes données » (``ecommune.accounts.exports``): the household
they belong to, its children, its quotient familial and the names of its other legal
guardians (who have the same rights over it). Its address is the account's."""

from ecommune.accounts.exports import covers, exporters, own_fields
from ecommune.families.models import Guardian


@exporters.register("family")
@covers("ecommune_families.Guardian.user")
def export_family(user) -> dict | None:
    guardian = (
        Guardian.objects.filter(user=user)
        .select_related("household")
        .prefetch_related("household__children", "household__guardians__user")
        .first()
    )
    if guardian is None:
        return None
    household = guardian.household
    return {
        **own_fields(household),
        "joined_at": guardian.joined_at,
        "children": [own_fields(child) for child in household.children.all()],
        "other_guardians": [
            other.user.get_full_name() or other.user.email
            for other in household.guardians.all()
            if other.user_id != user.pk
        ],
    }
