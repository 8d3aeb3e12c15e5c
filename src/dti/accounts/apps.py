from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dti.accounts"
    verbose_name = "Tài khoản"
