"""The personal-data processing of each online service, for the « données personnelles » page.

Each service declares its ``processing`` on its class (``ecommune.core.services``); a class
without one fails ``manage.py check``.
"""

from ecommune.core.services import AGENTS, LEGAL_OBLIGATION, PUBLIC_TASK, Processing

__all__ = ["AGENTS", "LEGAL_OBLIGATION", "PUBLIC_TASK", "Processing", "processing_of"]


def processing_of(service) -> Processing:
    """What ``service`` does with personal data: its declared ``processing`` (the name
    ``personal_data`` of earlier versions is still read). A registered service without one
    fails ``manage.py check``; any other class gets a cautious default."""
    for name in ("processing", "personal_data"):
        declared = getattr(service, name, None)
        if isinstance(declared, Processing):
            return declared
    return Processing(purpose=service.summary or service.title)
