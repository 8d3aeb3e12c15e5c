from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "dti.exports"
    verbose_name = "Xuất dữ liệu kỳ đánh giá"
