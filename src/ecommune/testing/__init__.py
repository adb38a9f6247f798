"""Test helpers shipped with the kit, for its own tests, host sites and third-party services.

Needs the ``dev`` extra (factory-boy). ``pytest_plugin`` holds fixtures a site
can load with ``pytest_plugins = ["ecommune.testing.pytest_plugin"]``.
"""
