from django.urls import path

from news import views

app_name = "news"

urlpatterns = [
    path("news/", views.ArticleListView.as_view(), name="list"),
    path("news/category/<slug:category>/", views.ArticleListView.as_view(), name="category"),
    path("news/tag/<slug:tag>/", views.ArticleListView.as_view(), name="tag"),
    path("news/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
]
