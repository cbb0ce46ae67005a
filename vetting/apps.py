from django.apps import AppConfig


class VettingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "vetting"
    verbose_name = "Vetting"

    def ready(self) -> None:
        from core.caching.versions import watch_writes
        from core.models import JobKind
        from core.services.jobs import HEAVY_QUEUE, register_job_kind

        # Brand briefs and mood boards feed matching; shortlists, notes and alerts feed no cached answer.
        watch_writes("brands", "vetting.brand", "vetting.moodboardimage")
        register_job_kind(JobKind.SCORE, handler="vetting.services.reports.run_scoring_job")
        register_job_kind(JobKind.EXPORT, handler="vetting.services.exports.run_export_job", queue=HEAVY_QUEUE)
        register_job_kind(JobKind.WATCH, handler="vetting.monitoring.evaluation.run_watch_job")
