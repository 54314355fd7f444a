"""The site's URLs plus uploaded files, for the live server the browser tests drive."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from portal.urls import handler404, handler500, urlpatterns  # noqa: F401


def media(request, path):
    # MEDIA_ROOT changes per test, so it is read per request.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *urlpatterns]
