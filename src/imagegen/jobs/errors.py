"""Errors only the job layer raises (subclasses of the contract's tree, so every front door maps them)."""

from __future__ import annotations

from imagegen.contract.errors import ImagegenError


class JobNotReady(ImagegenError):
    """The result of a job that is still queued or running was asked for."""

    status = 409
    default_code = "job_not_ready"
    exit_code = 75


class JobTimeout(ImagegenError):
    """A synchronous run did not finish in time (the job was cancelled)."""

    status = 504
    type = "server_error"
    default_code = "timeout"
    exit_code = 75
