import datetime

from django.http import Http404, HttpResponsePermanentRedirect
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from news import archive, forms, markdown, public_queries, reading, search
from news.content import period
from news.models import Article, ArticleSlugRedirect
from tags.models import TagRedirect

HOME_ARTICLES_PER_CATEGORY = 4


class ArticleVisibilityMixin:
    """What a visitor may see: published articles whose time has come.

    Staff may open drafts and scheduled articles one by one (``preview``),
    never in lists, so lists look the same for everybody.
    """

    allow_preview = False

    def get_queryset(self):
        articles = Article.objects.all()
        if self.allow_preview:
            return articles.visible_to(self.request.user)
        return articles.published()


class HomeView(ArticleVisibilityMixin, TemplateView):
    """The latest articles of each category written in the page's language (the lists offer the others)."""

    template_name = "news/home.html"

    def get_context_data(self, **kwargs):
        sections = public_queries.latest_per_category(timezone.now(), HOME_ARTICLES_PER_CATEGORY)
        latest = max((a for articles in sections.values() for a in articles), key=lambda a: a.publish_at, default=None)
        return super().get_context_data(sections=sections, latest=latest, **kwargs)


class ArticleListView(ArticleVisibilityMixin, ListView):
    """All articles, filtered by ``?category=``, ``?tag=`` and ``?year=``, combinable.

    Only those written in the page's language, unless ``?all=1`` adds the others.
    """

    template_name = "news/article_list.html"
    context_object_name = "articles"
    paginate_by = 20
    paginator_class = reading.ListPaginator

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A merged tag's old page leads to the tag it was merged into.
            moved = None
            if kwargs.get("tag"):
                moved = TagRedirect.objects.filter(old_slug=kwargs["tag"]).select_related("tag").first()
            if moved is None:
                raise
            return HttpResponsePermanentRedirect(moved.tag.get_absolute_url())

    def get_filters(self):
        params = self.request.GET
        category_slug = self.kwargs.get("category") or params.get("category") or ""
        tag_slug = self.kwargs.get("tag") or params.get("tag") or ""
        year = params.get("year") or ""
        filters = {"category": None, "tag": None, "year": None}
        if category_slug:
            filters["category"] = public_queries.category(category_slug)
            if filters["category"] is None:
                raise Http404(_("There is no such category."))
        if tag_slug:
            filters["tag"] = public_queries.tag(tag_slug)
            if filters["tag"] is None:
                raise Http404(_("There is no such tag."))
        if year:
            if not (year.isdigit() and 1900 <= int(year) <= 2999):
                raise Http404(_("“%(year)s” is not a year.") % {"year": year})
            filters["year"] = int(year)
        return filters

    def filter_values(self) -> dict:
        """The filters as values: the ids of the category and tag, the bounds of the period."""
        start, end = self.period() or (None, None)
        category, tag = self.filters["category"], self.filters["tag"]
        return {
            "category_id": category.pk if category else None,
            "tag_id": tag.pk if tag else None,
            "start": start,
            "end": end,
        }

    def period(self):
        return period(self.filters["year"]) if self.filters["year"] else None

    def filter_articles(self, articles):
        return public_queries.filtered(articles, **self.filter_values())

    def list_key(self) -> str:
        """The list's filters as a cache key (a model by its primary key): what its counts depend on."""
        parts = sorted((name, getattr(value, "pk", value)) for name, value in self.filters.items() if value is not None)
        return "&".join(f"{name}={value}" for name, value in parts) or "all"

    def get_queryset(self):
        self.now = timezone.now()
        self.filters = self.get_filters()
        self.show_all = reading.wants_all_languages(self.request.GET)
        self.language_choice = reading.count_by_language(
            lambda: self.filter_articles(Article.objects.published(self.now)),
            translation.get_language(),
            show_all=self.show_all,
            cache_key=self.list_key(),
        )
        # The page's rows come from the prepared queries (``get_paginator``): no queryset to build here.
        return []

    def get_paginator(self, *args, **kwargs):
        # A deep page's articles by their ids alone (the ids' query applied the filters): with the
        # filters too, SQLite walked the publication index from the newest article to find them.
        # Both through prepared queries (the same queryset, compiled once per shape).
        values = {"language_only": not self.show_all, **self.filter_values()}
        paginator = super().get_paginator(
            *args,
            rows=lambda bottom, top, ids_only: public_queries.list_page(
                self.now, bottom=bottom, top=top, ids_only=ids_only, categories=self.categories, **values
            ),
            load=lambda ids: public_queries.listing(ids, self.categories),
            **kwargs,
        )
        # Already counted with the articles in other languages: no second count.
        paginator.count = self.language_choice.shown
        return paginator

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        context = super().get_context_data(
            filters=self.filters,
            query_without_page=query.urlencode(),
            language_choice=self.language_choice,
            language_toggle=reading.toggled_query(self.request.GET, show_all=not self.language_choice.show_all),
            **kwargs,
        )
        context["categories"] = self.categories
        return context

    @cached_property
    def categories(self):
        """Every category: the page's filter bar, and its cards' categories (once the page is known to exist)."""
        return public_queries.categories()


