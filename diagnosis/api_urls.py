from django.urls import path

from diagnosis import api

app_name = "diagnosis_api"

urlpatterns = [
    path("flows/<slug:slug>/", api.flow_graph, name="flow"),
    path("flows/<slug:slug>/sessions/", api.session_create, name="sessions"),
    path("sessions/<uuid:pk>/", api.session_state, name="session"),
    path("sessions/<uuid:pk>/answer/", api.session_answer, name="answer"),
]
