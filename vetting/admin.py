"""Admin for brands, shortlists and notes."""

from django.contrib import admin

from vetting import models as m


@admin.register(m.Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "updated_at")
    list_filter = ("organization",)


@admin.register(m.MoodBoardImage)
class MoodBoardImageAdmin(admin.ModelAdmin):
    list_display = ("id", "brand", "width", "height")


@admin.register(m.Shortlist)
class ShortlistAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "brand", "campaign", "updated_at")


@admin.register(m.ShortlistEntry)
class ShortlistEntryAdmin(admin.ModelAdmin):
    list_display = ("creator", "shortlist", "status", "updated_at")
    list_filter = ("status",)
    raw_id_fields = ("creator",)


@admin.register(m.ShortlistEvent)
class ShortlistEventAdmin(admin.ModelAdmin):
    list_display = ("entry", "action", "user", "at")


@admin.register(m.CreatorNote)
class CreatorNoteAdmin(admin.ModelAdmin):
    list_display = ("creator", "organization", "author", "created_at")
