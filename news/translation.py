from modeltranslation.translator import TranslationOptions, register

from news.models import Article, ArticleImage, Category


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "body", "body_html", "toc_html", "banner_alt")


@register(ArticleImage)
class ArticleImageTranslationOptions(TranslationOptions):
    fields = ("alt",)
