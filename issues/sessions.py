"""Who is signed in, read on every request with SQL compiled once (issues/prepared.py):
Django's database sessions and its ``ModelBackend``, each with its one lookup prepared."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from issues.prepared import PreparedRead

SESSION = PreparedRead(
    lambda key: Session.objects.filter(session_key=key), marker="prepared-session-key"
)
USER = PreparedRead(lambda pk: get_user_model()._default_manager.filter(pk=pk))


class SessionStore(db.SessionStore):
    """``SESSION_ENGINE = "issues.sessions"``."""

    def _get_session_from_db(self):
        session = SESSION.first(self.session_key)
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session


class UserBackend(ModelBackend):
    """``AUTHENTICATION_BACKENDS``: Django's, with the signed-in user's lookup prepared."""

    def get_user(self, user_id):
        user = USER.first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
