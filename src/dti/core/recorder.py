"""Recording a change from an app that may not import the audit log: the audit app hands its `record` down.

`dti.accounts` and `dti.audit` stand side by side (docs/architecture.md): neither imports the
other. The audit app installs its `record` here at start-up (`AuditConfig.ready`), and the
account services record their changes through `record_change`. Until it does, recording
fails loudly: a change must never go unrecorded.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db import models


class Recorder(Protocol):
    """What `dti.audit.services.record` offers the apps below it (the arguments the account services use)."""

    def __call__(
        self,
        *,
        actor: Any,  # the acting User, or None for the system (core does not name the User model)
        action: str,
        obj: models.Model,
        unit: Any = None,  # a Unit (core does not name the units app either)
        old: object = None,
        new: object = None,
        comment: str = "",
    ) -> object: ...


_recorder: Recorder | None = None


def set_recorder(recorder: Recorder) -> None:
    """Install the audit app's `record` (called once, by AuditConfig.ready)."""
    global _recorder
    _recorder = recorder


def record_change(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    unit: Any = None,
    old: object = None,
    new: object = None,
    comment: str = "",
) -> None:
    """Write one audit entry through the installed recorder, inside the caller's transaction."""
    if _recorder is None:
        raise RuntimeError("dti.audit is not installed: changes cannot be recorded")
    _recorder(actor=actor, action=action, obj=obj, unit=unit, old=old, new=new, comment=comment)
