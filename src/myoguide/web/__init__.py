"""The HTTP adapter: HTML pages and the JSON API over the same core."""

from .app import create_app

__all__ = ["create_app"]
