"""The demo commune and its seeding (``ecommune demo``, ``manage.py ecommune_seed_demo``).

The demo sits on the top floor of the kit: it fills every app below it with a fictional
town's data, and nothing of the kit imports it.
"""
