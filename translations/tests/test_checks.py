"""File-level checks of an uploaded PO file: syntax, header, encoding."""

import pytest

from translations import po_export
from translations.tests.po_helpers import (
    BAD_INPUTS,
    ENGLISH,
    _english,  # noqa: F401 (autouse fixture)
    fill,
    import_text,
    snapshot,
    zh_article,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_po_input_is_rejected_with_file_and_line_and_changes_nothing(case):
    article = zh_article()
    text = fill(po_export.export_po(language="en", articles=[article]), ENGLISH)
    break_it, reason = BAD_INPUTS[case]
    broken = break_it(text)
    assert broken != text
    before = snapshot()
    report = import_text(broken, name="broken.po")
    assert not report.ok and not report.applied
    assert any(reason in str(problem) for problem in report.rejected), report.rejected
    assert all(str(problem).startswith("broken.po:") for problem in report.rejected)
    assert snapshot() == before


def test_files_saved_with_a_byte_order_mark_and_crlf_are_read():
    article = zh_article()
    text = fill(po_export.export_po(language="en", articles=[article]), {"社区新闻": "Community news"})
    report = import_text("\ufeff" + text.replace("\n", "\r\n"))
    assert report.ok and report.updated == [f"article:{article.pk}:title"], report.rejected
