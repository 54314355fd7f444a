"""The segment editor's admin pages: one article into one language, and every category and tag name.

Seeing them needs the article's view permission, saving its change
permission; renaming a category or tag also needs that model's change
permission (as a PO upload). A save goes through ``translations.editor``,
that is through the PO import, and is refused when the article changed
since the page was opened (``news.locking``).
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext

from news import locking
from news.models import Article
from translations import editor, languages, memory, name_editor
from translations.records import COMPLETE

PREFIX = "seg-"
CONFIRM = "confirm"


def _submitted(request) -> dict[str, str]:
    return {name.removeprefix(PREFIX): value for name, value in request.POST.items() if name.startswith(PREFIX)}


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _confirmed(request) -> frozenset[str]:
    """The keys of the outdated segments ticked "Still correct"."""
    return frozenset(request.POST.getlist(CONFIRM))


def _keep_typed(
    rows: list[editor.Row],
    submitted: dict[str, str],
    problems: dict[str, list[str]],
    confirmed: frozenset[str] = frozenset(),
) -> None:
    for row in rows:
        if row.key in submitted:
            row.typed = submitted[row.key]
        row.confirm = row.key in confirmed
        row.problems = problems.get(row.key, [])


def _progress(rows: list[editor.Row]) -> dict:
    done = sum(1 for row in rows if row.value.strip())
    return {"done": done, "total": len(rows), "complete": sum(1 for row in rows if row.state == COMPLETE)}


class SegmentEditorAdminMixin:
    """The translate pages of the article admin (its URLs are added by ``TranslationFilesAdminMixin``)."""

    def _target_language(self, language: str) -> str:
        if language not in languages.codes():
            raise Http404(gettext("Unknown language."))
        return language

    def translate_view(self, request, pk, language):
        """Source segments left, their translation right; saved all at once through the PO import."""
        language = self._target_language(language)
        article = get_object_or_404(Article.objects.select_related("category"), pk=pk)
        if not self.has_view_permission(request, article) or language == article.source_language:
            raise PermissionDenied
        can_save = self.has_change_permission(request, article)
        submitted, problems, general, conflict, confirmed = {}, {}, [], None, frozenset()
        if request.method == "POST":
            if not can_save:
                raise PermissionDenied
            submitted, confirmed = _submitted(request), _confirmed(request)
            version = _version(request)
            if version is None:
                general.append(gettext("The form does not say which version of the article it edits; reload the page."))
            else:
                result = None
                with transaction.atomic():
                    conflict = locking.check(pk=article.pk, version=version, cleaned={}, labels={})
                    if conflict is None:
                        result = editor.save(
                            article=article,
                            language=language,
                            submitted=submitted,
                            may_rename=self._may_rename(request),
                            confirmed=confirmed,
                        )
                if result is not None and result.ok:
                    return self._saved(request, article, language, result)
                if result is not None:
                    problems, general = result.problems, result.general
                else:
                    article.refresh_from_db()
        rows, trailing = editor.rows(article, language)
        _keep_typed(rows, submitted, problems, confirmed)
        if conflict:
            for row in rows:
                if row.typed is not None and editor.clean(row.typed) != row.translation:
                    row.saved = row.translation
        title = gettext("Translate “%(article)s” into %(language)s") % {
            "article": article,
            "language": languages.get(language).name,
        }
        context = {
            **self._context(request, title),
            "article": article,
            "language": language,
            "source_lang": languages.html_lang(article.source_language),
            "target_lang": languages.html_lang(language),
            "rows": rows,
            "trailing": trailing,
            "version": article.version,
            "can_save": can_save,
            "progress": _progress(rows),
            "problems": general,
            "conflict": conflict,
            "conflict_at": date_format(localtime(conflict.saved_at), "DATETIME_FORMAT") if conflict else "",
            "names_url": reverse("admin:translations_names_translate", args=[language]),
            "suggest_url": (
                reverse("admin:news_article_translate_suggest", args=[article.pk, language])
                if can_save and memory.machine_providers()
                else ""
            ),
        }
        return TemplateResponse(request, "admin/translations/translate.html", context)

    def translate_suggest_view(self, request, pk, language):
        """JSON: what the machine providers suggest for one segment (``key``), when the translator presses Suggest.

        POST only, with the CSRF token of the page; needs the permission to
        save the translation. A provider that fails gives a 502 with its reason.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        language = self._target_language(language)
        article = get_object_or_404(Article, pk=pk)
        if not self.has_change_permission(request, article) or language == article.source_language:
            raise PermissionDenied
        found = editor.machine_suggestions(article, language, request.POST.get("key", ""))
        if found is None:
            return JsonResponse({"error": gettext("This article has no such segment; reload the page.")}, status=404)
        suggestions, failures = found
        if failures and not suggestions:
            message = gettext("No suggestion: %(reasons)s.") % {"reasons": "; ".join(failures)}
            return JsonResponse({"error": message, "suggestions": []}, status=502)
        for suggestion in suggestions:
            suggestion["diff"] = str(suggestion["diff"])
        return JsonResponse({"suggestions": suggestions, "failures": failures})

    def _saved(self, request, article, language, result: editor.SaveResult):
        report = result.report
        if report.applied:
            message = gettext("Translation into %(language)s saved in the segment editor.") % {
                "language": languages.get(language).name
            }
            self._log_report(request, report, message)
            self.message_user(request, _saved_message(report, segments=True), messages.SUCCESS)
        else:
            self.message_user(request, gettext("Nothing was changed."), messages.INFO)
        return HttpResponseRedirect(reverse("admin:news_article_translate", args=[article.pk, language]))

    def translate_names_view(self, request, language):
        """Every category and tag name in one form; each rename needs that model's change permission."""
        language = self._target_language(language)
        if not self.has_view_permission(request):
            raise PermissionDenied
        may_rename = self._may_rename(request)
        can_save = self.has_change_permission(request) and bool(may_rename)
        submitted, problems, general, confirmed, changed = {}, {}, [], frozenset(), None
        if request.method == "POST":
            if not can_save:
                raise PermissionDenied
            submitted, confirmed = _submitted(request), _confirmed(request)
            result, changed = self._save_names(request, language, submitted, confirmed, may_rename)
            if result is not None and result.ok:
                if result.report.applied:
                    message = gettext("Names in %(language)s saved in the segment editor.") % {
                        "language": languages.get(language).name
                    }
                    self._log_report(request, result.report, message)
                    self.message_user(request, _saved_message(result.report, segments=False))
                else:
                    self.message_user(request, gettext("Nothing was changed."), messages.INFO)
                return HttpResponseRedirect(reverse("admin:translations_names_translate", args=[language]))
            if result is not None:
                problems, general = result.problems, result.general
            elif isinstance(changed, str):
                general = [changed]
        rows = name_editor.rows(language)
        _keep_typed(rows, submitted, problems, confirmed)
        if changed and not isinstance(changed, str):
            general.append(_names_conflict(changed, rows))
        title = gettext("Translate category and tag names into %(language)s") % {
            "language": languages.get(language).name
        }
        context = {
            **self._context(request, title),
            "language": language,
            "target_lang": languages.html_lang(language),
            "rows": rows,
            "can_save": can_save,
            "progress": _progress(rows),
            "problems": general,
            "fingerprints": json.dumps(name_editor.fingerprints(language)),
        }
        return TemplateResponse(request, "admin/translations/translate_names.html", context)

    def _save_names(self, request, language, submitted, confirmed, may_rename):
        """(result, None) after a save; (None, the names changed since the page was shown, or why it cannot tell)."""
        shown = name_editor.parse_fingerprints(request.POST.get("fingerprints"))
        if shown is None:
            return None, gettext("The form does not say which names it shows; reload the page.")
        with transaction.atomic():
            changed = name_editor.changed_since(language, shown)
            if changed:
                return None, changed
            return name_editor.save(
                language=language, submitted=submitted, may_rename=may_rename, confirmed=confirmed
            ), None


def _saved_message(report, *, segments: bool) -> str:
    count = len(report.updated)
    if segments:
        saved = ngettext("%(count)d segment saved.", "%(count)d segments saved.", count) % {"count": count}
    else:
        saved = ngettext("%(count)d name saved.", "%(count)d names saved.", count) % {"count": count}
    if not report.confirmed:
        return saved
    confirmed = ngettext(
        "%(count)d outdated translation confirmed as still correct.",
        "%(count)d outdated translations confirmed as still correct.",
        len(report.confirmed),
    ) % {"count": len(report.confirmed)}
    return f"{saved} {confirmed}" if count else confirmed


def _names_conflict(changed: list[str], rows: list[editor.Row]) -> str:
    """Which names somebody changed since the page was shown; each such row shows what is stored now."""
    sources = {row.key: row.source for row in rows}
    for row in rows:
        if row.key in changed:
            row.saved = row.translation
    names = ", ".join(f"{sources[key]} ({key})" if key in sources else key for key in changed)
    return gettext(
        "Nothing was saved: since you opened this page, these names were changed or removed: %(names)s. "
        "What you typed is still in the form, and each changed name shows what is stored now; "
        "saving again from this page writes your text."
    ) % {"names": names}
