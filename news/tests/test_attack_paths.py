"""The attack corpus through a translator's admin form, then the admin history pages, and in query parameters.

A sample of the payloads (every third of each category, see ``xss.sample``) is
typed by a member of Translators into the target-language title, summary and
body of a Chinese article; the article page in both languages, the admin list,
the object history and each version's diff page must contain nothing
executable. Then every public page that reads a query parameter, and the admin
list's filters, search and the tag suggestions, are asked for each payload:
they answer (never a server error) and reflect nothing executable.
"""

import json
from collections import Counter

import pytest
from django.contrib.auth.models import Group, User
from reversion.models import Version

from news.models import Article
from news.tests.factories import article
from news.tests.test_admin import form_data
from news.tests.xss import payloads_by_category, sample, unsafe_parts

pytestmark = pytest.mark.django_db
SAMPLE = sample(3)


def test_the_sample_covers_every_category():
    for category, group in payloads_by_category().items():
        assert set(group) & set(SAMPLE), category
    assert len(SAMPLE) >= 60


def page_problems(response, where, *, own: Counter | None = None):
    assert response.status_code == 200, (where, response.status_code)
    found = Counter(unsafe_parts(response.content.decode(), page=True)) - (own or Counter())
    assert not found, (where, found)


@pytest.fixture
def translator(client):
    user = User.objects.create_user("translator", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Translators"))
    client.force_login(user)
    return client


def admin_own_markup(client, url):
    """What the admin's own page has (its forms, icons, script files) with nothing of an article on it."""
    return Counter(unsafe_parts(client.get(url).content.decode(), page=True))


def test_a_translators_admin_form_then_every_page_and_the_history(translator):
    originals = [
        # Drafts: a payload naming an image nobody uploaded may not be published (the form says why);
        # staff see drafts on the site.
        article(
            zh=f"攻击译文{number}",
            en="",
            body_zh="## 小节\n\n中文正文。",
            slug=f"translated-{number}",
            tags=("attack",),
            status=Article.Status.DRAFT,
        )
        for number in range(len(SAMPLE))
    ]
    for obj, payload in zip(originals, SAMPLE, strict=True):
        url = f"/admin/news/article/{obj.pk}/change/"
        data = form_data(translator.get(url).content)
        data.update(title_en=f"Translated {payload}"[:200], summary_en=payload[:300], body_en=f"Text.\n\n{payload}")
        response = translator.post(url, data)
        assert response.status_code == 302, (payload, response.content.decode()[:300])

    written = Article.objects.filter(slug__startswith="translated-").order_by("pk")
    assert sum(payload[:300] == obj.summary_en for obj, payload in zip(written, SAMPLE, strict=True)) == len(SAMPLE)
    for obj in written:
        assert not unsafe_parts(obj.body_html_en), (obj.slug, obj.body_html_en)
        page_problems(translator.get(f"/en/news/{obj.slug}/"), obj.slug)
    for obj in written[::5]:
        page_problems(translator.get(f"/zh/news/{obj.slug}/"), obj.slug)

    own = admin_own_markup(translator, "/admin/news/article/?q=no-such-article")
    for query in ("", "?q=Translated", "?q=script", "?p=2"):
        page_problems(translator.get(f"/admin/news/article/{query}"), query, own=own)

    first = written[0]
    history_own = admin_own_markup(translator, f"/admin/news/article/{first.pk}/history/")
    for obj in written:
        page_problems(translator.get(f"/admin/news/article/{obj.pk}/history/"), obj.slug, own=history_own)
        versions = Version.objects.get_for_object(obj)
        assert versions.count() >= 1, obj.slug
        for version in versions:
            response = translator.get(f"/admin/news/article/{obj.pk}/history/{version.pk}/")
            page_problems(response, (obj.slug, version.pk), own=history_own)
        # The newest version's diff shows the translator's title, escaped.
        newest = translator.get(f"/admin/news/article/{obj.pk}/history/{versions[0].pk}/")
        assert "Translated" in newest.content.decode()


# Query parameters ---------------------------------------------------------------------


@pytest.fixture
def some_articles():
    for number in range(3):
        article(zh=f"文章{number}", en=f"Article {number}", tags=("kernel",), slug=f"plain-{number}")


PUBLIC = [
    ("/en/news/", ("q", "tag", "category", "year", "page", "all")),
    ("/zh/news/", ("tag", "page", "all")),
    ("/en/search/", ("q", "category", "language", "year", "page", "all")),
    ("/zh/search/", ("q", "page")),
    ("/en/news/tag/kernel/", ("page", "all")),
    ("/en/news/category/news/", ("page", "year")),
    ("/en/news/archive/", ("year", "page")),
    ("/en/", ("page", "all")),
]
ADMIN = [
    (
        "/admin/news/article/",
        ("q", "visibility", "status", "tag", "missing", "translation", "o", "p", "category__id__exact"),
    ),
    ("/admin/tags/tag/", ("q", "p")),
]


def answered(response, where):
    """A page, a not-found page, a redirect or a plain-text refusal (a control character): never an error."""
    assert response.status_code in (200, 301, 302, 400, 404), (where, response.status_code)
    if response.status_code == 400:
        assert response["Content-Type"].startswith("text/plain"), where


def test_query_parameters_of_public_pages_reflect_nothing(client, some_articles):
    for path, names in PUBLIC:
        for name in names:
            for payload in SAMPLE:
                response = client.get(path, {name: payload})
                answered(response, (path, name, payload))
                if response.status_code in (200, 404) and response["Content-Type"].startswith("text/html"):
                    problems = unsafe_parts(response.content.decode(), page=True)
                    assert not problems, (path, name, payload, problems)


def test_admin_filters_search_and_tag_suggestions_reflect_nothing(admin_client, some_articles):
    for path, names in ADMIN:
        own = admin_own_markup(admin_client, path)
        for name in names:
            for payload in SAMPLE[::2]:
                response = admin_client.get(path, {name: payload})
                answered(response, (path, name, payload))
                if response.status_code == 200:
                    found = Counter(unsafe_parts(response.content.decode(), page=True)) - (own or Counter())
                    assert not found, (path, name, payload, found)
    for payload in SAMPLE:
        response = admin_client.get("/admin/tags/tag/suggestions/", {"q": payload})
        answered(response, payload)
        if response.status_code == 200:
            assert response["Content-Type"] == "application/json"
            assert set(json.loads(response.content)) == {"tags", "labels"}
            assert b"<" not in response.content.replace(b"\\u003c", b""), payload
