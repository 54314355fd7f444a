"""Interface strings: complete catalogues in both languages, and no text left outside translation tags."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUES = sorted((BASE_DIR / "locale").glob("*/LC_MESSAGES/*.po"))
LOCALES = ("zh_Hans", "en")


def test_both_languages_have_a_catalogue():
    assert {path.parent.parent.name for path in CATALOGUES if path.name == "django.po"} >= set(LOCALES)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(BASE_DIR)))
def test_catalogue_has_no_untranslated_or_fuzzy_entry(path):
    po = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"{path}: untranslated: {untranslated}"
    assert not fuzzy, f"{path}: fuzzy: {fuzzy}"
    assert len(po) > 0


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext is not installed")
@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(BASE_DIR)))
def test_catalogue_passes_msgfmt_check(path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
def test_catalogues_know_every_string_of_the_code(tmp_path):
    """makemessages on a copy of the code finds no string the committed catalogues lack."""
    for name in ("news", "tags", "translations", "portal", "templates", "locale", "static"):
        if (BASE_DIR / name).exists():
            shutil.copytree(BASE_DIR / name, tmp_path / name, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    shutil.copy(BASE_DIR / "manage.py", tmp_path / "manage.py")
    env = {**os.environ, "DEBUG": "1", "VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": ""}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location", "--ignore=static/vendor", "-v0"],
        cwd=tmp_path,
        env=env,
        check=True,
    )
    fresh = polib.pofile(str(tmp_path / "locale/en/LC_MESSAGES/django.po"))
    new = [entry.msgid for entry in fresh.untranslated_entries()]
    assert not new, f"strings not in the catalogues yet (run `make messages` and translate them): {new}"


# Templates --------------------------------------------------------------------------------

VISIBLE_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label", "aria-description", "aria-roledescription")
_TRANSLATION_BLOCK = re.compile(r"{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}", re.S)
_TEMPLATE_COMMENT = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)
_TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}", re.S)
_INVISIBLE_ELEMENTS = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<[A-Za-z!/][^<>]*>", re.S)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_ENTITY = re.compile(r"&#?\w+;")


def _blank(match: re.Match) -> str:
    """Remove a span but keep its line breaks, so line numbers stay right."""
    return "\n" * match.group(0).count("\n")


def untranslated_text(source: str) -> list[tuple[int, str]]:
    """(line, text) of visible words a template shows outside translation tags."""
    for pattern in (_TEMPLATE_COMMENT, _TRANSLATION_BLOCK, _TEMPLATE_CODE, _INVISIBLE_ELEMENTS):
        source = pattern.sub(_blank, source)
    found = []

    def check_tag(match: re.Match) -> str:
        line = source.count("\n", 0, match.start()) + 1
        for name, value in _ATTRIBUTE.findall(match.group(0)):
            if name.lower() in VISIBLE_ATTRIBUTES and _has_letters(value.strip("\"'")):
                found.append((line, f'{name}="{value.strip(chr(34) + chr(39))}"'))
        return _blank(match)

    source = _TAG.sub(check_tag, source)
    for number, line in enumerate(source.split("\n"), start=1):
        text = _ENTITY.sub(" ", line).strip()
        if _has_letters(text):
            found.append((number, text))
    return sorted(found)


def _has_letters(text: str) -> bool:
    return any(char.isalpha() for char in _ENTITY.sub("", text))


def test_checker_finds_text_and_visible_attributes_outside_translation_tags():
    source = (
        '{% load i18n %}<p>{% translate "Fine" %}</p>\n'
        "<p>Hello {{ name }}</p>\n"
        '<img src="{{ url }}" alt="Logo" class="plain">\n'
        '<input placeholder="{% translate "Search" %}" value="x">\n'
        "{% blocktranslate trimmed %}Also fine{% endblocktranslate %} &middot; {# a note #}\n"
        "<script>var text = 'not visible';</script><style>p { color: red; }</style>\n"
        '<a title="More">→</a>\n'
    )
    assert untranslated_text(source) == [(2, "Hello"), (3, 'alt="Logo"'), (7, 'title="More"')]


TEMPLATES = sorted((BASE_DIR / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(BASE_DIR)))
def test_template_shows_no_text_outside_translation_tags(path):
    problems = untranslated_text(path.read_text(encoding="utf-8"))
    assert not problems, "\n".join(f"{path.relative_to(BASE_DIR)}:{line}: {text}" for line, text in problems)
