import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from news.models import Article
from news.tests.factories import article
from news.tests.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


def section(response, name: str) -> list[str]:
    return [str(obj) for obj in response.context[name]]


def test_the_admin_home_is_a_dashboard(editor):
    mine = article(zh="我的草稿", en="My draft", status=Article.Status.DRAFT)
    article(zh="别人的草稿", en="Someone else's draft", status=Article.Status.DRAFT)
    later = article(zh="预告", en="Coming soon", days_ago=-3)
    sooner = article(zh="明天", en="Tomorrow", days_ago=-1)
    broken = article(zh="坏图", en="Broken", body_en="![x](media/nowhere.png)")
    article(zh="外链图", en="External", body_en="![x](https://example.org/x.png)")
    editor.post(change_url(mine), {**form_data(editor.get(change_url(mine)).content), "summary_en": "Mine"})

    response = editor.get("/admin/")
    assert section(response, "my_drafts") == ["我的草稿"]
    assert section(response, "scheduled") == [str(sooner), str(later)]
    assert section(response, "recent")[0] == "我的草稿"
    assert section(response, "broken_images") == [str(broken)]
    text = response.content.decode()
    assert "My drafts" in text and "Broken image references" in text


def test_the_admin_carries_the_sites_name(editor):
    text = editor.get("/admin/").content.decode()
    assert "Open Source Community Portal" in text
    assert "Django administration" not in text and "Django site admin" not in text


def test_the_dashboard_query_count_is_fixed(editor, django_assert_max_num_queries):
    for number in range(8):
        article(zh=f"草稿{number}", en=f"Draft {number}", status=Article.Status.DRAFT, days_ago=-number)
    # Session, user, the app list's permissions, and one query per list (and the log for "my drafts");
    # the translators' section: the user's group, the article counts, the categories' and the tags' names.
    with django_assert_max_num_queries(16):
        editor.get("/admin/")
