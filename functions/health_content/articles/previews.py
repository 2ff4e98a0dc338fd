"""Preview tokens: what lets an editor read a draft before it is published.

A token is a JSON Web Token (RFC 7519) signed with HMAC-SHA256 under the stack's preview secret: it says until
when it is valid and, when an editor asked for one, the one article it opens. PyJWT signs and checks it
(signature, expiry, audience); nothing here encodes or compares a signature by hand. Anyone holding the secret
can issue tokens, so the secret is read by the API and by the operators' CLI only; replacing it revokes every
token issued before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from health_content.errors import InvalidPreviewToken

# The token's audience: a token of this API for something else (or another API's token) is refused.
AUDIENCE = "konten-sehat:article-preview"
ALGORITHM = "HS256"  # HMAC with SHA-256
DEFAULT_TTL_SECONDS = 3600
MAX_TTL_SECONDS = 7 * 24 * 3600  # a week: long enough for a review round, short enough to forget a leaked link
# A token is a few hundred characters; the routes refuse longer ones before checking anything.
MAX_TOKEN_LENGTH = 1000
# Clocks of the CLI's machine and of Lambda may disagree by a little: a token is not refused for that.
CLOCK_SKEW_SECONDS = 30


@dataclass(frozen=True, slots=True)
class PreviewGrant:
    """What a valid token allows: previews until ``expires_at``, of ``slug`` only when it names one."""

    expires_at: dt.datetime
    slug: str | None

    def opens(self, slug: str) -> bool:
        return self.slug is None or self.slug == slug


class PreviewTokens:
    """Issues and checks preview tokens under one secret.

    ``secret`` is called once, the first time a token is issued or checked (the API reads it from Secrets
    Manager once per container); None when this deployment has no preview secret, so every token is refused.
    ``clock`` dates the tokens issued; PyJWT checks their expiry against the system's clock.
    """

    def __init__(
        self,
        secret: Callable[[], str] | None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._read_secret = secret
        self._secret: str | None = None
        self._clock = clock

    def issue(self, ttl_seconds: int = DEFAULT_TTL_SECONDS, slug: str | None = None) -> str:
        if not 0 < ttl_seconds <= MAX_TTL_SECONDS:
            raise ValueError(f"a preview token lasts from 1 second to {MAX_TTL_SECONDS} seconds")
        now = self._clock()
        claims: dict[str, object] = {
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + dt.timedelta(seconds=ttl_seconds),
        }
        if slug is not None:
            claims["slug"] = slug
        import jwt  # 20-60 ms to import: only a container that meets a token pays it

        return jwt.encode(claims, self._key(), algorithm=ALGORITHM)

    def check(self, token: str, slug: str) -> PreviewGrant:
        """The grant of a token that opens ``slug``; InvalidPreviewToken, saying why, for any other."""
        if len(token) > MAX_TOKEN_LENGTH:
            raise InvalidPreviewToken("The preview token is longer than any this API issues.")
        import jwt

        try:
            claims = jwt.decode(
                token,
                self._key(),
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidPreviewToken("The preview token has expired; ask for a new one.") from None
        except jwt.InvalidTokenError:
            raise InvalidPreviewToken("The preview token is not one this API issued, or it was altered.") from None
        scope = claims.get("slug")
        expires_at = dt.datetime.fromtimestamp(int(claims["exp"]), dt.UTC)
        grant = PreviewGrant(expires_at, scope if isinstance(scope, str) else None)
        if not grant.opens(slug):
            raise InvalidPreviewToken(f"The preview token is for article {scope!r}, not {slug!r}.")
        return grant

    def _key(self) -> str:
        if self._secret is None:
            if self._read_secret is None:
                raise InvalidPreviewToken("Previews are not set up on this deployment: it has no preview secret.")
            self._secret = self._read_secret()
        return self._secret
