"""The site's addresses plus the bare-Django baseline (``benchmarks.baseline``)."""

from django.urls import path

from confidentiality.urls import urlpatterns as site_urlpatterns

from .baseline import PATH, bare_list

urlpatterns = [path(PATH.strip("/") + "/", bare_list), *site_urlpatterns]
