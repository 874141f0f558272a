from django.urls import path

from probes import views

app_name = "probes"

urlpatterns = [
    path("", views.index, name="index"),
    path("run/", views.adhoc_run, name="adhoc_run"),
    path("checklists/<slug:slug>/", views.checklist_detail, name="checklist_detail"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("targets/<int:pk>/", views.target_history, name="target_history"),
    path("status/", views.status, name="status"),
    path("monitors/<int:pk>/", views.monitor_detail, name="monitor_detail"),
]
