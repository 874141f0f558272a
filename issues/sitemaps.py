"""/sitemap.xml: the pages search engines may index (published, public issues; codes)."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from issues.models import ErrorCode, Issue


class IssueSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Issue.objects.visible_to(AnonymousUser()).order_by("pk")

    def lastmod(self, issue):
        return issue.updated_at


class ErrorCodeSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return ErrorCode.objects.readable().select_related("product").order_by("pk")

    def lastmod(self, code):
        return code.updated_at


class StaticPagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["issues:home", "issues:code_index"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"pages": StaticPagesSitemap, "issues": IssueSitemap, "codes": ErrorCodeSitemap}
