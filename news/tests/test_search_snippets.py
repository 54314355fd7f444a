"""Search snippets are cut from the plain text stored with each body: the same snippets as converting
the HTML when the page is made, which a results page no longer does."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from news import markdown_html, search
from news.models import Article
from news.tests.factories import article
from translations import languages


def _whole_text(text) -> str:
    blocks = [" ".join(text.summary.split())] if text.summary.strip() else []
    return markdown_html.BLOCK_SEPARATOR.join([*blocks, *markdown_html.text_blocks(text.body_html)])


def reference_snippet(article, query, language):
    """The snippet as made from each text's HTML converted when asked for (how it was made before)."""
    shown = article.translation(language)
    texts = [shown] + [article.translation(code) for code in languages.codes() if code != shown.language]
    pattern = search._pattern(query)
    for text in texts:
        if not text.title:
            continue
        plain = _whole_text(text)
        if pattern and pattern.search(plain):
            return search.snippet(plain, query), text.language
    return search.snippet(_whole_text(shown), query), shown.language


WORDS = ["kernel", "Kernels", "kern", "release", "内核", "社区", "更新", "a", "the", "&amp;", "x" * 30, "内" * 40]
TAGS = ["<p>", "</p>", "<h2>", "</h2>", "<li>", "</li>", "<br>", "<td>", "</td>", "<strong>", "</strong>", " ", "\n"]
fragments = st.lists(st.sampled_from(WORDS + TAGS), max_size=120).map(" ".join)
QUERIES = ["kernel", "kernels release", "内核", "社区 kernel", "更新", "nothing"]


@settings(max_examples=300, deadline=None)
@given(
    titles=st.tuples(st.sampled_from(["", "Title", "标题"]), st.sampled_from(["", "Title", "标题"])),
    summaries=st.tuples(fragments, fragments),
    bodies=st.tuples(fragments, fragments),
    query_text=st.sampled_from(QUERIES),
    language=st.sampled_from(languages.codes()),
)
def test_snippets_equal_those_made_from_the_whole_text(titles, summaries, bodies, query_text, language):
    first, second = languages.codes()[:2]
    fields = {"source_language": first if titles[0] or not titles[1] else second}
    for code, title, summary, body in zip((first, second), titles, summaries, bodies, strict=True):
        fields.update(
            {
                languages.field("title", code): title,
                languages.field("summary", code): summary,
                languages.field("body_html", code): body,
                languages.field("body_text", code): markdown_html.block_text(body),  # as ``render`` stores it
            }
        )
    article = Article(**fields)
    query = search.parse(query_text)
    assert search.best_snippet(article, query, language) == reference_snippet(article, query, language)


@pytest.mark.django_db
def test_a_results_page_converts_no_html(client, monkeypatch):
    article(en="Kernel news", body_en="## Kernel\n\nThe **kernel** &amp; its drivers.\n\n" + "More text.\n\n" * 200)
    converted = []
    original = markdown_html.markup_text
    monkeypatch.setattr(markdown_html, "markup_text", lambda part: converted.append(part) or original(part))
    response = client.get("/en/search/", {"q": "drivers"})
    (result,) = response.context["results"]
    assert "<mark>drivers</mark>" in result["snippet"] and "Kernel … The kernel &amp; its" in result["snippet"]
    assert converted == []


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(["kernel", "Kernels", "subkernel", "_kern", "kern", "内核", "x", " ", "-", "é"]), max_size=30
    ).map("".join),
    terms=st.lists(
        st.sampled_from(["kernel", "kernels", "kern", "内核", "installs"]), min_size=1, max_size=3, unique=True
    ),
)
def test_highlighted_words_start_where_no_letter_precedes_them(text, terms):
    query = search.Query(" ".join(terms), tuple(terms))
    # The same words as a pattern that checks what precedes each position before looking for the stem.
    alternatives = []
    for term in sorted(terms, key=len, reverse=True):
        if term == "内核":
            alternatives.append(term)
        else:
            stem = term if len(term) <= 4 else term[: max(4, len(term) - 3)]
            alternatives.append(rf"(?<![^\W_]){stem}[^\W_]*")
    expected = re.compile("|".join(alternatives), re.IGNORECASE)
    assert [m.span() for m in search._pattern(query).finditer(text)] == [m.span() for m in expected.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(body=fragments)
def test_blocks_are_those_of_the_whole_body_cut_at_once(body):
    # The blocks as cut from the whole body at once: table cells joined, then split at each block's end.
    marked = markdown_html._BLOCK_END.sub("\x00", markdown_html._CELL_END.sub(" ", body))
    whole = [" ".join(markdown_html.markup_text(part).split()) for part in marked.split("\x00")]
    assert markdown_html.text_blocks(body) == [block for block in whole if block]
