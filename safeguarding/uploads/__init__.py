"""The kernel's upload service (ADR 18): files kept outside the web root under random names, their type
found in their bytes, quarantined until ClamAV passes them, read only through the owning app's policy,
every read logged, never deleted. ``services`` is the API; ``types`` the file types and purposes;
``views`` the download response and page bases; ``selectors`` the reads for pages."""
