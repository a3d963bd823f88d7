"""The LADO app's own limits that are not statutory timescales (those are in safeguarding/clock/rules.py)."""

REGISTRATION_LINK_HOURS = 24  # how long the link to verify a portal registration works
REGISTRATIONS_PER_ADDRESS = 5  # registrations asked for from one network address in an hour (then 429)
