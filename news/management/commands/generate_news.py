import sys

from django.core.management.base import BaseCommand, CommandError

from news import generating


class Command(BaseCommand):
    help = (
        "Write N synthetic published articles in both languages (text made up here), over six years, "
        "for benchmarks and load tests. The same --seed gives the same articles."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, metavar="N", help="How many articles to write.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")

    def handle(self, *args, count, seed, verbosity, **options):
        if count < 1:
            raise CommandError(f"--count {count}: give a number of articles of at least 1")
        progress = self.progress_bar() if verbosity >= 1 and sys.stderr.isatty() else None
        written, seconds = generating.timed_generate(count=count, seed=seed, progress=progress)
        self.stdout.write(f"Wrote {written} articles in {seconds:.1f} s ({written / seconds:.0f} articles/s).")

    def progress_bar(self):
        def show(done: int, total: int) -> None:
            sys.stderr.write(f"\r{done}/{total}")
            if done == total:
                sys.stderr.write("\n")

        return show
