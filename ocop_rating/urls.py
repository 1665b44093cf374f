from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after a form: never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return None
    return target
