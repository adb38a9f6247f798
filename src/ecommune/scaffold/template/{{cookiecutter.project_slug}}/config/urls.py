"""URLs of the {{ cookiecutter.commune_name }} site: the kit's; add the site's own before them."""

from ecommune.conf.urls import urlpatterns

__all__ = ["urlpatterns"]
