from django.urls import path

from attachments import views

app_name = "attachments"

urlpatterns = [
    path("<str:key>/<str:name>", views.serve, name="serve"),
]
