from ecommune.conf.urls import urlpatterns  # noqa: F401
