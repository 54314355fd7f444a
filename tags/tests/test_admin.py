import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.urls import reverse

from news.tests.factories import article
from tags.models import Tag, TagRedirect

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    return client


def test_the_merge_action_asks_which_tag_to_keep_then_merges(admin_client):
    keep, gone = Tag.objects.create(name="kernel"), Tag.objects.create(name="Kernel-dev")
    tagged = article(en="A", tags=("Kernel-dev",))
    url = reverse("admin:tags_tag_changelist")
    selected = {"action": "merge_selected", ACTION_CHECKBOX_NAME: [keep.pk, gone.pk]}

    page = admin_client.post(url, selected)
    assert page.status_code == 200
    assert b'name="keep"' in page.content
    assert Tag.objects.count() == 2

    done = admin_client.post(url, {**selected, "keep": keep.pk, "apply": "1"}, follow=True)
    assert "merged into" in done.content.decode()
    assert list(Tag.objects.all()) == [keep]
    assert list(tagged.tags.all()) == [keep]
    assert TagRedirect.objects.get().old_slug == "kernel-dev"


def test_merging_needs_two_tags(admin_client):
    tag = Tag.objects.create(name="kernel")
    response = admin_client.post(
        reverse("admin:tags_tag_changelist"), {"action": "merge_selected", ACTION_CHECKBOX_NAME: [tag.pk]}, follow=True
    )
    assert "Select two or more tags" in response.content.decode()
    assert Tag.objects.count() == 1
