"""What "no executable markup" means for the attack-corpus and property tests, checked on parsed HTML."""

import json
import re
from pathlib import Path

import html5lib

PAYLOADS_FILE = Path(__file__).parent / "data" / "xss_payloads.txt"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "data", "poster", "background"}
FORBIDDEN_TAGS = {
    "iframe", "object", "embed", "applet", "frame", "frameset", "base", "math", "template", "style", "form",
    "input", "button", "textarea", "select", "video", "audio", "source", "meta", "link",
}  # fmt: skip
BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data|livescript|jar|file|mhtml|ms-its|feed):", re.I)
_URL_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def url_as_browsers_read_it(value: str) -> str:
    """WHATWG URL parsing: C0 controls and spaces trimmed at both ends, tabs and newlines removed anywhere."""
    return _URL_TAB_OR_NEWLINE.sub("", value.strip(_C0_AND_SPACE))


def payloads() -> list[str]:
    lines = PAYLOADS_FILE.read_text(encoding="utf-8").splitlines()
    return [line.replace("⏎", "\n") for line in lines if line.strip() and not line.startswith("# ")]


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def unsafe_parts(markup: str, *, page: bool = False) -> list[str]:
    """Everything executable in ``markup`` as a browser would parse it; empty when safe.

    ``page`` allows what the site's own templates use: its script files, JSON-LD data, the search
    form, the icon in the search button and the stylesheet links in the head.
    """
    problems = []
    root = html5lib.parse(markup, namespaceHTMLElements=False)
    for element in root.iter():
        tag = _local(element.tag)
        if not tag:
            continue
        for name, value in element.attrib.items():
            name = _local(name).lower() if "}" in name else name.lower()
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=…>")
            if name == "style":
                problems.append(f"<{tag} style=…>")
            if name in URL_ATTRIBUTES or name.endswith("href"):
                for candidate in value.split(","):
                    if BAD_SCHEME.match(url_as_browsers_read_it(candidate)):
                        problems.append(f"<{tag} {name}={value[:40]!r}>")
        if tag == "script":
            kind, source = element.get("type", ""), element.get("src", "")
            if page and kind == "application/ld+json" and not source:
                try:
                    json.loads(element.text or "")
                except ValueError:
                    problems.append("broken JSON-LD block")
            elif not (page and source.startswith("/static/") and not (element.text or "").strip()):
                problems.append("<script>")
        elif tag == "svg":
            allowed = page and all(_local(child.tag) in {"svg", "circle", "path"} for child in element.iter())
            if not allowed:
                problems.append("<svg>")
        elif tag == "meta" and page and not element.get("http-equiv"):
            continue
        elif tag in FORBIDDEN_TAGS and not (page and tag in {"form", "input", "button", "link", "select"}):
            problems.append(f"<{tag}>")
        elif page and tag == "link" and element.get("rel") not in ("stylesheet", "icon", "alternate", "canonical"):
            problems.append(f"<link rel={element.get('rel')}>")
    return problems


def payloads_by_category() -> dict[str, list[str]]:
    """The payloads under their "# Category" headings, in file order."""
    groups: dict[str, list[str]] = {}
    current = "Uncategorised"
    for line in PAYLOADS_FILE.read_text(encoding="utf-8").splitlines()[1:]:
        if line.startswith("# "):
            current = line[2:].strip()
        elif line.strip():
            groups.setdefault(current, []).append(line.replace("⏎", "\n"))
    return groups


def sample(step: int = 3) -> list[str]:
    """Every ``step``-th payload of each category (its first included): every kind, fewer of each."""
    return [payload for group in payloads_by_category().values() for payload in group[::step]]


def attack_articles(texts: list[str]) -> None:
    """One article per payload, saved through the model: in both titles, the bodies and the summary."""
    from news.tests.factories import article

    for number, payload in enumerate(texts):
        article(
            zh=f"攻击{number} {payload}"[:200],
            en=f"Attack {number} {payload}"[:200],
            body_zh=payload,
            body_en=f"Attack text.\n\n{payload}\n\nAfter the payload.",
            summary_en=payload[:300],
            slug=f"attack-{number}",
            tags=("attack",),
        )
