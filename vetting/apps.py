from django.apps import AppConfig
from django.utils.translation import gettext_noop


class VettingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "vetting"
    verbose_name = "Vetting"

    def ready(self) -> None:
        import vetting.messages  # noqa: F401 - declares the vetting layer's messages and labels
        from core.caching.versions import watch_writes
        from core.models import JobKind
        from core.services.jobs import HEAVY_QUEUE, register_job_kind
        from influencers.follow_ups import AccountsChanged, register_follow_up
        from vetting.features.snapshot import features_after_change
        from vetting.monitoring.evaluation import watches_after_change
        from vetting.services.brand_safety import safety_after_change
        from vetting.services.reports import vetting_after_change

        # Brand briefs and mood boards feed matching; shortlists, notes and alerts feed no cached answer.
        watch_writes("brands", "vetting.brand", "vetting.moodboardimage")
        register_job_kind(JobKind.SCORE, handler="vetting.services.reports.run_scoring_job")
        register_job_kind(JobKind.EXPORT, handler="vetting.services.exports.run_export_job", queue=HEAVY_QUEUE)
        register_job_kind(JobKind.WATCH, handler="vetting.monitoring.evaluation.run_watch_job")
        register_job_kind(JobKind.SEED, handler="vetting.services.demo.run_seed_job")
        # After the catalogue's metrics: the reports read them, and watch rules read the reports.
        register_follow_up(
            AccountsChanged,
            what=gettext_noop("vetting the accounts"),
            step=vetting_after_change,
            order=20,
            parallel=True,
        )
        register_follow_up(
            AccountsChanged, what=gettext_noop("re-evaluating watches"), step=watches_after_change, order=30
        )
        # Last, once the metrics and reports it copies are in (and the embedding queued, which may
        # write the catalogue): the first ranking after an import need not build it.
        register_follow_up(
            AccountsChanged, what=gettext_noop("refreshing the ranking features"), step=features_after_change, order=50
        )
        # With the snapshot just built: the brands' hits in the changed catalogue's recent posts.
        register_follow_up(
            AccountsChanged,
            what=gettext_noop("searching the brands' excluded words"),
            step=safety_after_change,
            order=60,
        )
