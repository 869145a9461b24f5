"""The browser view and REST API of saidwhat (``saidwhat serve``): see docs/web.md."""
from __future__ import annotations

__all__ = ["create_app"]


def create_app(*args, **kwargs):
    from saidwhat.web.app import create_app as _create

    return _create(*args, **kwargs)
