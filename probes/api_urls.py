from django.urls import path

from probes import api

app_name = "probes_api"

urlpatterns = [
    path("run/", api.run, name="run"),
]
