"""`Authorization: Bearer <token>`: the token's hash is looked up; its person must be active and
the token not expired (TOUSU_API_TOKEN_DAYS after it was made, unless an administrator changed it)."""

from datetime import timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from .models import ApiToken, hash_key

TOUCH_EVERY = timedelta(minutes=5)  # how stale last_used_at may get (one write, not one per call)


def issue_token(user, *, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`: the row and the key, which is shown once and kept nowhere."""
    token = ApiToken(user=user, name=name)
    key = token.set_new_key()
    token.save()
    return token, key


class TokenAuth(HttpBearer):
    def __call__(self, request):
        scheme, _sep, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError(message=_(
                "Authentication required: send the header “Authorization: Bearer <token>”."))
        return self.authenticate(request, token)

    def authenticate(self, request, token: str):
        found = (ApiToken.objects.select_related("user")
                 .filter(key_hash=hash_key(token.strip()), active=True, user__is_active=True).first())
        if found is None:
            raise AuthenticationError(message=_("This API token is not valid, or it was revoked."))
        now = timezone.now()
        if found.expires_at <= now:
            raise AuthenticationError(message=_(
                "This API token expired on %(date)s; ask an administrator for a new one.") % {
                "date": formats.date_format(timezone.localtime(found.expires_at), "Y-m-d H:i")})
        if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found.user
