"""Image embeddings (open_clip CLIP or a weight-free style descriptor), the FAISS index, and
aesthetic search over creators' images."""

from django.apps import AppConfig


class VisionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "vision"
    verbose_name = "Vision"

    def ready(self) -> None:
        from influencers.models import JobKind
        from influencers.services.job_runner import register_job_handler

        register_job_handler(JobKind.EMBED, "vision.services.jobs.run_embed_job")
        register_job_handler(JobKind.INDEX, "vision.services.jobs.run_index_job")
