"""Admin for every catalogue model."""

from django.contrib import admin

from influencers import models as m


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


@admin.register(m.AccountHistory)
class AccountHistoryAdmin(admin.ModelAdmin):
    list_display = ("account",)
    raw_id_fields = ("account",)


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
