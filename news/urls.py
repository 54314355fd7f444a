from django.urls import path

from news import feeds, publishing, views

app_name = "news"

# Fixed paths come before the article URL, whose slug would match them too
# (Article.RESERVED_SLUGS keeps articles from taking these names).
urlpatterns = [
    path("search/", views.SearchView.as_view(), name="search"),
    path("news/", views.ArticleListView.as_view(), name="list"),
    path("news/archive/", views.ArchiveView.as_view(), name="archive"),
    path("news/archive/<int:year>/<int:month>/", views.MonthArchiveView.as_view(), name="month"),
    path("news/rss/", feeds.LatestRss(), name="rss"),
    path("news/atom/", feeds.LatestAtom(), name="atom"),
    path("news/category/<slug:category>/", views.ArticleListView.as_view(), name="category"),
    path("news/category/<slug:category>/rss/", feeds.LatestRss(), name="category-rss"),
    path("news/category/<slug:category>/atom/", feeds.LatestAtom(), name="category-atom"),
    path("news/tag/<slug:tag>/", views.ArticleListView.as_view(), name="tag"),
    path("news/tag/<slug:tag>/rss/", feeds.LatestRss(), name="tag-rss"),
    path("news/tag/<slug:tag>/atom/", feeds.LatestAtom(), name="tag-atom"),
    path("news/preview/<str:token>/", publishing.SharedPreviewView.as_view(), name="shared-preview"),
    path("news/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
]
