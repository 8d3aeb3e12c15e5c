"""The REST API (/api/, docs/api.md): the platform's data for other systems, through the same rules as the web.

Personal API tokens (a person makes, names and revokes their own on /tai-khoan/khoa-api/) or the
web session authenticate; permissions are `dti.core.permissions` and the apps' selectors, never
a rule of its own.
"""
