"""Documents: PDF rendering with a locked-down URL fetcher (``safeguarding.documents.pdf``).

A plain package, not a Django app: it has no models, and nothing needs to be added to INSTALLED_APPS.
"""
