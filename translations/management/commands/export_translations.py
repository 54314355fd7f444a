from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from translations import languages, po_export


class Command(BaseCommand):
    help = "Write the text of articles to a gettext PO file, for translation into one language."

    def add_arguments(self, parser):
        parser.add_argument("--lang", required=True, choices=languages.codes(), help="the language to translate into")
        parser.add_argument("-o", "--output", required=True, type=Path, help="the PO file to write")
        parser.add_argument("--article", action="append", default=[], metavar="SLUG", help="only these articles")
        parser.add_argument("--category", metavar="SLUG", help="only articles of this category")
        parser.add_argument(
            "--only",
            choices=["missing", "outdated"],
            help="only entries without a translation, or only those whose source changed since",
        )
        parser.add_argument(
            "--suggest",
            action="store_true",
            help="fill untranslated entries from the translation memory, marked fuzzy for the translator to review",
        )
        parser.add_argument("--base-url", default="", help="prefix for the page links in comments, e.g. https://x.org")

    def handle(self, *args, lang, output, article, category, only, suggest, base_url, **options):
        try:
            articles = po_export.select_articles(language=lang, slugs=article, category=category)
        except ValueError as error:
            raise CommandError(str(error)) from None
        po = po_export.export_po(language=lang, articles=articles, only=only, base_url=base_url, suggest=suggest)
        try:
            po.save(str(output))
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error}") from None
        outdated = sum(1 for entry in po if entry.fuzzy and entry.previous_msgid)
        suggested = sum(1 for entry in po if entry.fuzzy and not entry.previous_msgid)
        untranslated = sum(1 for entry in po if not entry.msgstr)
        counts = f"{untranslated} untranslated, {outdated} outdated"
        if suggest:
            counts += f", {suggested} suggested from the translation memory"
        self.stdout.write(f"{output}: {len(po)} entries from {len(articles)} articles ({counts})")
