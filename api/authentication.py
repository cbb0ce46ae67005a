"""Token authentication with the token's user memoised per process (core/caching/access.py): a hit
costs no query, and deleting or rotating the token or deactivating the user is seen by the next
request through the access data version. The key is accepted as `Authorization: Token <key>` and,
as most HTTP clients send it, `Authorization: Bearer <key>`."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from core.caching.access import instance_of, memoised, request_access_version, row_of


class MemoisedTokenAuthentication(TokenAuthentication):
    """DRF's TokenAuthentication (`Authorization: Token <key>`), memoising the token and its user."""

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        self._version = request_access_version(request)
        return super().authenticate(request)

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        rows = memoised(("token", key), version=getattr(self, "_version", None), load=lambda: self._load(key))
        if rows is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        # _load is the only writer of this key: the token's row (of get_model(), which a subclass
        # may change: Any, as in DRF), then its user's.
        token: Any = instance_of(rows[0])
        user = cast(AbstractBaseUser, instance_of(rows[1]))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token.user = user
        return user, token

    def _load(self, key: str) -> tuple[Any, Any] | None:
        model = self.get_model()
        token = model.objects.select_related("user").filter(key=key).first()
        return None if token is None else (row_of(token), row_of(token.user))


class BearerTokenAuthentication(MemoisedTokenAuthentication):
    """The same key sent as `Authorization: Bearer <key>`."""

    keyword = "Bearer"
