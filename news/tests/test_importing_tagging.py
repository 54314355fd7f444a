"""Tags of a pair: paired by position into one tag per pair when none is known, else kept as written."""

import pytest

from news.tests.test_importing import only_article, post, run, write
from tags.models import Tag

pytestmark = pytest.mark.django_db


def pair(root, *, zh: str, en: str):
    write(root, "zh/news/a.md", post(title="一", tags=zh))
    write(root, "en/news/a.md", post(title="One", tags=en))


def test_new_tags_of_a_pair_become_one_tag_per_position_with_both_labels(tmp_path):
    pair(tmp_path, zh="[安装openEuler, 内核]", en="[Installing openEuler, Kernel]")
    report = run(tmp_path)
    tags = {tag.slug: (tag.label_zh_hans, tag.label_en) for tag in Tag.objects.all()}
    assert tags == {"anzhuang-openeuler": ("安装openEuler", "Installing openEuler"), "neihe": ("内核", "Kernel")}
    assert len(only_article().tags.all()) == 2
    assert any("paired by position" in note.message and "内核 = Kernel" in note.message for note in report.notes)
    again = run(tmp_path)
    assert again.counts["unchanged"] == 1 and Tag.objects.count() == 2 and not again.notes


def test_tags_are_kept_apart_when_their_numbers_differ_and_the_report_says_so(tmp_path):
    pair(tmp_path, zh="[内核]", en="[Kernel, Release]")
    report = run(tmp_path)
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Kernel", "Release", "内核"]
    assert any("kept apart (their numbers differ)" in note.message for note in report.notes)


def test_tags_are_kept_apart_when_one_is_known_already(tmp_path):
    Tag.objects.create(name="kernel", label_zh_hans="内核", label_en="Kernel")
    pair(tmp_path, zh="[内核, 新标签]", en="[Kernel, New]")
    report = run(tmp_path)
    assert Tag.objects.count() == 3
    assert any("kept apart (some are tags already)" in note.message for note in report.notes)
