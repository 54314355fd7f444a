"""Login throttling (django-axes): per user and per address, explained on the login page, lifted by an admin."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news.tests.factories import article
from news.tests.pages import Page

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor():
    return User.objects.create_user("editor", password="right-password", is_staff=True)


def log_in(client, username, password, address="192.0.2.1", **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def fail(client, times, username="editor", address="192.0.2.1"):
    for _ in range(times):
        response = log_in(client, username, "wrong", address)
        # The login form again with Django's error; the failure that reaches the limit is already refused.
        assert response.status_code in (200, 429)


def test_a_few_failures_do_not_lock_out(client, editor):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "editor", "right-password").status_code == 302


def test_repeated_failures_lock_the_user_out_even_with_the_right_password(client, editor):
    fail(client, settings.AXES_FAILURE_LIMIT)
    response = log_in(client, "editor", "right-password", address="198.51.100.7")  # from elsewhere too
    assert response.status_code == 429
    text = Page(response.content).text
    assert f"after {settings.AXES_FAILURE_LIMIT} failed attempts" in text
    assert "Try again in 30 minutes" in text
    assert "_auth_user_id" not in client.session


def test_repeated_failures_from_one_address_lock_it_out(client, editor):
    for number in range(settings.AXES_FAILURE_LIMIT):
        fail(client, 1, username=f"guess{number}", address="203.0.113.5")
    assert log_in(client, "editor", "right-password", address="203.0.113.5").status_code == 429
    # The user itself is not locked: from another address the right password works.
    assert log_in(client, "editor", "right-password", address="198.51.100.7").status_code == 302


def test_the_lockout_message_is_in_the_visitors_language(client, editor):
    fail(client, settings.AXES_FAILURE_LIMIT)
    response = log_in(client, "editor", "wrong", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert response.status_code == 429
    text = Page(response.content).text
    assert "登录失败次数过多" in text and "30 分钟后再试" in text
    assert 'lang="zh-hans"' in response.content.decode().lower()


def test_an_admin_lifts_the_lockout_in_the_admin(client, editor, admin_client):
    fail(client, settings.AXES_FAILURE_LIMIT)
    assert log_in(client, "editor", "right-password").status_code == 429
    attempt = AccessAttempt.objects.get(username="editor")
    changelist = admin_client.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200 and "editor" in changelist.content.decode()
    response = admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert log_in(client, "editor", "right-password").status_code == 302


def test_visitors_pages_do_not_touch_the_throttling_tables(client):
    article(zh="访客", en="Visitor", slug="visitor")
    for url in ("/en/", "/zh/news/", "/en/news/visitor/", "/en/search/?q=visitor"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert not [query for query in queries if "axes_" in query["sql"]], url
