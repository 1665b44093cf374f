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


def is_production(config) -> bool:
    """``PRODUCTION`` (env ``OCOP_PRODUCTION=true``) marks a live installation."""
    return bool(config.get("PRODUCTION"))


def configured_base_url(config) -> str | None:
    """The site's address from configuration alone: ``PUBLIC_BASE_URL``, else ``SERVER_NAME``.
    Always ends with a slash; None when neither is set."""
    if config.get("PUBLIC_BASE_URL"):
        return config["PUBLIC_BASE_URL"].rstrip("/") + "/"
    if config.get("SERVER_NAME"):
        return f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{config['SERVER_NAME']}/"
    return None


def site_base_url(*, trust_request: bool = True) -> str | None:
    """Where the public reaches this site, ending with a slash: the configured address when
    there is one, otherwise (``trust_request``) the address the current request was served on —
    so ``make run PORT=5101`` gives links to port 5101. None outside a request without
    configuration (a CLI or cron job)."""
    from flask import current_app, has_request_context, request

    base = configured_base_url(current_app.config)
    if base:
        return base
    if trust_request and has_request_context():
        return request.url_root
    return None
