from django.apps import AppConfig


class WorkbooksConfig(AppConfig):
    name = "dti.workbooks"
    verbose_name = "Bảng tính tự đánh giá"