class ArticleDetailView(ArticleVisibilityMixin, DetailView):
    template_name = "news/article_detail.html"
    context_object_name = "article"
    allow_preview = True

    def get_queryset(self):
        return super().get_queryset().select_related("category").for_reading().with_tags().with_neighbour_ids()

    def get_object(self, queryset=None):
        user = self.request.user
        if queryset is not None or (user.is_authenticated and user.is_staff):
            return super().get_object(queryset)
        # What visitors open, through the prepared queries (the same rules, compiled once).
        article = public_queries.published_article(self.kwargs["slug"], self.now)
        if article is None:
            raise Http404(_("There is no such article."))
        return article

    def get(self, request, *args, **kwargs):
        self.now = timezone.now()
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A slug the article had before: its new address, in the same language.
            slug = self.kwargs.get("slug")
            moved = ArticleSlugRedirect.target(slug) if slug else None
            if moved is None or not self.get_queryset().filter(pk=moved.pk).exists():
                raise
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(moved.get_absolute_url() + (f"?{query}" if query else ""))

    def neighbour_ids(self, article) -> tuple[int | None, int | None]:
        """The previous and next published articles' ids: found with a public article's own query."""
        if article.is_public:
            return article.previous_id, article.next_id
        # A draft or scheduled article (a preview): the published articles around its date.
        neighbours = Article.objects.published()
        older, newer = neighbours.before(article).first(), neighbours.after(article).first()
        return (older.pk if older else None), (newer.pk if newer else None)

    def get_context_data(self, **kwargs):
        article = self.object
        previous_id, next_id = self.neighbour_ids(article)
        related_ids = public_queries.related_ids(article, self.now, limit=archive.RELATED_LIMIT)
        # Previous, next and related articles: what their links show, in one query.
        links = public_queries.links([*related_ids, previous_id, next_id])
        return super().get_context_data(
            text=article.display,
            summary_repeats_body=markdown.same_text(
                article.display.summary, markdown.first_paragraph_text(article.display.body_html)
            ),
            previous_article=links.get(previous_id),
            next_article=links.get(next_id),
            is_preview=not article.is_public,
            related_articles=[links[pk] for pk in related_ids if pk in links],
            reading_minutes=reading.reading_minutes(article.display.body_html),
            **kwargs,
        )


class SearchView(ArticleVisibilityMixin, ListView):
    """``?q=`` over published articles of both languages, best matches first."""

    template_name = "news/search.html"
    context_object_name = "articles"
    paginate_by = 10

    def get_queryset(self):
        self.query = search.parse(self.request.GET.get("q"))
        self.filter_form = forms.search_filters(self.request.GET)
        # Best first: the page's ids, then those articles (ranking whole rows again took SQLite 1.9 ms).
        return public_queries.search_candidates(timezone.now(), self.query, **self.filter_form.filter_values())

    def get_paginator(self, *args, **kwargs):
        paginator = reading.ListPaginator(
            *args,
            load=lambda ids: public_queries.results(ids, self.filter_form.categories.values()),
            first_page_by_ids=True,
            **kwargs,
        )
        paginator.count = len(self.object_list)  # every candidate matches: no second count
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            query=self.query, filter_form=self.filter_form, filter_bar=forms.filter_bar(self.filter_form), **kwargs
        )
        language = translation.get_language()
        context["results"] = []
        for article in context["articles"]:
            snippet, snippet_language = search.best_snippet(article, self.query, language)
            context["results"].append(
                {
                    "article": article,
                    "text": article.display,
                    "title": search.highlight(article.display.title, self.query),
                    "snippet": snippet,
                    "snippet_language": snippet_language,
                }
            )
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        return context


class ArchiveView(TemplateView):
    """Months with their article counts, and every tag in use with its count."""

    template_name = "news/archive.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            years=Article.objects.published().month_counts(), tags=archive.tag_counts(), **kwargs
        )


class MonthArchiveView(ArticleListView):
    """One month's articles: the list page with its year and month fixed by the URL."""

    def get_filters(self):
        filters = super().get_filters()
        year, month = self.kwargs["year"], self.kwargs["month"]
        if not (1900 <= year <= 2999 and 1 <= month <= 12):
            raise Http404(_("There is no such month."))
        filters.update(year=year, month=month)
        return filters

    def period(self):
        return period(self.filters["year"], self.filters["month"])

    def get_context_data(self, **kwargs):
        month_start = datetime.date(self.filters["year"], self.filters["month"], 1)
        return super().get_context_data(month_start=month_start, **kwargs)
