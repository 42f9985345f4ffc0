"""The service core: jobs, routing, tenancy and the save point behind every front door."""

from imagegen.jobs.records import JobRecord
from imagegen.service.core import Service, replace_settings
from imagegen.service.outcome import JobOutcome

__all__ = ["JobOutcome", "JobRecord", "Service", "replace_settings"]
