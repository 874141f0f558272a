from django.urls import path

from diagnosis import views

app_name = "diagnosis"

urlpatterns = [
    path("", views.flow_index, name="index"),
    path("sessions/<uuid:pk>/", views.session_detail, name="session"),
    path("sessions/<uuid:pk>/summary.txt", views.session_summary_text, name="session_summary"),
    path("<slug:slug>/", views.flow_detail, name="flow"),
    path("<slug:slug>/<uuid:pk>/", views.walk, name="walk"),
    path("<slug:slug>/<uuid:pk>/status/", views.walk_status, name="walk_status"),
]
