from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.urls import register_converter

        import core.messages  # noqa: F401 - declares the core layer's message templates
        from core.caching.versions import install_request_memo, install_write_watch, watch_writes
        from core.converters import IdConverter

        register_converter(IdConverter, "id")

        # Who may call the API as whom: the API memoises these lookups at the "access" version.
        watch_writes("access", "authtoken.token", settings.AUTH_USER_MODEL, "core.membership", "core.organization")
        install_write_watch()
        install_request_memo()
