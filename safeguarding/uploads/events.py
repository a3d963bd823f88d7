"""The CaseEvent codes the upload service records (subject: the upload). Downloads are reads, logged in
the view log (``audit.RecordView``), not here."""

from safeguarding.audit.events import register

RECEIVED = register("upload.received", "File uploaded (waiting for a virus scan)")
SCANNED_CLEAN = register("upload.scan_clean", "Virus scan passed")
INFECTED = register("upload.infected", "Virus found in an uploaded file: kept in quarantine")
SCAN_FAILED = register("upload.scan_failed", "Virus scan could not be done (it is tried again)")
SCAN_GAVE_UP = register("upload.scan_gave_up", "Virus scan failed too often: an administrator was told")
WITHDRAWN = register("upload.withdrawn", "Uploaded file withdrawn")
