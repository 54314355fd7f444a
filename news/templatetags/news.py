from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse, translate_url
from django.utils import translation

from news import page_markup
from translations import languages

register = template.Library()
_URL_WHITESPACE = str.maketrans("", "", "\t\n\r")


def local_path(path: str) -> str:
    """``path`` as a path on this site: ``//evil.example/x`` and ``/\\evil.example/x`` would leave it.

    Browsers drop tabs and line breaks from URLs, so ``/%09/evil.example`` would too.
    """
    return "/" + path.translate(_URL_WHITESPACE).lstrip("/\\")


def switch_url(path: str, language: str) -> str:
    """The same page in another language (query string kept), always a path on this site.

    The site's URL patterns are not translated, so a page under the current language's prefix is
    the same path under the other's: what ``translate_url`` finds by resolving and reversing it
    (a quarter of a millisecond a page for the switch and the alternate links; tested equal).
    """
    path = local_path(path)
    current = languages.url_prefix(translation.get_language())
    if path.startswith(f"/{current}/"):
        return f"/{languages.url_prefix(language)}/{path[len(current) + 2 :]}"
    translated = translate_url(path, language)
    if translated != path:
        return translated
    return f"/{languages.url_prefix(language)}/"


@register.simple_tag(takes_context=True)
def language_switch(context):
    request = context["request"]
    current = translation.get_language()
    return page_markup.language_switch(
        [
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "lang": languages.html_lang(code),
                "url": switch_url(request.get_full_path(), code),
                "current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ]
    )


@register.filter
def lang_attr(language_code: str) -> str:
    return languages.html_lang(language_code)


@register.filter
def language_name(language_code: str) -> str:
    return str(dict(settings.LANGUAGES).get(language_code, language_code))


@register.simple_tag(takes_context=True)
def pagination(context):
    """The pagination bar of a list or search page (``page_markup.pagination``)."""
    page = context.get("page_obj")
    if page is None:
        return ""
    return page_markup.pagination(page, context.get("query_without_page", ""), context["request"].GET)


@register.simple_tag(takes_context=True)
def help_translate_url(context, article, language: str) -> str:
    """Where a signed-in translator or editor finishes ``article`` in ``language``; "" for everyone else.

    The segment editor if the site has it, else the article's change form. Pages
    of signed-in users never enter the page cache, so visitors never get the link.
    """
    user = getattr(context.get("request"), "user", None)
    if user is None or not (user.is_authenticated and user.is_staff and user.has_perm("news.change_article")):
        return ""
    try:
        return reverse("admin:news_article_translate", args=(article.pk, language))
    except NoReverseMatch:
        return reverse("admin:news_article_change", args=(article.pk,))


# Markup that depends on nothing but the language -------------------------------------------------

_FIXED_LIMIT = 256
_fixed: dict[tuple, str] = {}


def _forget_fixed(**_kwargs):
    _fixed.clear()


setting_changed.connect(_forget_fixed)


class FixedNode(template.Node):
    def __init__(self, name: str, varying: list, nodelist):
        self.name, self.varying, self.nodelist = name, varying, nodelist

    def render(self, context):
        key = (
            self.name,
            translation.get_language(),
            get_script_prefix(),
            get_resolver(get_urlconf()),
            *(variable.resolve(context) for variable in self.varying),
        )
        try:
            return _fixed[key]
        except KeyError:
            pass
        rendered = self.nodelist.render(context)
        if len(_fixed) >= _FIXED_LIMIT:
            _fixed.clear()
        _fixed[key] = rendered
        return rendered


@register.tag
def fixed(parser, token):
    """``{% fixed "name" value… %}…{% endfixed %}``: the body rendered once per process for each language,
    script prefix and set of values, then reused.

    For markup made of nothing but translated strings, addresses and static files (the site's
    navigation and footer), which cost a page half a millisecond each time. Anything else
    that it shows must be one of the values; a settings change starts afresh.
    """
    name, *varying = token.split_contents()[1:]
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    return FixedNode(name, [parser.compile_filter(value) for value in varying], nodelist)
