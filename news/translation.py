from modeltranslation.translator import TranslationOptions, register

from news.models import Article, ArticleImage, Category


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = (*Article.TEXT_FIELDS, "banner_alt")


@register(ArticleImage)
class ArticleImageTranslationOptions(TranslationOptions):
    fields = ("alt",)
