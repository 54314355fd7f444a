from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from news.sitemaps import SITEMAPS, robots_txt
from news.views import HomeView
from portal.i18n import i18n_patterns
from portal.views import favicon, media

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", favicon),
    # "/" is answered by LocaleMiddleware with a redirect to the visitor's language.
]

urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("", include("news.urls")),
)

# Uploads, when SERVE_MEDIA is on (DEBUG or not: Django's static() function only works with DEBUG on).
urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", media, name="media"))

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
