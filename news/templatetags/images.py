from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from news import images

register = template.Library()

SIZES = {"banner": images.BANNER_SIZES, "card": images.CARD_SIZES}


@register.simple_tag
def banner_img(article, variant: str = "banner", alt: str = "", css_class: str = "", lazy: bool = True):
    """The article's banner as a responsive ``<img>`` (WebP renditions), or nothing."""
    picture = images.banner(article, sizes=SIZES[variant])
    if picture is None:
        return ""
    return format_html(
        '<img src="{}"{}{}{} alt="{}" class="{}"{} decoding="async">',
        picture["src"],
        format_html(' srcset="{}" sizes="{}"', picture["srcset"], picture["sizes"]) if picture["srcset"] else "",
        format_html(' width="{}"', picture["width"]) if picture["width"] else "",
        format_html(' height="{}"', picture["height"]) if picture["height"] else "",
        escape(alt),  # escape() also escapes template literals, which arrive marked safe
        escape(css_class),
        mark_safe(' loading="lazy"' if lazy else ' fetchpriority="high"'),  # constant markup
    )
