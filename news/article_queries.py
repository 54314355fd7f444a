"""The queries of articles: what lists, article pages and search read, and the tags loaded with them.

``ArticleQuerySet`` is ``Article.objects``; it names the article model only as
``self.model``, so that ``news.models`` can build its manager from it.
"""

from collections import Counter, OrderedDict
from types import SimpleNamespace
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Subquery

from news.content import PublishableQuerySet
from portal.prepared import Prepared
from tags.models import Tag
from translations import languages

if TYPE_CHECKING:  # the models build their manager from this module
    from news.models import Article, Category

# Related articles are ranked among the newest articles sharing each tag, this many per tag: the walk
# behind them costs in proportion (60 per tag took 0.6 ms of an article page's 8 on SQLite).
RELATED_CANDIDATES = 30


class ArticleTags(models.QuerySet):
    """One article's tags as loaded with its list (``ArticleQuerySet.with_tags``).

    Iterating, counting and testing it read the loaded tags; anything derived from it
    (``filter``, ``values_list``, ``names()``…) asks the database for this article's tags.
    """

    def _clone(self):
        return Tag.objects.filter(tagged_articles__content_object_id=self.article_id)


class ArticleQuerySet(PublishableQuerySet):
    _with_tags = False
    # What a link to an article shows: its title in each language, its date and address.
    LINK_FIELDS = ("slug", "publish_at", "category", "language_states", "source_language", *languages.fields("title"))

    def with_tags(self):
        """Each article's tags loaded by one query for the whole result; ``article.tags.all()`` reads them.

        Not ``prefetch_related("tags")``: Django's prefetch builds a filtered tag query per
        article to hold its result, a quarter of a list page's time.
        """
        clone = self._chain()
        clone._with_tags = True
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._with_tags = self._with_tags
        return clone

    def _fetch_all(self):
        loaded = self._result_cache is not None
        super()._fetch_all()
        if self._with_tags and not loaded:
            attach_tags([item for item in self._result_cache if isinstance(item, self.model)])

    def in_category(self, category):
        return self.filter(category=category)

    def tagged(self, tag):
        """Articles carrying ``tag``, as a condition checked per article (EXISTS on the (article, tag) index).

        Not a join: with statistics, SQLite would read every article of the tag and sort them
        for one page; the condition lets it walk the newest articles and stop after the page.
        """
        return self.filter(Exists(self.model.tags.through.objects.filter(tag=tag, content_object_id=OuterRef("pk"))))

    def latest_per_category(self, per_category: int, categories) -> "OrderedDict[Category, list[Article]]":
        """The newest ``per_category`` articles of each category, in the categories' order (two queries + tags)."""
        categories = list(self.newest_per_category(per_category, categories))
        wanted = [pk for category in categories for pk in newest_ids(category, per_category)]
        # By primary key alone (the subqueries applied the rules): with them too, SQLite walked the index.
        chosen = self.model._default_manager.filter(pk__in=wanted).for_listing() if wanted else []
        return sections_of(categories, per_category, chosen)

    def newest_per_category(self, per_category: int, categories):
        """``categories``, each with the ids of its newest articles among these (``newest_ids``).

        Each category row carries them as scalar subqueries that walk the (category,
        status, publish_at) index and stop after one row, so the cost does not grow
        with the archive as a window over every article would.
        """
        newest = self.filter(category=OuterRef("pk")).newest_first().values("pk")
        return categories.annotate(**{f"newest_{i}": Subquery(newest[i : i + 1]) for i in range(per_category)})

    def related_to(self, article: "Article", *, limit: int, candidates: int = RELATED_CANDIDATES) -> list["Article"]:
        """Articles sharing the most tags with ``article``, among the newest that share any (``related_ids``)."""
        return self.model._default_manager.links(self.related_ids(article, limit=limit, candidates=candidates))

    def related_ids(self, article: "Article", *, limit: int, candidates: int = RELATED_CANDIDATES) -> list[int]:
        """The ids of the articles sharing the most tags with ``article``, among the newest that share any.

        Bounded work: the newest visible articles are walked through the
        (status, publish_at) index, each checked against the (article, tag)
        index of the through table, until ``candidates`` rows per tag are found;
        no query reads or sorts every article sharing a tag. Candidates are
        then ranked by shared tags in Python; ``article.tags`` is expected to be
        prefetched.
        """
        tag_ids = sorted({tag.pk for tag in article.tags.all()})
        if not tag_ids:
            return []
        return rank_related(self.sharing_tags(article.pk, tag_ids, candidates=candidates).plain_ids(), limit)

    def sharing_tags(self, article_id: int, tag_ids: list[int], *, candidates: int = RELATED_CANDIDATES):
        """The ids of the newest articles sharing one of ``tag_ids``, but ``article_id``: one row per shared tag.

        Ids only: the walk reads the publication index alone, and only the few best
        are loaded (as models, all candidates cost 5 ms).
        """
        return (
            self.exclude(pk=article_id)
            .filter(taggedarticle__tag_id__in=tag_ids)
            .order_by("-publish_at", "-id")[: candidates * len(tag_ids)]
        )

    def links(self, ids: list[int]) -> list["Article"]:
        """The articles ``ids``, in that order, with what a link to each shows and its category (one query).

        By primary key alone: the caller found the ids under the visibility rules (with the rules
        again, SQLite walked the publication index from the newest article to find these few).
        """
        if not ids:
            return []
        found = {found.pk: found for found in self.filter(pk__in=ids).for_links().select_related("category")}
        return [found[pk] for pk in ids if pk in found]

    def with_neighbour_ids(self, now=None):
        """Each article with the ids of the published articles before and after it in the lists' order
        (``previous_id``, ``next_id``), as scalar subqueries of its own query.

        Meant for public articles: everything older than a public article is due, so "until now"
        bounds only the newer one (with two upper bounds SQLite may walk the index from the
        newest article instead of from this one). A draft's neighbours are asked apart.
        """
        here = SimpleNamespace(publish_at=OuterRef("publish_at"), id=OuterRef("id"))
        published = self.model._default_manager.filter(status=self.model.Status.PUBLISHED)
        return self.annotate(
            previous_id=Subquery(published.before(here).values("pk")[:1]),
            next_id=Subquery(self.model._default_manager.published(now).after(here).values("pk")[:1]),
        )

    def for_reading(self):
        """Everything a reader sees, without the Markdown sources (half of a bilingual row) or the plain texts."""
        return self.defer("body", *languages.fields("body"), "body_text", *languages.fields("body_text"))

    def for_results(self):
        """What a search result shows: a link, with the summaries and plain texts its snippet is cut from."""
        return self.only(*self.LINK_FIELDS, "status", *languages.fields("summary"), *languages.fields("body_text"))

    def for_links(self):
        """What a link to an article shows (title in each language, date): previous/next, related."""
        return self.only(*self.LINK_FIELDS)

    def for_listing(self, *, tags: bool = True):
        """Everything a list card shows, in a fixed number of queries."""
        # Only what a card shows: every column more costs the query's compilation and each row's loading.
        fields = (
            *self.LINK_FIELDS,
            "status",
            "banner",
            "banner_renditions",
            *languages.fields("summary"),
        )
        listing = self.select_related("category").only(*fields)
        return listing.with_tags() if tags else listing


