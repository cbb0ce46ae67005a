"""The Celery application. Configuration lives in Django settings under the CELERY_ namespace."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("vetted")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic work (run `celery -A config beat` next to the workers). Times are in settings.TIME_ZONE.
app.conf.beat_schedule = {
    # The brands' brand-safety hits are kept per day (their window of recent posts moves with it):
    # searched just after midnight, not in the first ranking of the day.
    "warm-brand-safety-daily": {
        "task": "vetting.tasks.warm_brand_safety",
        "schedule": crontab(hour=0, minute=5),
    },
    "refresh-tracked-accounts-daily": {
        "task": "influencers.tasks.refresh_tracked_accounts",
        "schedule": crontab(hour=3, minute=15),
    },
    # Refreshes trigger watch evaluation themselves; this daily pass catches windows that move
    # with the calendar (a sentiment spike ageing out, a keyword window closing) without new data.
    "evaluate-watches-daily": {
        "task": "vetting.tasks.evaluate_watches",
        "schedule": crontab(hour=5, minute=45),
    },
    # After the refresh: a channel refreshed this morning is never purged.
    # A Redis that restarted without its data forgets the jobs it held: send those again.
    "recover-lost-jobs": {
        "task": "core.tasks.recover_lost_jobs",
        "schedule": 300.0,
    },
    # Import files and search-by-look images kept between requests (settings.UPLOAD_TEMP_MAX_AGE_HOURS).
    "clean-upload-folders": {
        "task": "core.tasks.clean_upload_folders",
        "schedule": 3600.0,
    },
    "purge-stale-api-data-daily": {
        "task": "influencers.tasks.purge_stale_api_data",
        "schedule": crontab(hour=4, minute=30),
    },
}
