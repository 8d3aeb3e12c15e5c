"""`dti manage rebuild_results [--campaign ID]`: compute every stored figure again.

Stored results know every change made through the platform (docs/appraisal.md, "Kết quả lưu").
A change made around it (a row edited by hand in the database, a restore of part of a backup)
is not heard: this command computes the groups' bounds and every unit's figures again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dti.appraisal.standing import rebuild
from dti.campaigns.models import CampaignGroup


class Command(BaseCommand):
    help = "Tính lại mọi kết quả lưu sẵn (cận min–max của nhóm, điểm của từng đơn vị)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", type=int, help="chỉ kỳ đánh giá có mã số này")

    def handle(self, *args: Any, **options: Any) -> None:
        groups = CampaignGroup.objects.select_related("framework", "campaign").order_by("campaign_id", "order", "pk")
        if options["campaign"] is not None:
            groups = groups.filter(campaign_id=options["campaign"])
        for group in groups:
            scored = rebuild(group)
            self.stdout.write(f"{group.campaign.name} — {group.name}: {scored} đơn vị")
