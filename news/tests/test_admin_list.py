import pytest

from news.tests.factories import article
from tags.models import Tag

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/news/article/"


def pks(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


def test_the_tag_filter_is_typed_not_a_list_of_every_tag(admin_client):
    Tag.objects.bulk_create([Tag(name=f"tag-{n:03d}", slug=f"tag-{n:03d}") for n in range(500)])
    kernel = article(zh="内核", en="Kernel", tags=("kernel",))
    article(zh="别的", en="Other", tags=("tag-001",))
    Tag.objects.filter(name="kernel").update(label_zh_hans="内核")
    response = admin_client.get(CHANGELIST)
    text = response.content.decode()
    assert 'id="tag-filter-input"' in text and "data-suggestions-url" in text
    assert text.count("tag-0") < 20  # the used tags only, not 500 links
    for typed in ("kernel", "KERNEL", "内核"):
        assert pks(admin_client.get(CHANGELIST, {"tag": typed})) == {kernel.pk}


def test_the_tag_filter_keeps_the_other_filters(admin_client):
    article(zh="内核", en="Kernel", tags=("kernel",))
    text = admin_client.get(CHANGELIST, {"status__exact": "published"}).content.decode()
    assert '<input type="hidden" name="status__exact" value="published">' in text


def test_admin_search_covers_bodies(admin_client):
    found = article(zh="标题", en="Title", body_en="A sentence about schedulers and latency.")
    article(zh="其他", en="Other")
    assert pks(admin_client.get(CHANGELIST, {"q": "latency"})) == {found.pk}


def test_long_titles_are_cut_with_the_whole_title_on_hover(admin_client):
    title = "A very long title " * 12
    article(zh="长标题", en=title.strip(), source_language="en")
    text = admin_client.get(CHANGELIST).content.decode()
    assert f'class="truncate list-title" title="{title.strip()}"' in text
