from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "dti.campaigns"
    verbose_name = "Kỳ đánh giá"
