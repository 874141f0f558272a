"""`CACHE_URL` → Django's CACHES setting.

One URL chooses the cache so a deployment switches from a single machine to a
fleet by changing the environment, not the code:

- ``locmem://`` (the default): per-process memory; fine for one app server, but
  rate limits and cached sessions are then per worker, not shared.
- ``redis://[:password@]host:port/db`` or ``rediss://…`` (TLS): Django's own
  RedisCache, shared by every worker on every app server.
- ``dummy://``: no caching at all (rate limits never trigger; for debugging only).
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# A Redis outage must fail a request quickly instead of pinning a worker until
# gunicorn's timeout kills it.
REDIS_SOCKET_TIMEOUT = 2.0


def caches_from_url(url: str, *, key_prefix: str = "kbsite") -> dict:
    scheme = urlsplit(url).scheme.lower()
    if scheme in {"redis", "rediss"}:
        default = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    elif scheme == "locmem":
        default = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kbsite"}
    elif scheme == "dummy":
        default = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    else:
        raise ImproperlyConfigured(
            f"CACHE_URL must start with redis://, rediss://, locmem:// or dummy://, got {url!r}"
        )
    default["KEY_PREFIX"] = key_prefix
    return {"default": default}
