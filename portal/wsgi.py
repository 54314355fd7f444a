import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

# Django first (it sets up the apps), then the layer that answers cache hits before it.
django_application = get_wsgi_application()

from portal.fastcache import PageCacheApplication  # noqa: E402

application = PageCacheApplication(django_application)
