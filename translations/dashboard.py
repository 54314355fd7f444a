"""The translators' section of the admin home: per language, what is left to translate.

Articles by state (missing, outdated, complete; one query), and the categories
and tags whose name is missing or outdated in that language, each linking to
its filtered admin list; articles also to the segment editor, when the site has it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from news.models import Article, Category
from tags.models import Tag
from translations import languages, records
from translations.models import TranslatedName

ARTICLE_STATES = {
    records.MISSING: _("missing"),
    records.OUTDATED: _("outdated"),
    records.COMPLETE: _("complete"),
}
NAME_STATES = {records.MISSING: _("missing"), records.OUTDATED: _("outdated")}
FILTER_PARAMETER = "translation"


def state_condition(language: str, state: str) -> Q:
    """Articles translatable into ``language`` that are in ``state`` there, as a database condition."""
    title = languages.field("title", language)
    has_text = ~Q(**{title: ""}) & Q(**{f"{title}__isnull": False})
    translatable = ~Q(source_language=language)
    if state == records.MISSING:
        return translatable & ~has_text
    behind = Q(outdated_segments__has_key=language)
    if state == records.OUTDATED:
        return translatable & has_text & behind
    return translatable & has_text & ~behind


def article_counts(articles=None) -> dict[str, dict[str, tuple[int, int | None]]]:
    """Per language and state: (how many articles, the newest one's id), in one query."""
    wanted = {}
    for index, code in enumerate(languages.codes()):
        for state in ARTICLE_STATES:
            condition = state_condition(code, state)
            wanted[f"count_{index}_{state}"] = Count("pk", filter=condition)
            wanted[f"newest_{index}_{state}"] = Max("pk", filter=condition)
    found = (Article.objects.all() if articles is None else articles).aggregate(**wanted)
    return {
        code: {state: (found[f"count_{index}_{state}"], found[f"newest_{index}_{state}"]) for state in ARTICLE_STATES}
        for index, code in enumerate(languages.codes())
    }


def name_state(obj: TranslatedName, language: str) -> str | None:
    """``missing`` or ``outdated`` when ``obj``'s name in ``language`` needs a translator; None otherwise."""
    source = obj.source_language_of_name()
    if language == source or not obj.name_in(source):
        return None
    if not obj.name_in(language):
        return records.MISSING
    made_from = (obj.translated_from or {}).get(language)
    return records.OUTDATED if made_from is not None and made_from != obj.name_in(source) else None


def name_gaps(objects: Iterable[TranslatedName], language: str) -> dict[str, list[int]]:
    """The ids of the objects whose name is missing, and of those whose name is outdated, in ``language``."""
    gaps = {state: [] for state in NAME_STATES}
    for obj in objects:
        state = name_state(obj, language)
        if state:
            gaps[state].append(obj.pk)
    return gaps


def segment_editor_url(article_id: int, language: str) -> str:
    """The segment editor of one article in one language; "" where the site has none."""
    try:
        return reverse("admin:news_article_translate", args=(article_id, language))
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class Cell:
    label: str
    count: int
    url: str  # the filtered admin list ("" when there is nothing to list)
    translate_url: str = ""  # the segment editor, for the newest article in this state


def _names(model, ids: list[int], label) -> Cell:
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    url = f"{changelist}?id__in={','.join(map(str, ids))}" if ids else ""
    return Cell(str(label), len(ids), url)


def sections() -> list[dict]:
    """One row per language: its article cells and its category and tag name cells."""
    counts = article_counts()
    changelist = reverse("admin:news_article_changelist")
    fields = ["translated_from", "slug"]
    categories = list(Category.objects.only(*fields, *languages.fields("name")))
    tags = list(Tag.objects.only(*fields, *languages.fields("label")))
    rows = []
    for language in languages.languages():
        code = language.code
        articles = []
        for state, label in ARTICLE_STATES.items():
            count, newest = counts[code][state]
            editor = segment_editor_url(newest, code) if newest and state != records.COMPLETE else ""
            articles.append(Cell(str(label), count, f"{changelist}?{FILTER_PARAMETER}={code}:{state}", editor))
        category_gaps, tag_gaps = name_gaps(categories, code), name_gaps(tags, code)
        rows.append(
            {
                "code": code,
                "name": str(language.name),
                "articles": articles,
                "categories": [_names(Category, category_gaps[state], NAME_STATES[state]) for state in NAME_STATES],
                "tags": [_names(Tag, tag_gaps[state], NAME_STATES[state]) for state in NAME_STATES],
            }
        )
    return rows
