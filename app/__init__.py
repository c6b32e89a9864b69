"""draftdesk: PII-masked, cited first-reply drafts for the マイナポータル helpdesk."""

from app.telemetry import disable_telemetry

disable_telemetry()

__version__ = "0.1.0"
