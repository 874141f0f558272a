from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from issues.sitemaps import SITEMAPS
from issues.views import favicon, robots_txt
from kbsite.health import healthz

# A database outage raised outside a view still gets the friendly 503 (kbsite/outage.py).
handler500 = "kbsite.outage.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("probes/", include("probes.urls")),
    path("api/probes/", include("probes.api_urls")),
    path("diagnose/", include("diagnosis.urls")),
    path("attachments/", include("attachments.urls")),
    path("api/", include("diagnosis.api_urls")),
    path("", include("issues.search.urls")),
    path("", include("issues.urls")),
]
