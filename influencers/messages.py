"""The catalogue's sentences and labels as message templates (core.messages): platform names, the
labels of filter fields, and the catalogue jobs' log lines. English here, Chinese in the catalogue
(frontend/locale/zh_Hans)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from core.messages import INT, TEXT, define, define_labels, label_of

# One name per platform in each language: Chinese platforms by their Chinese names in Chinese
# (小红书, 抖音, 哔哩哔哩, 微博), everywhere a platform is named (pages, exports, sentences).
define_labels(
    "platform",
    {
        "instagram": gettext_noop("Instagram"),
        "tiktok": gettext_noop("TikTok"),
        "youtube": gettext_noop("YouTube"),
        "xiaohongshu": gettext_noop("Xiaohongshu (RED)"),
        "douyin": gettext_noop("Douyin"),
        "bilibili": gettext_noop("Bilibili"),
        "weibo": gettext_noop("Weibo"),
        "x": gettext_noop("X (Twitter)"),
        "pinterest": gettext_noop("Pinterest"),
        "facebook": gettext_noop("Facebook"),
    },
)

# What the discovery filters and other inputs are called where an error names them.
define_labels(
    "field",
    {
        "q": gettext_noop("Keyword"),
        "platform": gettext_noop("Platform"),
        "min_followers": gettext_noop("Minimum followers"),
        "max_followers": gettext_noop("Maximum followers"),
        "min_engagement_rate": gettext_noop("Minimum engagement rate"),
        "max_engagement_rate": gettext_noop("Maximum engagement rate"),
        "min_growth_30d": gettext_noop("Minimum 30-day growth"),
        "max_growth_30d": gettext_noop("Maximum 30-day growth"),
        "max_fake_risk": gettext_noop("Maximum fake-follower risk"),
        "risk_level": gettext_noop("Risk level"),
        "verified": gettext_noop("Verified"),
        "stale": gettext_noop("Data age"),
        "max_data_age_days": gettext_noop("Maximum data age (days)"),
        "audience_country": gettext_noop("Audience country"),
        "audience_country_min": gettext_noop("Minimum audience share in that country"),
        "audience_age": gettext_noop("Audience age"),
        "audience_age_min": gettext_noop("Minimum audience share of that age"),
        "audience_gender": gettext_noop("Audience gender"),
        "audience_gender_min": gettext_noop("Minimum audience share of that gender"),
        "audience_language": gettext_noop("Audience language"),
        "audience_language_min": gettext_noop("Minimum audience share speaking it"),
        "country": gettext_noop("Creator country"),
        "language": gettext_noop("Creator language"),
        "category": gettext_noop("Category"),
        "has_contact_email": gettext_noop("Has a contact email"),
        "worked_with": gettext_noop("Worked with"),
        "not_worked_with": gettext_noop("Never worked with"),
        "sort": gettext_noop("Sort order"),
        "file": gettext_noop("File"),
        "images": gettext_noop("Images"),
        "image": gettext_noop("Image"),
        "weights": gettext_noop("Weights"),
        "shortlist": gettext_noop("Shortlist"),
        "format": gettext_noop("Format"),
        "language_code": gettext_noop("Language"),
        "limit": gettext_noop("Number of rows"),
    },
)

IMPORTING = define("import.importing", gettext_noop("importing %(file)s"), file=TEXT)
CHECKING = define("import.checking", gettext_noop("checking %(file)s"), file=TEXT)
VALID_WRITING = define(
    "import.valid_writing",
    gettext_noop("%(n)s account valid, writing"),
    plural=gettext_noop("%(n)s accounts valid, writing"),
    count="n",
    n=INT,
)
VALID = define(
    "import.valid",
    gettext_noop("%(n)s account valid"),
    plural=gettext_noop("%(n)s accounts valid"),
    count="n",
    n=INT,
)
TABLE_COUNTS = define(
    "import.table_counts",
    gettext_noop("%(table)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged"),
    table=label_of("table"),
    created=INT,
    updated=INT,
    unchanged=INT,
)
IMPORT_WARNING = define("import.warning", gettext_noop("warning: %(text)s"), text=TEXT)
define_labels(
    "table",
    {
        "creators": gettext_noop("creators"),
        "accounts": gettext_noop("accounts"),
        "snapshots": gettext_noop("snapshots"),
        "posts": gettext_noop("posts"),
        "media": gettext_noop("images"),
        "audience_profiles": gettext_noop("audience profiles"),
        "comments": gettext_noop("comments"),
        "followers": gettext_noop("follower samples"),
        "follower_samples": gettext_noop("follower samples"),
        "comment_samples": gettext_noop("comment samples"),
    },
)
METRICS_REFRESHED = define(
    "metrics.refreshed",
    gettext_noop("metrics refreshed for %(n)s account"),
    plural=gettext_noop("metrics refreshed for %(n)s accounts"),
    count="n",
    n=INT,
)
REFRESHING = define(
    "refresh.start",
    gettext_noop("refreshing %(n)s accounts for %(date)s"),
    n=INT,
    date=TEXT,
)
REFRESHING_ON = define(
    "refresh.start_on",
    gettext_noop("refreshing %(n)s accounts for %(date)s on %(platform)s"),
    n=INT,
    date=TEXT,
    platform=label_of("platform"),
)
REFRESH_DONE = define(
    "refresh.done",
    gettext_noop("done: %(refreshed)s refreshed, %(failed)s failed, %(skipped)s skipped, %(units)s quota units"),
    refreshed=INT,
    failed=INT,
    skipped=INT,
    units=INT,
)

# The counts a catalogue job reports (Job.counts keys), as the job page names them.
define_labels(
    "count",
    {
        "creators": gettext_noop("creators"),
        "accounts": gettext_noop("accounts"),
        "snapshots": gettext_noop("snapshots"),
        "posts": gettext_noop("posts"),
        "sponsored_posts": gettext_noop("sponsored posts"),
        "comment_samples": gettext_noop("sampled comments"),
        "follower_samples": gettext_noop("sampled followers"),
        "audience_profiles": gettext_noop("audience profiles"),
        "images": gettext_noop("images"),
        "fraud_accounts": gettext_noop("accounts with planted fraud"),
        "platforms": gettext_noop("platforms"),
        "metrics": gettext_noop("accounts with metrics"),
        "refreshed": gettext_noop("accounts refreshed"),
        "failed": gettext_noop("accounts failed"),
        "skipped": gettext_noop("accounts skipped"),
        "quota_units": gettext_noop("API quota units"),
        "api_calls": gettext_noop("API calls"),
        "posts_created": gettext_noop("new posts"),
        "posts_updated": gettext_noop("updated posts"),
        "images_new": gettext_noop("new images"),
        "comments": gettext_noop("comments"),
        "embedded": gettext_noop("images embedded"),
        "handed_over": gettext_noop("handed over to batch jobs"),
    },
)
