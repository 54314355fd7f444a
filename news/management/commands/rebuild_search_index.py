from django.core.management.base import BaseCommand
from django.db import transaction

from news import search, search_index
from news.models import Article


class Command(BaseCommand):
    help = (
        "Write the search document of every article again (after bulk imports made without save()), "
        "and on SQLite fill the full-text index again from them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the articles, write nothing.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        if dry_run:
            self.stdout.write(f"Would index {Article.objects.count()} articles.")
            return
        with transaction.atomic(), search_index.rebuilt_at_end():
            count = search.rebuild()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Indexed {count} articles."))
