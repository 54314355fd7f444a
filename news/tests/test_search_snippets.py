"""Search snippets read each text only as far as they need: the same snippets as reading it all."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from news import reading, search
from news.models import Article
from translations import languages


def _whole_text(text) -> str:
    blocks = [" ".join(text.summary.split())] if text.summary.strip() else []
    return reading.BLOCK_SEPARATOR.join([*blocks, *reading.text_blocks(text.body_html)])


def reference_snippet(article, query, language):
    """The snippet as made from each text converted whole (how it was made before)."""
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
            }
        )
    article = Article(**fields)
    query = search.parse(query_text)
    assert search.best_snippet(article, query, language) == reference_snippet(article, query, language)


def test_a_match_near_the_start_leaves_the_rest_of_the_body_unread(monkeypatch):
    code = languages.codes()[0]
    body = "<p>kernel news</p>" + "<p>more text</p>" * 500
    article = Article(
        source_language=code,
        **{
            languages.field("title", code): "T",
            languages.field("summary", code): "",
            languages.field("body_html", code): body,
        },
    )
    converted = []
    original = reading.markup_text
    monkeypatch.setattr(reading, "markup_text", lambda part: converted.append(part) or original(part))
    snippet, _language = search.best_snippet(article, search.parse("kernel"), code)
    assert "<mark>kernel</mark>" in snippet and snippet.endswith("…")
    assert len(converted) < 30, len(converted)


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
def test_blocks_read_one_by_one_are_the_blocks_of_the_whole_body(body):
    # The blocks as cut from the whole body at once: table cells joined, then split at each block's end.
    marked = reading._BLOCK_END.sub("\x00", reading._CELL_END.sub(" ", body))
    whole = [" ".join(reading.markup_text(part).split()) for part in marked.split("\x00")]
    assert list(reading.iter_text_blocks(body)) == [block for block in whole if block]
