from django import template

from news import cards

register = template.Library()


@register.simple_tag
def article_card(article, heading_level: int = 2, eager: bool = False):
    return cards.card(article, heading_level=heading_level, eager=eager)


@register.simple_tag
def tag_list(tags, lang: str = ""):
    return cards.tag_list(tags, lang=lang)
