"""The attack corpus in a real Chromium: no page a payload reaches ever opens a dialog or tries inline script.

A sample covering every category of ``news/tests/data/xss_payloads.txt`` is
written as articles; their pages, the list, search results, the tag page, and
the admin's change list, history and version pages are opened with a handler
recording every alert/confirm/prompt, and a listener (added through the
debugging protocol, the pages' CSP forbidding inline script) recording every
Content-Security-Policy violation about scripts.
"""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from reversion.models import Version

from news.models import Article
from news.tests.xss import attack_articles, payloads_by_category, sample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SAMPLE = sample(6)
PASSWORD = "a-long-test-password"
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


class Watched:
    """One browser context whose pages record dialogs and script CSP violations."""

    def __init__(self, browser, base_url):
        self.context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.violations: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("console", self._console)

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message} on {self.page.url}")
        dialog.dismiss()

    def _console(self, message):
        if "Content Security Policy" in message.text and "script" in message.text:
            self.violations.append(f"{self.page.url}: {message.text}")

    def visit(self, path):
        response = self.page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        # What a reader does: move over the page and through its focusable elements.
        self.page.mouse.move(10, 10)
        self.page.mouse.move(640, 450, steps=5)
        self.page.keyboard.press("Tab")
        scripts = [entry for entry in self.page.evaluate("window.__violations || []") if "script" in entry]
        self.violations.extend(f"{path}: {entry}" for entry in scripts)


@pytest.fixture
def attacked(site):
    attack_articles(SAMPLE)
    return list(Article.objects.filter(slug__startswith="attack-").order_by("pk"))


def test_the_sample_covers_every_category():
    for category, group in payloads_by_category().items():
        assert set(group) & set(SAMPLE), category


def test_no_page_opens_a_dialog_or_tries_inline_script(browser, site, attacked):
    # The controls, in a context of their own: what the watchers record, from scripts run through the
    # debugging protocol.
    control = Watched(browser, site)
    control.visit("/en/")
    assert control.page.evaluate("() => confirm('control')") is False
    assert control.dialogs == [f"confirm: control on {site}/en/"]
    control.page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1'; document.body.append(s); }"
    )
    control.page.wait_for_function("() => window.__violations.length > 0")
    assert any("script" in entry for entry in control.page.evaluate("window.__violations"))
    control.context.close()

    reader = Watched(browser, site)
    for obj in attacked:
        reader.visit(f"/en/news/{obj.slug}/")
    for obj in attacked[::4]:
        reader.visit(f"/zh/news/{obj.slug}/")
    for path in ("/en/news/", "/en/news/?page=2", "/zh/news/", "/en/news/tag/attack/", "/en/"):
        reader.visit(path)
    for query in ("attack", "script", "alert", "onerror"):
        reader.visit(f"/en/search/?q={quote(query)}")

    User.objects.create_superuser("root", password=PASSWORD)
    admin = Watched(browser, site)
    admin.page.goto("/admin/login/")
    admin.page.fill("#id_username", "root")
    admin.page.fill("#id_password", PASSWORD)
    admin.page.click("input[type=submit]")
    admin.page.wait_for_url("**/admin/")
    for path in ("/admin/news/article/", "/admin/news/article/?p=2", "/admin/news/article/?q=script"):
        admin.visit(path)
    for obj in attacked[::5]:
        admin.visit(f"/admin/news/article/{obj.pk}/history/")
        version = Version.objects.get_for_object(obj).first()
        if version is not None:
            admin.visit(f"/admin/news/article/{obj.pk}/history/{version.pk}/")
        admin.visit(f"/admin/news/article/{obj.pk}/translate/en/")

    assert reader.dialogs + admin.dialogs == []
    assert reader.violations + admin.violations == []
    reader.context.close()
    admin.context.close()
