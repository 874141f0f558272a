from django.apps import AppConfig


class PagecacheConfig(AppConfig):
    name = "issues.pagecache"
    label = "pagecache"

    def ready(self):
        # The arrow points from the cache to the core: the core sends plain signals.
        from issues.pagecache import receivers

        receivers.connect()
