from django.apps import AppConfig


class InfluencersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "influencers"
    verbose_name = "Influencer catalogue"

    def ready(self) -> None:
        # Writes to catalogue/metrics/brand tables change the data version the API response
        # caches are keyed on (influencers/services/cache_versions.py).
        from influencers.services.cache_versions import install_write_watch

        install_write_watch()
