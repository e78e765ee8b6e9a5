"""A URLconf with one view that fails, for the tests of what a server error looks like."""

from django.urls import path


def boom(request):
    raise RuntimeError("boom: the failure the log must show")


urlpatterns = [path("boom/", boom)]
