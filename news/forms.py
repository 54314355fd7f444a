"""Forms visitors fill in: the search filters."""

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from news import public_queries
from news.content import period
from news.models import Article
from portal import query_cache


def _years(articles) -> list[int]:
    return [day.year for day in articles.dates("publish_at", "year", order="DESC")]


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python: through the form templates, one template per option,
    the search page's three filters cost it a millisecond."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "\n  ",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html('<select name="{}"{}>\n  {}\n</select>', widget["name"], flatatt(widget["attrs"]), options)


class SearchFilterForm(forms.Form):
    """Narrow a search by category, language and year; a bad value is reported and ignored."""

    category = forms.ChoiceField(label=_("Category"), required=False, widget=QuickSelect)
    language = forms.ChoiceField(label=_("Language"), required=False, widget=QuickSelect)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None, widget=QuickSelect)

    def __init__(self, data, *, articles=None):
        super().__init__(data)
        self.categories = {category.slug: category for category in public_queries.categories()}
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
