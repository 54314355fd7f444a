import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from news.models import Article
from news.tests.factories import article
from news.tests.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db


def editor(name: str) -> User:
    user = User.objects.create_user(name, password="pw", is_staff=True, first_name=name.title())
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def two_editors():
    first, second = Client(), Client()
    first.force_login(editor("alice"))
    second.force_login(editor("bob"))
    return first, second


def test_every_save_raises_the_version():
    obj = article(zh="版本", en="Version")
    before = obj.version
    obj.save()
    assert Article.objects.get(pk=obj.pk).version == before + 1


def test_the_second_of_two_concurrent_saves_is_refused(two_editors):
    obj = article(zh="原标题", en="Original", body_en="Original body.")
    alice, bob = two_editors
    alice_form = form_data(alice.get(change_url(obj)).content)
    bob_form = form_data(bob.get(change_url(obj)).content)

    alice_form.update(summary_en="Alice's summary", body_en="Alice's body.")
    assert alice.post(change_url(obj), alice_form).status_code == 302

    bob_form.update(summary_en="Bob's summary", body_en="Bob's body.")
    response = bob.post(change_url(obj), bob_form)

    assert response.status_code == 200
    stored = Article.objects.get(pk=obj.pk)
    assert (stored.summary_en, stored.body_en) == ("Alice's summary", "Alice's body.")
    text = response.content.decode()
    assert "Alice saved this article at" in text
    conflict = response.context["adminform"].form.conflict
    by_field = {difference.name: difference for difference in conflict.differences}
    assert set(by_field) >= {"summary_en", "body_en"}
    assert "title_en" not in by_field
    assert (by_field["body_en"].saved, by_field["body_en"].submitted) == ("Alice's body.", "Bob's body.")
    # Bob's text is on the page, read-only, to copy.
    assert '<textarea readonly rows="4" class="edit-conflict-yours">Bob&#x27;s body.</textarea>' in text


def test_a_refused_save_stays_refused_until_the_editor_reopens_the_article(two_editors):
    obj = article(zh="原标题", en="Original")
    alice, bob = two_editors
    stale = form_data(bob.get(change_url(obj)).content)
    alice.post(change_url(obj), {**form_data(alice.get(change_url(obj)).content), "summary_en": "Alice"})
    bob.post(change_url(obj), {**stale, "summary_en": "Bob"})
    assert bob.post(change_url(obj), {**stale, "summary_en": "Bob"}).status_code == 200
    fresh = form_data(bob.get(change_url(obj)).content)
    assert bob.post(change_url(obj), {**fresh, "summary_en": "Bob"}).status_code == 302
    assert Article.objects.get(pk=obj.pk).summary_en == "Bob"


def test_a_save_without_the_version_is_refused(two_editors):
    obj = article(zh="原标题", en="Original")
    alice, _bob = two_editors
    data = form_data(alice.get(change_url(obj)).content)
    del data["version"]
    assert alice.post(change_url(obj), {**data, "summary_en": "No version"}).status_code == 200
    assert Article.objects.get(pk=obj.pk).summary_en != "No version"
