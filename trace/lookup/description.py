"""The resolver description file served at ``/.well-known/gs1resolver``.

The GS1-Conformant Resolver standard (1.2) asks every conformant resolver to describe
itself there, valid against GS1's description-file schema: where it resolves from, which
primary keys (here GTINs, AI 01: a ``/b/`` batch code is ours, not a GS1 key) and which
link type vocabulary it answers.
"""

from __future__ import annotations

from typing import Any

from trace.lookup.linkset import GS1


def description_file(base_url: str) -> dict[str, Any]:
    """The description of this resolver, whose label URLs start with ``base_url``."""
    return {
        "name": "Truy xuất nguồn gốc nông sản / Agricultural traceability",
        "resolverRoot": base_url,
        "supportedPrimaryKeys": ["01"],
        "supportedLinkType": [{"namespace": GS1, "prefix": "gs1:"}],
        "linkTypeDefaultCanBeLinkset": False,
    }
