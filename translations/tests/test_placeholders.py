"""Placeholders for targets and the Markdown skeleton checks of a translation."""

import pytest

from translations import placeholders
from translations import segments as seg
from translations.tests.po_helpers import (
    _english,  # noqa: F401 (autouse fixture)
    corpus_bodies,
)

pytestmark = pytest.mark.django_db


def test_links_images_urls_and_inline_html_become_placeholders():
    protected = placeholders.protect('见[文档](https://e.org/a "t")、![图](a.png)、<br>、https://x.org/b 和 `[c](d)`')
    assert protected.text == "见[文档]({1})、![图]({2})、{3}、{4} 和 `[c](d)`"
    assert placeholders.restore("See [doc]({1}), ![pic]({2}), {3}, {4} and `[c](d)`", protected.placeholders) == (
        'See [doc](https://e.org/a "t"), ![pic](a.png), <br>, https://x.org/b and `[c](d)`'
    )


@pytest.mark.parametrize(
    ("translation", "reason"),
    [
        ("See [doc]({2})", "{2} is not a placeholder"),
        ("See doc", "placeholder {1} (https://e.org/a) is missing"),
        ("See [doc]({1}) [again]({1})", "appears 2 times"),
        ("See [doc](https://evil.example/)", "is missing"),
        ("See [doc]({1}) and `code`", "inline code `code` is not in the source"),
        ("See [doc]({1})\n# heading", "Markdown marker"),
        ("See [doc]({1})\n\nmore", "split the segment"),
    ],
)
def test_skeleton_problems_name_what_is_broken(translation, reason):
    problems = placeholders.skeleton_problems(source="见[文档](https://e.org/a)", translation=translation, kind="p")
    assert any(reason in problem for problem in problems), problems


@pytest.mark.parametrize(
    "added",
    [
        '<img/src="x"/onerror="alert(1)">',  # a slash where a space would part the attributes
        "<svg/onload=alert(1)>",
        "[click](  javascript:alert(1)  )",  # spaces around a link's target
        "[click]( javascript:alert(1))",
    ],
)
def test_a_translation_cannot_add_a_target_however_it_is_spelt(added):
    problems = placeholders.skeleton_problems(
        source="见[文档](https://e.org/a)", translation=f"See [doc]({{1}}) {added}", kind="p"
    )
    assert any("adds a target that the source does not have" in problem for problem in problems), problems


def test_a_faithful_translation_has_no_skeleton_problems():
    source, translation = "见[文档](https://e.org/a) `x`", "See `x` [doc]({1})"
    assert placeholders.skeleton_problems(source=source, translation=translation, kind="p") == []


def test_corpus_segments_keep_their_skeleton_through_placeholders():
    """Each segment comes back intact from its placeholders, and a translation keeps the structure."""
    for path, text in corpus_bodies():
        segments = seg.body_segments(text)
        for segment in segments:
            protected = placeholders.protect(segment.text)
            assert placeholders.restore(protected.text, protected.placeholders) == segment.text, (path, segment)
            assert (
                placeholders.skeleton_problems(source=segment.text, translation=protected.text, kind=segment.kind) == []
            )
        translated = seg.join_markdown(
            seg.split_markdown(text),
            lambda index, segment: placeholders.restore(
                "T " + placeholders.protect(segment.text).text, placeholders.protect(segment.text).placeholders
            ),
        )
        assert [segment.kind for segment in seg.body_segments(translated)] == [s.kind for s in segments], path
