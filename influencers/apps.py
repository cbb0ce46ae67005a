from django.apps import AppConfig


class InfluencersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "influencers"
    verbose_name = "Influencer catalogue"

    def ready(self) -> None:
        from core.caching.versions import watch_writes
        from core.models import JobKind
        from core.services.jobs import register_job_kind

        # Every catalogue table (metrics and stored vetting reports included) feeds discovery.
        watch_writes("catalogue", "influencers")
        register_job_kind(JobKind.IMPORT, handler="influencers.services.imports.jobs.run_import_job")
        register_job_kind(JobKind.METRICS, handler="influencers.metrics.service.run_metrics_job")
        register_job_kind(JobKind.REFRESH, handler="influencers.services.refresh.run_refresh_job")
        register_job_kind(JobKind.SEED, handler="influencers.services.demo.seed.run_seed_job")
