"""Addresses: only redirects to a path on this site."""

from __future__ import annotations


def safe_next_path(target: str | None, fallback: str = "/") -> str:
    """Only follow redirects to a path on this site, never to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target
