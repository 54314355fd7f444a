"""Tags an import gives an article: found by name or by any language's label, paired across languages.

When the files of one article in two languages have the same number of tags
and none of them is a tag yet, they are paired by position into one tag with
a label per language (``安装`` and ``install``); otherwise each stays as
written, and the report says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from news.importing.report import Report
from tags.models import Tag
from translations import languages

if TYPE_CHECKING:
    from news.importing.parsing import ParsedFile


class TagIndex:
    """The site's tags by name and by label (case-insensitive), loaded once per run."""

    def __init__(self, *, report: Report):
        self.report = report
        self.reload()

    def reload(self) -> None:
        self.by_key: dict[str, Tag] = {}
        for tag in Tag.objects.all():
            self._index(tag)

    def _index(self, tag: Tag) -> None:
        for value in (tag.name, *(getattr(tag, field) for field in languages.fields("label"))):
            if value:
                self.by_key.setdefault(value.casefold(), tag)

    def find(self, name: str) -> Tag | None:
        return self.by_key.get(name.casefold())

    def create(self, name: str, *, labels: dict[str, str] | None = None) -> Tag:
        tag = Tag(name=name)
        for code, label in (labels or {}).items():
            setattr(tag, languages.field("label", code), label)
        tag.save()
        self._index(tag)
        return tag

    def for_files(self, files: dict[str, ParsedFile], *, source_language: str, shown: str) -> list[Tag]:
        """The tags of one article's files, in the source language's order first."""
        codes = [source_language, *sorted(code for code in files if code != source_language)]
        written = {code: files[code].tags for code in codes}
        with_tags = [code for code in codes if written[code]]
        if len(with_tags) == 2 and not self._same_tags(written, with_tags):
            first, second = (written[code] for code in with_tags)
            unknown = not any(self.find(name) for name in [*first, *second])
            if unknown and len(first) == len(second):
                return self._paired(written, with_tags, shown=shown)
            reason = "some are tags already" if not unknown else "their numbers differ"
            self.report.note(
                shown, 0, f"tags of the two languages kept apart ({reason}): {', '.join(first)} | {', '.join(second)}"
            )
        tags: dict[int, Tag] = {}
        for code in codes:
            for name in written[code]:
                tag = self.find(name) or self.create(name)
                tags.setdefault(tag.pk, tag)
        return list(tags.values())

    def _same_tags(self, written: dict[str, list[str]], codes: list[str]) -> bool:
        first, second = (written[code] for code in codes)
        if {name.casefold() for name in first} == {name.casefold() for name in second}:
            return True
        found = [{getattr(self.find(name), "pk", None) for name in written[code]} for code in codes]
        return None not in found[0] and found[0] == found[1]

    def _paired(self, written: dict[str, list[str]], codes: list[str], *, shown: str) -> list[Tag]:
        tags: dict[int, Tag] = {}
        pairs = []
        for names in zip(*(written[code] for code in codes), strict=True):
            labels = dict(zip(codes, names, strict=True))
            tag = self.find(names[0]) or self.find(names[1]) or self.create(names[0], labels=labels)
            tags.setdefault(tag.pk, tag)
            pairs.append(" = ".join(names))
        self.report.note(shown, 0, f"tags paired by position into one tag per pair: {'; '.join(pairs)}")
        return list(tags.values())
