"""mkdocs hook: nav entries whose page does not exist (yet) are dropped, not errors.

Some guides (tune.md, lectures.md) are written by others and may not exist on every
checkout; listing them in mkdocs.yml's nav keeps their place, and this hook keeps
``mkdocs build --strict`` valid until they land.
"""

from __future__ import annotations

from pathlib import Path


def _keep(entry, docs: Path):
    if isinstance(entry, str):
        external = entry.startswith(("http://", "https://"))
        return entry if external or (docs / entry).exists() else None
    if isinstance(entry, dict):
        kept = {}
        for title, value in entry.items():
            value = _keep(value, docs)
            if value not in (None, []):
                kept[title] = value
        return kept or None
    if isinstance(entry, list):
        return [e for e in (_keep(e, docs) for e in entry) if e is not None]
    return entry


def on_config(config, **kwargs):
    if config.get("nav"):
        config["nav"] = _keep(config["nav"], Path(config["docs_dir"]))
    return config
