"""The {{ cookiecutter.commune_name }} site: settings, URLs and the WSGI entry point."""
