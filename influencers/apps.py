from django.apps import AppConfig
from django.utils.translation import gettext_noop


class InfluencersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "influencers"
    verbose_name = "Influencer catalogue"

    def ready(self) -> None:
        import influencers.messages
        import influencers.vocabulary  # noqa: F401 - declares the category and interest labels
        from core.caching.versions import watch_writes
        from core.models import JobKind
        from core.services.jobs import register_job_kind
        from influencers.follow_ups import AccountsChanged, register_follow_up
        from influencers.metrics.service import metrics_after_change
        from influencers.services.search_index import connect_signals, search_after_change

        # Every catalogue table (metrics and stored vetting reports included) feeds discovery.
        watch_writes("catalogue", "influencers")
        register_job_kind(JobKind.IMPORT, handler="influencers.services.imports.jobs.run_import_job")
        register_job_kind(JobKind.METRICS, handler="influencers.metrics.service.run_metrics_job")
        register_job_kind(JobKind.REFRESH, handler="influencers.services.refresh.run_refresh_job")
        # Metrics first: everything above the catalogue reads them.
        # The search text first: it needs nothing computed, and a failing step later must not
        # leave imported creators unfindable.
        register_follow_up(
            AccountsChanged,
            what=gettext_noop("indexing for keyword search"),
            step=search_after_change,
            order=5,
            parallel=True,
        )
        register_follow_up(
            AccountsChanged,
            what=gettext_noop("recomputing metrics"),
            step=metrics_after_change,
            order=10,
            parallel=True,
        )
        connect_signals()
