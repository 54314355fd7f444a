import pytest

from news.models import Article, ArticleSlugRedirect
from news.tests.factories import article

pytestmark = pytest.mark.django_db


def rename(obj: Article, slug: str) -> Article:
    obj = Article.objects.get(pk=obj.pk)
    obj.slug = slug
    obj.save()
    return obj


@pytest.mark.parametrize("prefix", ["zh", "en"])
def test_an_old_slug_redirects_permanently_in_every_language(client, prefix):
    obj = rename(article(zh="旧地址", en="Old address", slug="old-address"), "new-address")
    response = client.get(f"/{prefix}/news/old-address/?utm=x")
    assert response.status_code == 301
    assert response["Location"] == f"/{prefix}/news/new-address/?utm=x"
    assert client.get(response["Location"]).status_code == 200
    assert obj.slug_redirects.get().old_slug == "old-address"


def test_chains_collapse_every_old_slug_leads_straight_to_the_article(client):
    obj = article(zh="一", en="One", slug="first")
    rename(obj, "second")
    rename(obj, "third")
    for old in ("first", "second"):
        assert client.get(f"/en/news/{old}/")["Location"] == "/en/news/third/"
    assert set(ArticleSlugRedirect.objects.values_list("old_slug", flat=True)) == {"first", "second"}


def test_taking_back_an_old_slug_removes_its_redirect_so_no_loop_is_possible(client):
    obj = article(zh="一", en="One", slug="a")
    rename(obj, "b")
    rename(obj, "a")
    assert client.get("/en/news/a/").status_code == 200
    assert client.get("/en/news/b/")["Location"] == "/en/news/a/"
    assert not ArticleSlugRedirect.objects.filter(old_slug="a").exists()


def test_another_article_taking_an_old_slug_wins_it(client):
    moved = article(zh="一", en="One", slug="shared")
    rename(moved, "moved")
    other = article(zh="二", en="Two", slug="shared")
    assert client.get("/en/news/shared/").status_code == 200
    assert client.get("/en/news/shared/").context["article"] == other
    assert not ArticleSlugRedirect.objects.filter(old_slug="shared").exists()


def test_a_redirect_never_reveals_a_draft(client):
    obj = article(zh="草稿", en="Draft", slug="before", status=Article.Status.DRAFT)
    rename(obj, "after")
    assert client.get("/en/news/before/").status_code == 404


def test_an_unknown_slug_is_still_404(client):
    assert client.get("/zh/news/never-existed/").status_code == 404