def attach_tags(articles: list["Article"]) -> None:
    """Load the tags of ``articles`` with one query, where ``article.tags.all()`` finds them."""
    if not articles:
        return
    by_article = {article.pk: [] for article in articles}
    for tag in TAGS_OF.run(ids=list(by_article)):
        by_article[tag.tagged_article_id].append(tag)
    # Copies of one holder: its query is never run or changed (anything derived is a new query), and a
    # queryset's own construction cost more than the rest of loading a card's tags.
    holder = ArticleTags(model=Tag)
    holder._prefetch_done = True
    for article in articles:
        tags = ArticleTags.__new__(ArticleTags)  # not copy.copy: pickling support would run the query
        tags.__dict__.update(holder.__dict__)
        tags.article_id = article.pk
        tags._result_cache = by_article[article.pk]
        article.__dict__.setdefault("_prefetched_objects_cache", {})["tags"] = tags


def rank_related(sharing: list[int], limit: int) -> list[int]:
    """The ids of ``sharing`` (one per shared tag, newest first) by shared tags, then recency."""
    shared = Counter(sharing)
    recency = {pk: index for index, pk in reversed(list(enumerate(sharing)))}
    return sorted(shared, key=lambda pk: (-shared[pk], recency[pk]))[:limit]


def _tags_of(ids):
    return (
        Tag.objects.filter(tagged_articles__content_object_id__in=ids)
        .annotate(tagged_article_id=models.F("tagged_articles__content_object_id"))
        .order_by("tagged_articles__pk")
    )


# The tags of a list's or page's articles, by the articles' ids (``attach_tags``).
TAGS_OF = Prepared(_tags_of, ids="ids")


def newest_ids(category: "Category", per_category: int) -> list[int]:
    """The ids ``newest_per_category`` found for ``category``, newest first."""
    ids = (getattr(category, f"newest_{i}") for i in range(per_category))
    return [pk for pk in ids if pk is not None]


def sections_of(categories, per_category: int, articles) -> "OrderedDict[Category, list[Article]]":
    """Each category of ``newest_per_category`` with its articles, if it has any, in the categories' order."""
    found = {article.pk: article for article in articles}
    sections = OrderedDict()
    for category in categories:
        chosen = [found[pk] for pk in newest_ids(category, per_category) if pk in found]
        if chosen:
            sections[category] = chosen
    return sections
