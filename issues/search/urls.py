from django.urls import path

from issues.search import api, views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/click/", views.record_click, name="click"),
    path("search/pick/", views.record_pick, name="pick"),
    path("api/search/", api.search_api, name="api_search"),
]
