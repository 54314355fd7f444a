"""A forced re-import rewrites what came from the files and keeps what editors added in the admin."""

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from news import images
from news.models import ArticleImage
from news.tests.factories import png_file
from news.tests.test_importing import only_article, png, post, write

pytestmark = pytest.mark.django_db


def test_a_forced_reimport_keeps_the_images_editors_added(tmp_path, django_capture_on_commit_callbacks):
    path = write(tmp_path, "en/news/a/index.md", post(title="A", body="![One](one.png)\n\n![Two](two.png)\n"))
    write(tmp_path, "en/news/a/one.png", png("#ff0000"))
    write(tmp_path, "en/news/a/two.png", png("#00ff00"))
    call_command("import_news", str(tmp_path), verbosity=0)
    article = only_article()
    added = ArticleImage.objects.create(article=article, reference="diagram.png", image=png_file("diagram.png"))
    article.refresh_from_db()
    article.body_en += "\n\n![Diagram](diagram.png)\n"
    article.save()
    imported_two = article.images.get(reference="two.png").image.name

    path.write_text(post(title="A, again", body="![One](one.png)\n"), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_news", str(tmp_path), force=True, verbosity=0)

    article = only_article()
    assert article.title_en == "A, again"
    assert sorted(article.images.values_list("reference", flat=True)) == ["diagram.png", "one.png"]
    kept = article.images.get(reference="diagram.png")
    assert kept.pk == added.pk and default_storage.exists(kept.image.name)
    assert all(default_storage.exists(item["name"]) for item in kept.renditions["items"])
    # The image the file no longer uses is no row of the article any more; its file stays while a version of
    # the article names it (restoring that version shows it again), and goes with the article.
    assert not article.images.filter(image=imported_two).exists()
    assert imported_two in images.history_images(article.pk)
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert not default_storage.exists(imported_two)


def test_an_image_an_editor_added_under_a_name_the_file_now_uses_is_replaced(tmp_path):
    """The file mentions the reference: the import owns it."""
    path = write(tmp_path, "en/news/a/index.md", post(title="A"))
    call_command("import_news", str(tmp_path), verbosity=0)
    ArticleImage.objects.create(article=only_article(), reference="one.png", image=png_file("one.png"))
    path.write_text(post(title="A", body="![One](one.png)\n"), encoding="utf-8")
    write(tmp_path, "en/news/a/one.png", png("#ff0000"))
    call_command("import_news", str(tmp_path), force=True, verbosity=0)
    image = only_article().images.get()
    assert image.reference == "one.png" and image.image.name.startswith("imported/")
