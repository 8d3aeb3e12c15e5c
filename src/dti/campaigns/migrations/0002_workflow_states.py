"""The campaign's states of its workflow (dti.campaigns.workflow), and campaigns published from a table.

"Đã kết thúc" (closed) was reachable only through the edit form and never from publishing, so a
closed campaign had stopped taking submissions: it becomes "Đã dừng nhận báo cáo". A campaign
whose results were approved but not yet published becomes "Đã phê duyệt"; one published from
an imported table is marked so.
"""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    Approval = apps.get_model("results", "Approval")
    Publication = apps.get_model("results", "Publication")
    Campaign.objects.filter(state="closed").update(state="submissions_closed")
    published = Publication.objects.values_list("campaign_id", flat=True)
    approved = Approval.objects.exclude(campaign_id__in=published).values_list("campaign_id", flat=True)
    Campaign.objects.filter(pk__in=list(approved)).exclude(state="draft").update(state="approved")
    imported = {p.campaign_id for p in Publication.objects.filter(version=1) if "imported" in p.snapshot}
    Campaign.objects.filter(pk__in=imported).update(imported_results=True)


def backwards(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    Campaign.objects.filter(state="submissions_closed").update(state="closed")
    Campaign.objects.filter(state="approved").update(state="appraisal")


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("results", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="imported_results",
            field=models.BooleanField(default=False, editable=False, verbose_name="Kết quả nhập từ bảng đã công bố"),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="state",
            field=models.CharField(
                choices=[
                    ("draft", "Đang chuẩn bị"),
                    ("open", "Đang nhận báo cáo"),
                    ("submissions_closed", "Đã dừng nhận báo cáo"),
                    ("appraisal", "Đang thẩm định"),
                    ("approved", "Đã phê duyệt"),
                    ("published", "Đã công bố"),
                ],
                default="draft",
                max_length=20,
                verbose_name="Trạng thái",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
