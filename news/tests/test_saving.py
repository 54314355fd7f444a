"""One save path: an article and its images are rendered once per language, after the images are saved."""

import pytest
from django.contrib.auth.models import Group, User

from news import markdown
from news.models import Article, Category
from news.tests.factories import png_file
from news.tests.pages import Page
from news.tests.test_admin import form_data

pytestmark = pytest.mark.django_db

BODY_ZH = "图一\n\n![一](media/one.png)\n\n![二](media/two.png)\n\n![三](media/three.png)\n"
BODY_EN = "Figures\n\n![one](media/one.png)\n\n![two](media/two.png)\n\n![three](media/three.png)\n"


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


@pytest.fixture
def renders(monkeypatch):
    calls = []
    original = markdown.render

    def counting(text, **kwargs):
        calls.append(text)
        return original(text, **kwargs)

    monkeypatch.setattr(markdown, "render", counting)
    return calls


def test_an_admin_save_of_a_bilingual_article_with_three_new_images_renders_each_language_once(editor, renders):
    data = form_data(editor.get("/admin/news/article/add/").content)
    data.update(
        title_zh_hans="三张图",
        body_zh_hans=BODY_ZH,
        title_en="Three figures",
        body_en=BODY_EN,
        source_language="zh-hans",
        category=str(Category.objects.get(slug="news").pk),
        status="draft",
        **{"images-TOTAL_FORMS": "3"},
    )
    for number, name in enumerate(("one", "two", "three")):
        data[f"images-{number}-image"] = png_file(f"{name}.png", (40, 20))
        data[f"images-{number}-reference"] = f"media/{name}.png"
    response = editor.post("/admin/news/article/add/", data)
    assert response.status_code == 302, Page(response.content).text[:1500]
    assert sorted(text.strip() for text in renders) == sorted([BODY_ZH.strip(), BODY_EN.strip()])
    article = Article.objects.get(title_en="Three figures")
    # Rendered after the images were saved: every figure resolved, none a placeholder.
    assert article.body_html_en.count("<img") == 3 and "image-missing" not in article.body_html_en
    assert article.search_document.title and "figures" in article.search_document.body.lower()
    assert article.images.count() == 3


def test_saving_an_image_alone_still_renders_its_article(renders):
    from news.tests.factories import article as make_article

    article = make_article(en="One figure", body_en="![one](media/one.png)")
    renders.clear()
    article.images.create(image=png_file("one.png", (40, 20)), reference="media/one.png")
    article.refresh_from_db()
    assert "image-missing" not in article.body_html_en and renders
