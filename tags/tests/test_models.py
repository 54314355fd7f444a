import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from news.tests.factories import article
from tags.models import Tag, TagRedirect, merge_tags, readable_slug

pytestmark = pytest.mark.django_db


def test_chinese_and_mixed_tags_get_readable_pinyin_slugs_stable_across_saves():
    assert readable_slug("安装openEuler") == "anzhuang-openeuler"
    assert readable_slug("版本发布") == "banbenfabu"
    first = Tag.objects.create(name="安装openEuler")
    plain = Tag.objects.create(name="openEuler")
    assert (first.slug, plain.slug) == ("anzhuang-openeuler", "openeuler")
    first.delete()
    assert Tag.objects.create(name="安装openEuler").slug == "anzhuang-openeuler"


def test_merging_moves_articles_and_labels_and_redirects_the_old_slugs(client):
    kernel = Tag.objects.create(name="kernel", label_en="Kernel")
    chinese = Tag.objects.create(name="内核")
    other = Tag.objects.create(name="Kernels", label_en="Kernels")
    both = article(en="Both", tags=("kernel", "内核"))
    only_chinese = article(en="Chinese only", tags=("内核",))
    only_other = article(en="Other only", tags=("Kernels",))

    merge_tags(kernel, [chinese, other])

    assert list(Tag.objects.values_list("name", flat=True)) == ["kernel"]
    kernel.refresh_from_db()
    assert (kernel.label_zh_hans, kernel.label_en) == ("内核", "Kernel")
    for tagged in (both, only_chinese, only_other):
        assert list(tagged.tags.names()) == ["kernel"]
    assert set(TagRedirect.objects.values_list("old_slug", flat=True)) == {chinese.slug, "kernels"}
    response = client.get(reverse("news:tag", kwargs={"tag": "kernels"}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 301
    assert response["Location"].endswith("/news/tag/kernel/")
    assert client.get(reverse("news:tag", kwargs={"tag": "no-such-tag"})).status_code == 404


def test_a_new_tag_taking_an_old_slug_ends_its_redirect():
    kernel, old = Tag.objects.create(name="kernel"), Tag.objects.create(name="old")
    merge_tags(kernel, [old])
    Tag.objects.create(name="old")
    assert not TagRedirect.objects.exists()


def test_a_worker_serving_pages_does_not_load_the_pinyin_dictionaries():
    """pypinyin's dictionaries take about 55 MB: loaded when a Chinese slug is first made, not by the app."""
    script = (
        "import sys, django; django.setup()\n"
        "import portal.wsgi, portal.urls, news.views, news.admin, tags.admin, translations.admin\n"
        "from tags.models import readable_slug\n"
        "assert readable_slug('Kernel 6.6') == 'kernel-66', readable_slug('Kernel 6.6')\n"
        "before = 'pypinyin' in sys.modules\n"
        "assert readable_slug('安装openEuler') == 'anzhuang-openeuler'\n"
        "print(before, 'pypinyin' in sys.modules)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    command = [sys.executable, "-c", script]
    result = subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]
