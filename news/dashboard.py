"""The editors' dashboard on the admin home: what needs them next."""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from news.models import Article
from translations import languages

LIMIT = 10
# The renderer draws an unresolved image reference as this placeholder (news.markdown).
MISSING_IMAGE_MARK = 'class="image-missing"'


def _listing():
    return Article.objects.select_related("category").only(
        "slug", "status", "publish_at", "updated_at", "source_language", "category", *languages.fields("title")
    )


def my_drafts(user):
    """Drafts this user created or changed, most recently changed first."""
    touched = LogEntry.objects.filter(user=user, content_type=ContentType.objects.get_for_model(Article)).values_list(
        "object_id", flat=True
    )
    ids = [int(pk) for pk in touched.distinct()[:500] if str(pk).isdigit()]
    return _listing().drafts().filter(pk__in=ids).order_by("-updated_at")[:LIMIT]


def scheduled(now=None):
    return _listing().scheduled(now or timezone.now()).order_by("publish_at")[:LIMIT]


def recently_changed():
    return _listing().order_by("-updated_at")[:LIMIT]


def broken_images():
    """Articles whose stored HTML shows a missing-image placeholder in some language."""
    condition = Q()
    for field in languages.fields("body_html"):
        condition |= Q(**{f"{field}__contains": MISSING_IMAGE_MARK})
    return _listing().filter(condition).order_by("-updated_at")[:LIMIT]


def sections(user) -> dict:
    return {
        "my_drafts": list(my_drafts(user)),
        "scheduled": list(scheduled()),
        "recent": list(recently_changed()),
        "broken_images": list(broken_images()),
    }
