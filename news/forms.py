"""Forms visitors fill in: the search filters."""

from html import escape

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from news import public_queries
from news.content import period
from news.models import Article
from portal import query_cache


def _years(articles) -> list[int]:
    return [day.year for day in articles.dates("publish_at", "year", order="DESC")]


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python from its choices: through the form templates, one template per
    option, the search page's three filters cost it a millisecond, and through the widget's context a
    third of one. Options without groups, one value selected (the first that matches), as ``Select``."""

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        self._choices = list(value)  # (value, label) pairs, as ``PairChoices`` gives them

    def render(self, name, value, attrs=None, renderer=None):
        wanted = set(self.format_value(value))
        options, chosen = [], False
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = not chosen and option_value in wanted
            chosen = chosen or selected
            options.append(
                f'<option value="{escape(option_value)}"{" selected" if selected else ""}>{_text(label)}</option>'
            )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        items = "\n  ".join(options)
        return mark_safe(f'<select name="{escape(name)}"{attributes}>\n  {items}\n</select>')  # escaped above


def _text(label) -> str:
    """A label as ``conditional_escape`` writes it (without its lazy-string wrapper, which costs most here)."""
    return label if isinstance(label, SafeData) else escape(str(label))


class PairChoices:
    """A choice field whose choices are a list of (value, label) pairs, kept as given: Django normalizes
    them for the field and again for its widget, which was a fifth of the search filters' cost."""

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        self._choices = self.widget.choices = list(value)


class ChoiceField(PairChoices, forms.ChoiceField):
    pass


class TypedChoiceField(PairChoices, forms.TypedChoiceField):
    pass


class SearchFilterForm(forms.Form):
    """Narrow a search by category, language and year; a bad value is reported and ignored."""

    category = ChoiceField(label=_("Category"), required=False, widget=QuickSelect)
    language = ChoiceField(label=_("Language"), required=False, widget=QuickSelect)
    year = TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None, widget=QuickSelect)

    def __init__(self, data, *, articles=None, categories=None):
        super().__init__(data)
        if categories is None:
            categories = public_queries.categories()
        self.categories = {category.slug: category for category in categories}
        if articles is None:
            # Every published article is read to list its years: kept per content version.
            years = query_cache.remember("published-years", lambda: _years(Article.objects.published()))
        else:
            years = _years(articles)
        self.fields["category"].choices = [("", _("All categories"))] + [
            (slug, category.display_name) for slug, category in self.categories.items()
        ]
        self.fields["language"].choices = [("", _("Any language"))] + [
            (code, name) for code, name in settings.LANGUAGES
        ]
        self.fields["year"].choices = [("", _("Any year"))] + [(str(year), str(year)) for year in years]

    def filter_values(self) -> dict:
        """Every filter that was given and valid, as values: a category's id, a year's bounds, a language."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        category = self.categories[data["category"]] if data.get("category") else None
        start, end = period(data["year"]) if data.get("year") else (None, None)
        return {
            "category_id": category.pk if category else None,
            "start": start,
            "end": end,
            "language": data.get("language") or None,
        }

    @property
    def active(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in self.fields)


class NoFilters:
    """What a search page reads of its ``SearchFilterForm`` when none of the filters was given (most searches,
    from the search box of every page): nothing to check, and the filter bar every such search shows."""

    active = False

    def __init__(self):
        self.categories = {category.slug: category for category in public_queries.categories()}
        self.errors = {}

    def filter_values(self) -> dict:
        return {"category_id": None, "start": None, "end": None, "language": None}


FILTER_BAR = "news/search_filters.html"


def search_filters(data) -> SearchFilterForm | NoFilters:
    """The search page's filters for its query string ``data``."""
    return SearchFilterForm(data) if any(name in data for name in SearchFilterForm.base_fields) else NoFilters()


def filter_bar(filters: SearchFilterForm | NoFilters) -> SafeString:
    """The filter bar's selects with their labels. Without filters, the bar is the same for every search in a
    language until the content changes (it lists the years): it is made once per content version."""
    if isinstance(filters, SearchFilterForm):
        return render_to_string(FILTER_BAR, {"filter_form": filters})
    return query_cache.remember(
        f"search-filter-bar:{translation.get_language()}",
        lambda: render_to_string(
            FILTER_BAR, {"filter_form": SearchFilterForm({}, categories=filters.categories.values())}
        ),
    )
