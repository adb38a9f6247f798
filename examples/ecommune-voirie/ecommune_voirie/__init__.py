"""« Demande d'occupation temporaire du domaine public »: a move, scaffolding or a skip on
the street, granted by a municipal decree (arrêté) the kit prints and emails.

A service written outside the kit, on its contract only (``ecommune.core.services``):
a site enables it with ``"ecommune_voirie"`` in ``INSTALLED_APPS``, nothing else. The
« Write a service » guide (docs/integrators/write-a-service.md) walks through its files.
"""
