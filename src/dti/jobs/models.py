"""A background job as its owner sees it: what it is, how far it got, how it ended.

The queue itself (which worker runs what) is django-tasks' (`django_tasks_db`); this record is
the platform's: the owner, the progress (done of total, a message), the state, the result file
or message. A job's own writes commit together with its "done" (dti.jobs.services.run), so a
job is never seen done with half its writes, nor its writes seen without "done".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """One run of a job function (`kind`, its dotted path) for one person, with its arguments."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Không thành công")

    kind = models.CharField(max_length=200)
    title = models.CharField(_("việc"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    args = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=1000, blank=True)
    result = models.FileField(upload_to="viec/", max_length=300, blank=True)
    result_name = models.CharField(max_length=300, blank=True)  # the download's file name
    next_url = models.CharField(max_length=300, blank=True)  # where the owner goes on when it is done
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)  # host:pid of the process that runs it
    task_id = models.CharField(max_length=64, blank=True)  # the django-tasks result that carries it
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"]), models.Index(fields=["state"])]
        verbose_name = _("Việc chạy nền")
        verbose_name_plural = _("Việc chạy nền")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        """How far, 0–100 (a finished job is 100; an unknown total is 0 until done)."""
        if self.state == self.State.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
