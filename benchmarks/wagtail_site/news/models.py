"""A news site as Wagtail's documentation builds one: a home page per language, a news index and articles.

Each language has its own tree (home → news index → articles), the pages of one
article linked across languages by their ``translation_key``. Categories are
translatable snippets; tags are taggit tags through a ``ParentalKey``, as in
Wagtail's tagging guide. Lists select their categories, prefetch their tags and
leave the bodies out (``defer``, as Wagtail's ``defer_streamfields`` does for
stream bodies): sorting 2,000 rows with their bodies made list page 50 twice as slow.
"""

from django.core.paginator import Paginator
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, TranslatableMixin
from wagtail.snippets.models import register_snippet

ARTICLES_PER_PAGE = 20
HOME_ARTICLES_PER_CATEGORY = 4
RELATED_ARTICLES = 5


@register_snippet
class Category(TranslatableMixin, models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("position")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["position"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("NewsPage", related_name="tagged_items", on_delete=models.CASCADE)


class HomePage(Page):
    intro = models.CharField(max_length=250, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["news.NewsIndexPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = (
            NewsPage.objects.live()
            .descendant_of(self)
            .defer("body")
            .select_related("category")
            .prefetch_related("tags")
        )
        context["news_index"] = NewsIndexPage.objects.live().child_of(self).first()
        context["sections"] = [
            (category, articles.filter(category=category).order_by("-date")[:HOME_ARTICLES_PER_CATEGORY])
            for category in Category.objects.filter(locale=self.locale)
        ]
        return context


class NewsIndexPage(Page):
    intro = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["news.HomePage"]
    subpage_types = ["news.NewsPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = (
            NewsPage.objects.live().child_of(self).defer("body").select_related("category").prefetch_related("tags")
        )
        if tag := request.GET.get("tag"):
            articles = articles.filter(tags__slug=tag)
        if category := request.GET.get("category"):
            articles = articles.filter(category__slug=category)
        paginator = Paginator(articles.order_by("-date", "-pk"), ARTICLES_PER_PAGE)
        context["articles"] = paginator.get_page(request.GET.get("page"))
        context["page_range"] = paginator.get_elided_page_range(context["articles"].number)
        context["categories"] = Category.objects.filter(locale=self.locale)
        context["active_category"] = category
        return context


class NewsPage(Page):
    date = models.DateTimeField("published", db_index=True)
    summary = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True)
    body = RichTextField()

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("category"),
        FieldPanel("tags"),
        FieldPanel("body"),
    ]
    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        siblings = NewsPage.objects.live().sibling_of(self, inclusive=False).defer("body")
        context["previous_article"] = siblings.filter(date__lt=self.date).order_by("-date").first()
        context["next_article"] = siblings.filter(date__gt=self.date).order_by("date").first()
        context["related_articles"] = (
            siblings.filter(tags__in=self.tags.all())
            .distinct()
            .select_related("category")
            .order_by("-date")[:RELATED_ARTICLES]
        )
        return context
