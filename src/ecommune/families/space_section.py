"""« Mon espace » (``ecommune.accounts.space``): the resident's household."""

from ecommune.accounts.space import Section
from ecommune.core.tenancy import require_commune
from ecommune.families.households import household_of


def family_context(request):
    household = household_of(request.user, require_commune(request))
    children = list(household.children.order_by("birth_date")) if household else []
    return {"household": household, "children": children}


SECTION = Section(
    name="family",
    template="ecommune_families/space_section.html",
    context=family_context,
    order=50,
)
