from django import template

from news import cards

register = template.Library()


@register.simple_tag
def article_cards(articles, heading_level: int = 2, eager_first: bool = False):
    return cards.cards(articles, heading_level=heading_level, eager_first=eager_first)


@register.simple_tag
def tag_list(tags, lang: str = ""):
    return cards.tag_list(tags, lang=lang)


@register.simple_tag
def related_list(articles):
    return cards.related_list(articles)


@register.simple_tag
def neighbour_links(previous, following):
    return cards.neighbour_links(previous, following)


@register.simple_tag
def search_results(results):
    return cards.search_results(results)
