"""Admin for every catalogue model."""

import datetime as dt

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from influencers import models as m
from influencers.history_arrays import COLUMNS, History, day_of, unpacked


class AccountInline(admin.TabularInline):
    model = m.Account
    extra = 0
    fields = ("platform", "handle", "is_verified", "is_private", "tracked")
    show_change_link = True


@admin.register(m.Creator)
class CreatorAdmin(admin.ModelAdmin):
    list_display = ("display_name", "country", "contact_email", "updated_at")
    search_fields = ("display_name", "contact_email", "accounts__handle")
    list_filter = ("country",)
    inlines = [AccountInline]


@admin.register(m.Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("handle", "platform", "creator", "is_verified", "tracked", "last_refreshed_at")
    list_filter = ("platform", "is_verified", "tracked")
    search_fields = ("handle", "display_name", "creator__display_name")
    raw_id_fields = ("creator",)


def _history(row: m.AccountHistory) -> History:
    return unpacked(*(bytes(getattr(row, name)) for name in COLUMNS))


@admin.register(m.AccountHistory)
class AccountHistoryAdmin(admin.ModelAdmin):
    """Each account's history shown, never edited: its packed arrays are written by the import,
    the refresh and the demo seed alone (`influencers.services.history`), which keep them sorted
    and one point a day."""

    list_display = ("account", "days", "newest_date", "newest_followers")
    list_select_related = ("account",)
    search_fields = ("account__handle",)
    fields = ("account", "points")
    readonly_fields = ("account", "points")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="days")
    def days(self, row: m.AccountHistory) -> int:
        return len(_history(row))

    @admin.display(description="newest date")
    def newest_date(self, row: m.AccountHistory) -> dt.date | None:
        history = _history(row)
        return day_of(history.days[-1]) if len(history) else None

    @admin.display(description="newest followers")
    def newest_followers(self, row: m.AccountHistory) -> int | None:
        history = _history(row)
        return int(history.followers[-1]) if len(history) else None

    @admin.display(description="points (newest first)")
    def points(self, row: m.AccountHistory) -> str:
        cells = [
            (day.isoformat(), followers, "" if following is None else following, "" if posts is None else posts)
            for day, followers, following, posts in reversed(_history(row).points())
        ]
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", cells)
        return format_html(
            "<table><thead><tr><th>date</th><th>followers</th><th>following</th><th>posts</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            body,
        )


@admin.register(m.Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("platform_post_id", "account", "posted_at", "likes", "comments", "views", "is_sponsored")
    list_filter = ("post_type", "is_sponsored")
    search_fields = ("caption", "platform_post_id", "sponsor")
    raw_id_fields = ("account",)


@admin.register(m.MediaAsset)
class MediaAssetAdmin(admin.ModelAdmin):
    list_display = ("id", "account", "sha256", "width", "height", "phash")
    search_fields = ("sha256", "phash")
    raw_id_fields = ("account", "post")


@admin.register(m.AudienceProfile)
class AudienceProfileAdmin(admin.ModelAdmin):
    list_display = ("account", "source", "as_of")
    raw_id_fields = ("account",)


@admin.register(m.FollowerSample)
class FollowerSampleAdmin(admin.ModelAdmin):
    list_display = ("username", "account", "followers_count", "following_count", "media_count", "has_profile_pic")
    search_fields = ("username",)
    raw_id_fields = ("account",)


@admin.register(m.CommentSample)
class CommentSampleAdmin(admin.ModelAdmin):
    list_display = ("commenter", "post", "posted_at", "text")
    search_fields = ("commenter", "text")
    raw_id_fields = ("post",)


@admin.register(m.AccountMetrics)
class AccountMetricsAdmin(admin.ModelAdmin):
    list_display = ("account", "followers", "engagement_rate", "growth_30d", "fake_risk", "risk_level")
    raw_id_fields = ("account",)
