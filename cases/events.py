from safeguarding.audit.events import register

CHILD_CREATED = register("child.created", "Child record created")
CHILD_UPDATED = register("child.updated", "Child record updated")
CHILD_ALLOCATED = register("child.allocated", "Social worker or team allocated")
CHILD_RESTRICTION_CHANGED = register("child.restriction_changed", "Record restriction changed")
CHILD_CLOSED = register("child.closed", "Child record closed")
RECORD_ENTERED_IN_ERROR = register("record.entered_in_error", "Record marked entered in error")
ADULT_CREATED = register("adult.created", "Adult added")
RELATIONSHIP_ADDED = register("relationship.added", "Relationship added")
RELATIONSHIP_ENDED = register("relationship.ended", "Relationship ended")
HOUSEHOLD_CREATED = register("household.created", "Household recorded")
INVOLVEMENT_ADDED = register("involvement.added", "Agency involvement added")
INVOLVEMENT_ENDED = register("involvement.ended", "Agency involvement ended")
CHRONOLOGY_ADDED = register("chronology.added", "Chronology entry added")
ADDRESS_CHANGED = register("address.changed", "Address changed")
ALIAS_ADDED = register("alias.added", "Alias or previous name added")
DUPLICATE_LINKED = register("child.duplicate_linked", "Linked as a possible duplicate")
DUPLICATE_WARNING_OVERRIDDEN = register("child.duplicate_warning_overridden", "Created despite a duplicate warning")
# Found in search or a duplicate check as a minimal row (or a restricted notice), without opening the
# record: not a read of it (the view log keeps reads), so it has its own code.
CHILD_SIGHTED = register("child.sighted", "Found in search or a duplicate check, without opening the record")
ACCESS_REQUESTED = register("child.access_requested", "Access to the record requested")
