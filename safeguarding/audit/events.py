"""The registry of CaseEvent codes. Each app declares its codes in its own ``events.py``."""

_REGISTRY: dict[str, str] = {}


def register(code: str, description: str) -> str:
    if code in _REGISTRY and _REGISTRY[code] != description:
        raise ValueError(f"Event code {code!r} registered twice with different meanings")
    _REGISTRY[code] = description
    return code


def describe(code: str) -> str:
    return _REGISTRY.get(code, code)


def is_registered(code: str) -> bool:
    return code in _REGISTRY


def all_codes() -> dict[str, str]:
    return dict(_REGISTRY)


# Kernel events
register("account.created", "Account created")
register("account.deactivated", "Account deactivated")
register("account.mfa_enrolled", "Two-factor authentication set up")
register("api_client.created", "API client created")
register("api_client.revoked", "API client revoked")
register("access.granted", "Time-boxed access granted")
register("access.revoked", "Access grant revoked")
register("access.break_glass", "Restricted record opened by breaking the glass")
register("deadline.opened", "Deadline opened")
register("deadline.met", "Deadline met")
register("deadline.late_accepted", "Reason for a late deadline accepted")
register("deadline.cancelled", "Deadline cancelled")
register("deadline.recomputed", "Deadline recomputed")
register("deadline.reassigned", "Deadline given to someone else")
register("reminder.sent", "Reminder sent")
