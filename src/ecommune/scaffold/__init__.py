"""Scaffolding a site for one commune: ``ecommune new`` and the cookiecutter template it runs.

``template/`` is a cookiecutter template (also reachable as ``cookiecutter-template/``
at the repository's root); ``new`` checks the answers, then generates the site.
Setting the commune up in a database is not done here: the generated site runs
``manage.py ecommune_setup_commune config/commune.json``.
"""
