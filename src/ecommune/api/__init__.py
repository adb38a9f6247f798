"""The public read API, ``/api/v1/``: a commune's open data for other sites and apps.

What the portal shows anyone, as JSON (Django REST framework), with its OpenAPI 3.1 schema
generated from the code (drf-spectacular) at ``/api/openapi.json`` and a readable page at
``/api/``: the town hall, its online services, the waiting time at its counters, free
appointment slots, news and events, residents' satisfaction per service and the
service-public.fr fiches the portal shows. Never a resident's data. Each answer is the
commune of the host name called (``ecommune.core.tenancy``): an unknown host is a 404.
"""
