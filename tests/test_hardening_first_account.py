"""Concurrent sign-ups on an empty database make exactly one administrator."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from tests.common_support import PASSWORD

SIGNUPS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_signups_make_one_superuser(monkeypatch):
    user_model = get_user_model()
    save = user_model.save

    def slow_save(self, *args, **kwargs):
        # Widens the gap between "is there any account yet?" and the insert, so that every
        # sign-up would see an empty table without a lock.
        time.sleep(0.05)
        save(self, *args, **kwargs)

    monkeypatch.setattr(user_model, "save", slow_save)
    start = threading.Barrier(SIGNUPS)

    def sign_up(number):
        try:
            client = Client()
            start.wait()
            response = client.post(
                "/accounts/signup/",
                {"username": f"user{number}", "password1": PASSWORD, "password2": PASSWORD},
            )
            return response.status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(SIGNUPS) as pool:
        assert list(pool.map(sign_up, range(SIGNUPS))) == [302] * SIGNUPS
    assert user_model.objects.count() == SIGNUPS
    assert user_model.objects.filter(is_superuser=True).count() == 1
    assert user_model.objects.filter(is_staff=True).count() == 1
