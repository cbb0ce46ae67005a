"""Image embeddings (open_clip CLIP or a weight-free style descriptor), the FAISS index, and
aesthetic search over creators' images."""

from django.apps import AppConfig
from django.utils.translation import gettext_noop


class VisionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "vision"
    verbose_name = "Vision"

    def ready(self) -> None:
        import vision.messages  # noqa: F401 - declares the vision jobs' messages
        from core.caching.versions import watch_writes
        from core.models import JobKind
        from core.services.jobs import HEAVY_QUEUE, register_job_kind
        from influencers.follow_ups import AccountsChanged, ImagesDeleted, register_follow_up
        from vision.services.jobs import embed_after_change, index_after_deletion

        # Embeddings and aesthetic profiles feed matching (mood-board similarity), not discovery.
        watch_writes("vision", "vision")
        register_job_kind(JobKind.EMBED, handler="vision.services.jobs.run_embed_job", queue=HEAVY_QUEUE)
        register_job_kind(JobKind.INDEX, handler="vision.services.jobs.run_index_job", queue=HEAVY_QUEUE)
        register_follow_up(
            AccountsChanged,
            what=gettext_noop("queueing the new images for embedding"),
            step=embed_after_change,
            order=40,
        )
        register_follow_up(
            ImagesDeleted,
            what=gettext_noop("dropping deleted images from the index"),
            step=index_after_deletion,
            order=10,
        )
