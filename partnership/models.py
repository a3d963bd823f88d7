"""Models arrive with their issue; see docs/adr/0001-foundation.md."""
