"""The home page (ADR 26): what each person needs on arrival, one part per role, each item a link to the work.

The kernel imports no domain app: each app registers its parts from its ``apps.py`` ``ready()`` (usually by
importing its ``home.py``) with :func:`safeguarding.home.parts.register_part`; the kernel's own parts
(deadlines, notifications, team work, administration) are in ``safeguarding.home.kernel_parts``.
"""
