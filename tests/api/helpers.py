from datetime import timedelta

from ocop_rating.api import tokens
from ocop_rating.legaltime import legal_today


def make_token(user, scopes=("read",), *, days: int = 30, name: str = "Cổng tỉnh"):
    today = legal_today()
    token, secret = tokens.create_token(user, name=name, scopes=list(scopes),
                                        expires_on=today + timedelta(days=days), today=today)
    return token, secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
