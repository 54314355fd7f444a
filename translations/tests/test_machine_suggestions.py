"""Machine suggestions on demand: the editor page asks no provider; a staff-only JSON endpoint does, per segment."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from translations import memory
from translations.memory import ProviderError, Suggestion
from translations.tests.po_helpers import _english, zh_article  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db
ECHO = "translations.tests.test_machine_suggestions.Echo"
BROKEN = "translations.tests.test_machine_suggestions.Broken"
LINK = "欢迎阅读[安装指南]({1})、运行 `dnf install portal` 即可。"


class Echo:
    """A machine translation that keeps the link target, as a real service does; counts its calls."""

    name = "echo"
    calls: list[str] = []

    def suggest(self, text, source_language, target_language):
        Echo.calls.append(text)
        return [Suggestion(source=text, translation=f"EN {text}", score=0.5, origin=self.name)]


class Broken:
    name = "broken"

    def suggest(self, text, source_language, target_language):
        raise ProviderError("the translation service did not answer (timed out)")


@pytest.fixture
def echo(settings):
    settings.TRANSLATION_SUGGESTION_PROVIDERS = ["translations.memory.SiteMemory", ECHO]
    Echo.calls = []


def translator_client(*, enforce_csrf_checks=False):
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    user = User.objects.create_user("translator", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Translators"))
    client.force_login(user)
    return client


def endpoint(article, language="en"):
    return f"/admin/news/article/{article.pk}/translate/{language}/suggest/"


def key_of(response, source):
    return next(row.key for row in response.context["rows"] if row.source == source)


def test_the_page_asks_no_provider_and_offers_suggest_buttons(echo):
    article = zh_article()
    client = translator_client()
    response = client.get(f"/admin/news/article/{article.pk}/translate/en/")
    assert Echo.calls == []
    page = response.content.decode()
    assert f'data-suggest-url="{endpoint(article)}"' in page
    assert page.count('class="button translate-suggest"') == len(response.context["rows"])


def test_without_a_machine_provider_there_is_no_suggest_button(settings):
    settings.TRANSLATION_SUGGESTION_PROVIDERS = ["translations.memory.SiteMemory"]
    article = zh_article()
    page = translator_client().get(f"/admin/news/article/{article.pk}/translate/en/").content.decode()
    assert "translate-suggest" not in page and "data-suggest-url" not in page


def test_the_endpoint_asks_the_provider_for_one_segment_with_its_placeholders(echo):
    article = zh_article()
    client = translator_client()
    key = key_of(client.get(f"/admin/news/article/{article.pk}/translate/en/"), LINK)
    response = client.post(endpoint(article), {"key": key})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    # The provider got the real text; the translator sees the target as the segment's placeholder.
    assert Echo.calls == ['欢迎阅读[安装指南](https://example.com/install "指南")、运行 `dnf install portal` 即可。']
    (suggestion,) = response.json()["suggestions"]
    assert suggestion["text"] == f"EN {LINK}" and suggestion["origin"] == "echo" and suggestion["score"] == 50


def test_a_failing_provider_gives_a_clear_message(settings):
    settings.TRANSLATION_SUGGESTION_PROVIDERS = ["translations.memory.SiteMemory", BROKEN]
    article = zh_article()
    client = translator_client()
    key = key_of(client.get(f"/admin/news/article/{article.pk}/translate/en/"), "启动系统")
    response = client.post(endpoint(article), {"key": key})
    assert response.status_code == 502
    assert response.json()["error"] == "No suggestion: broken: the translation service did not answer (timed out)."
    # One provider failing does not hide another's answer.
    settings.TRANSLATION_SUGGESTION_PROVIDERS = [BROKEN, ECHO]
    data = client.post(endpoint(article), {"key": key}).json()
    assert [item["text"] for item in data["suggestions"]] == ["EN 启动系统"]
    assert data["failures"][0].startswith("broken")


def test_unknown_segment_wrong_method_and_source_language(echo):
    article = zh_article()
    client = translator_client()
    assert client.post(endpoint(article), {"key": "body-nope"}).status_code == 404
    assert client.get(endpoint(article)).status_code == 405
    assert client.post(endpoint(article, "zh-hans"), {"key": "title"}).status_code == 403
    assert client.post(endpoint(article, "fr"), {"key": "title"}).status_code == 404
    assert Echo.calls == []


def test_only_staff_who_may_save_and_only_with_the_csrf_token(echo, client):
    article = zh_article()
    anonymous = client.post(endpoint(article), {"key": "title"})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    reader = User.objects.create_user("reader", password="x", is_staff=True)
    client.force_login(reader)
    assert client.post(endpoint(article), {"key": "title"}).status_code == 403
    strict = translator_client(enforce_csrf_checks=True)
    assert strict.post(endpoint(article), {"key": "title"}).status_code == 403
    page = strict.get(f"/admin/news/article/{article.pk}/translate/en/")
    token = page.context["csrf_token"]
    assert strict.post(endpoint(article), {"key": "title"}, HTTP_X_CSRFTOKEN=str(token)).status_code == 200
    assert Echo.calls == ["社区新闻"]


def test_bulk_suggestions_skip_a_failing_provider(settings):
    settings.TRANSLATION_SUGGESTION_PROVIDERS = [BROKEN, ECHO]
    assert [item.translation for item in memory.suggest_many(["你好"], "en")["你好"]] == ["EN 你好"]
    assert memory.suggest_many(["你好"], "en", machine=False) == {"你好": []}


def test_a_download_with_suggestions_asks_the_memory_only(echo, admin_client):
    article = zh_article()
    response = admin_client.get(f"/admin/news/article/{article.pk}/translations/en.po?suggest=1")
    assert response.status_code == 200 and b"msgctxt" in response.content
    assert Echo.calls == []  # the configured machine service was not asked inside the request
