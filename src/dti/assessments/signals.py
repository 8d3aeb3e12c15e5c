"""What the stored results listen to: a unit's scoring data changed (issue 13 §1).

`scores_changed` is sent with `assessment_ids` (the assessments whose entries, general info,
verdicts, official figures or scored status changed) by every write that bypasses a model's
`save()`/`delete()` (bulk_create, bulk_update, queryset update/delete). Ordinary saves of
`Entry`, `Review`, `Assessment` and `OfficialFigure` are heard through Django's own
`post_save`/`post_delete`. The receivers (`dti.appraisal.standing`) run inside the sender's
transaction, so stored figures commit or roll back with the data they come from.
"""

from __future__ import annotations

from django.dispatch import Signal

scores_changed = Signal()
"""Sent as `scores_changed.send(sender=<model class>, assessment_ids=[...])`."""
