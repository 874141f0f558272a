from django.urls import path

from issues import api, views

app_name = "issues"

urlpatterns = [
    path("", views.home, name="home"),
    path("issues/<slug:slug>/", views.issue_detail, name="issue_detail"),
    path("issues/<slug:slug>/feedback/", views.issue_feedback, name="issue_feedback"),
    path("codes/", views.code_index, name="code_index"),
    path("codes/<slug:product>/<str:code>/", views.code_detail, name="code_detail"),
    path("codes/<slug:product>/<str:code>/feedback/", views.code_feedback, name="code_feedback"),
    path("api/issues/<slug:slug>/", api.issue_detail, name="api_issue"),
    path("api/codes/<slug:product>/<str:code>/", api.code_detail, name="api_code"),
]
