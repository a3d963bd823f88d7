"""Words that documents share across apps (ADR 28): who owns an action, in a person's name where one is
named; nothing here reads the database."""

from __future__ import annotations

__all__ = ["owner_label"]


def owner_label(owner_name: str, owner=None) -> str:
    """Who will do it, for a page or a letter: the person's name where a person is named, with the role or
    agency the plan gave ("Dan Hughes (Police)"); the role or agency alone where nobody is named."""
    name = (owner_name or "").strip()
    if owner is None:
        return name
    person = owner.display_name
    if not name or name.casefold() == person.casefold():
        return person
    if person.casefold() in name.casefold():  # "Sam Worker, lead social worker" names them already
        return name
    return f"{person} ({name})"
