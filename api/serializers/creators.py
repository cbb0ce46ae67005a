"""Creator shapes: list rows (discovery), the full profile, and catalogue images."""

from __future__ import annotations

from typing import Any, Protocol, cast

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.reports import VettingReportSerializer
from core.fields import JSONTextField
from core.messages import localize
from influencers.metrics.freshness import is_stale, stale_after_days
from influencers.models import Account, AccountMetrics, Creator, MediaAsset, Post
from influencers.risk import creator_risk_of
from influencers.selectors.creators import CreatorRow, account_has_metrics


def media_url(asset: MediaAsset, request: Any = None) -> str:
    """Where an image can be fetched: the stored file, else its source URL."""
    if asset.image:
        url = asset.image.url
        return request.build_absolute_uri(url) if request is not None else url
    return asset.source_url


def data_is_stale(data_as_of: Any) -> bool:
    """Whether data dated `data_as_of` is stale today (docs/metrics.md, "Data age")."""
    return is_stale(data_as_of, timezone.localdate(), stale_after_days())


class MetricsSummarySerializer(serializers.ModelSerializer):
    stale = serializers.SerializerMethodField(help_text="newest post/snapshot older than METRICS_STALE_AFTER_DAYS")
    # `details` is a JSON document kept as text (core.fields.JSONTextField): a JSON value here,
    # not the string DRF makes of a text field.
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        JSONTextField: serializers.JSONField,
    }

    class Meta:
        model = AccountMetrics
        fields = [
            "followers",
            "engagement_rate",
            "er_formula",
            "growth_30d",
            "fake_risk",
            "risk_level",
            "data_as_of",
            "stale",
            "risk_confidence",
            "risk_missing",
        ]

    def get_stale(self, metrics: AccountMetrics) -> bool:
        return data_is_stale(metrics.data_as_of)


class RiskAccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.CharField()
    handle = serializers.CharField()


class AccountWithoutVerdictSerializer(RiskAccountSerializer):
    level = serializers.CharField(help_text="insufficient (not enough evidence) or empty (not vetted yet)")


class CreatorRiskSerializer(serializers.Serializer):
    """The creator-level verdict: its worst vetted account's (named), with the evidence behind it."""

    level = serializers.CharField(
        help_text="low / medium / high; insufficient: not enough evidence for a verdict; empty: not vetted"
    )
    fake_risk = serializers.FloatField(allow_null=True, help_text="0..1; indicative when the level is insufficient")
    confidence = serializers.FloatField(allow_null=True, help_text="0..1: the share of the full evidence available")
    account = RiskAccountSerializer(allow_null=True, help_text="The account that sets the creator's risk")
    missing = serializers.ListField(
        child=serializers.CharField(),
        help_text="Kinds of evidence that account's vetting had no data for: follower_sample, history, posts, "
        "comments, images",
    )
    accounts_without_verdict = AccountWithoutVerdictSerializer(many=True)


def creator_risk_data(accounts: Any) -> dict[str, Any]:
    """The creator-level verdict of these accounts (metrics loaded) as CreatorRiskSerializer's shape."""
    return creator_risk_of(accounts).as_dict()


class MetricsSerializer(serializers.ModelSerializer):
    """Every figure with the formula and inputs behind it (`er_formula`, `details`), the date
    the data is as of and whether it is stale."""

    stale = serializers.SerializerMethodField(help_text="newest post/snapshot older than METRICS_STALE_AFTER_DAYS")
    # `details` is a JSON document kept as text (core.fields.JSONTextField): a JSON value here,
    # not the string DRF makes of a text field.
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        JSONTextField: serializers.JSONField,
    }

    class Meta:
        model = AccountMetrics
        exclude = ["account", "vetting", "vetting_inputs"]

    def get_stale(self, metrics: AccountMetrics) -> bool:
        return data_is_stale(metrics.data_as_of)


class AccountSummarySerializer(serializers.ModelSerializer):
    metrics = serializers.SerializerMethodField()

    class Meta:
        model = Account
        fields = ["id", "platform", "handle", "display_name", "is_verified", "profile_picture_url", "metrics"]

    @extend_schema_field(MetricsSummarySerializer(allow_null=True))
    def get_metrics(self, account: Account) -> dict | None:
        metrics = getattr(account, "metrics", None) if account_has_metrics(account) else None
        return MetricsSummarySerializer(metrics).data if metrics else None


class MatchedAccountSerializer(serializers.Serializer):
    """The account a discovery row matched through (the creator's largest matching account)."""

    id = serializers.IntegerField()
    platform = serializers.CharField()
    handle = serializers.CharField()
    followers = serializers.IntegerField(allow_null=True)
    engagement_rate = serializers.FloatField(allow_null=True)
    growth_30d = serializers.FloatField(allow_null=True)
    fake_risk = serializers.FloatField(
        allow_null=True, help_text="This account's own risk; the creator's verdict is the row's `risk`"
    )
    data_as_of = serializers.DateField(allow_null=True)
    stale = serializers.BooleanField()


class _RepresentativeAccount(Protocol):
    """A discovery row's matched account: CreatorRow's `rep_*` fields, or the same values
    annotated on a Creator by influencers.selectors.creators.creator_search_queryset."""

    rep_account_id: int | None
    rep_platform: str | None
    rep_handle: str | None
    rep_followers: int | None
    rep_engagement_rate: float | None
    rep_growth_30d: float | None
    rep_fake_risk: float | None


class CreatorListSerializer(serializers.ModelSerializer):
    accounts = AccountSummarySerializer(many=True, read_only=True)
    matched_account = serializers.SerializerMethodField()
    risk = serializers.SerializerMethodField()

    class Meta:
        model = Creator
        fields = [
            "id",
            "display_name",
            "country",
            "languages",
            "categories",
            "contact_email",
            "matched_account",
            "risk",
            "accounts",
        ]

    def _stale_on(self) -> tuple[Any, int]:
        # Today and the threshold, read once per serializer (a list's rows share its child):
        # reading the local date for every account of every row was a tenth of discovery's
        # serialisation time.
        found = getattr(self, "_stale_today", None)
        if found is None:
            found = self._stale_today = (timezone.localdate(), stale_after_days())
        return found

    def to_representation(self, creator: Creator | CreatorRow) -> dict[str, Any]:
        # Discovery serialises 25-100 rows per request under load: built by hand (about 5x
        # faster than nested ModelSerializers). The declared fields above stay the schema;
        # tests/api/test_discovery.py checks the two agree.
        today, stale_days = self._stale_on()
        accounts = []
        # Discovery pages serialise CreatorRows (influencers.selectors.creators.creator_rows):
        # plain values read as a Creator's, with their accounts in `row_accounts`.
        row_accounts = getattr(creator, "row_accounts", None)
        row_risk = getattr(creator, "risk", None) if row_accounts is not None else None  # worked out with the row
        all_accounts = list(cast(Creator, creator).accounts.all() if row_accounts is None else row_accounts)
        for account in all_accounts:
            metrics = account.metrics if account_has_metrics(account) else None
            accounts.append(
                {
                    "id": account.pk,
                    "platform": account.platform,
                    "handle": account.handle,
                    "display_name": account.display_name,
                    "is_verified": account.is_verified,
                    "profile_picture_url": account.profile_picture_url,
                    "metrics": None
                    if metrics is None
                    else {
                        "followers": metrics.followers,
                        "engagement_rate": metrics.engagement_rate,
                        "er_formula": metrics.er_formula,
                        "growth_30d": metrics.growth_30d,
                        "fake_risk": metrics.fake_risk,
                        "risk_level": metrics.risk_level,
                        "data_as_of": metrics.data_as_of.isoformat() if metrics.data_as_of else None,
                        "stale": is_stale(metrics.data_as_of, today, stale_days),
                        "risk_confidence": metrics.risk_confidence,
                        "risk_missing": metrics.risk_missing,
                    },
                }
            )
        return {
            "id": creator.pk,
            "display_name": creator.display_name,
            "country": creator.country,
            "languages": creator.languages,
            "categories": creator.categories,
            "contact_email": creator.contact_email,
            "matched_account": self._matched_account(creator, today, stale_days),
            "risk": creator_risk_data(all_accounts) if row_risk is None else row_risk.as_dict(),
            "accounts": accounts,
        }

    @extend_schema_field(CreatorRiskSerializer)
    def get_risk(self, creator: Creator) -> dict:
        return creator_risk_data(creator.accounts.all())

    @extend_schema_field(MatchedAccountSerializer(allow_null=True))
    def get_matched_account(self, creator: Creator) -> dict | None:
        return self._matched_account(creator, *self._stale_on())

    def _matched_account(self, creator: Creator | CreatorRow, today: Any, stale_days: int) -> dict | None:
        if getattr(creator, "rep_account_id", None) is None:
            return None
        data_as_of = getattr(creator, "rep_data_as_of", None)
        rep = cast(_RepresentativeAccount, creator)  # rep_account_id comes with the other rep_* values
        return {
            "id": rep.rep_account_id,
            "platform": rep.rep_platform,
            "handle": rep.rep_handle,
            "followers": rep.rep_followers,
            "engagement_rate": rep.rep_engagement_rate,
            "growth_30d": rep.rep_growth_30d,
            "fake_risk": rep.rep_fake_risk,
            "data_as_of": data_as_of.isoformat() if data_as_of else None,
            "stale": is_stale(data_as_of, today, stale_days),
        }


class MediaAssetSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = MediaAsset
        fields = ["id", "account", "post", "url", "width", "height", "sha256"]

    def get_url(self, asset: MediaAsset) -> str:
        return media_url(asset, self.context.get("request"))


class PostSerializer(serializers.ModelSerializer):
    engagement = serializers.IntegerField(read_only=True)
    images = MediaAssetSerializer(many=True, read_only=True, source="media")

    class Meta:
        model = Post
        fields = [
            "id",
            "platform_post_id",
            "posted_at",
            "post_type",
            "url",
            "caption",
            "hashtags",
            "likes",
            "comments",
            "shares",
            "saves",
            "views",
            "is_sponsored",
            "sponsor",
            "paid_partnership",
            "sponsorship_source",
            "sponsorship_marker",
            "engagement",
            "images",
        ]


class GrowthPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    followers = serializers.IntegerField()
    following = serializers.IntegerField(allow_null=True)
    posts = serializers.IntegerField(allow_null=True)


class AudienceSerializer(serializers.Serializer):
    source = serializers.CharField()
    as_of = serializers.DateField()
    age = serializers.DictField(child=serializers.FloatField())
    gender = serializers.DictField(child=serializers.FloatField())
    countries = serializers.DictField(child=serializers.FloatField())
    languages = serializers.DictField(child=serializers.FloatField())
    interests = serializers.DictField(child=serializers.FloatField())


class AccountDetailSerializer(serializers.ModelSerializer):
    """An account with its metrics (and formulas), vetting report, audience, growth and top posts.
    The view passes `growth`, `top_posts` and `vetting` by account id in the context."""

    metrics = serializers.SerializerMethodField()
    vetting = serializers.SerializerMethodField()
    audience = serializers.SerializerMethodField()
    growth = serializers.SerializerMethodField()
    top_posts = serializers.SerializerMethodField()

    class Meta:
        model = Account
        fields = [
            "id",
            "platform",
            "handle",
            "display_name",
            "bio",
            "external_url",
            "is_verified",
            "is_private",
            "profile_picture_url",
            "last_refreshed_at",
            "metrics",
            "vetting",
            "audience",
            "growth",
            "top_posts",
        ]

    @extend_schema_field(MetricsSerializer(allow_null=True))
    def get_metrics(self, account: Account) -> dict | None:
        return MetricsSerializer(account.metrics).data if account_has_metrics(account) else None

    @extend_schema_field(VettingReportSerializer)
    def get_vetting(self, account: Account) -> dict:
        # Every sentence of the report in the request's language, and beside it as a message
        # (`<field>_message`: code, params, message); reports stored before messages keep their
        # English text and have no `_message` fields (docs/api.md, "Explanations").
        return localize(self.context.get("vetting", {}).get(account.pk) or {}, structured=True)

    @extend_schema_field(AudienceSerializer(allow_null=True))
    def get_audience(self, account: Account) -> dict | None:
        profiles = list(account.audience_profiles.all())
        return AudienceSerializer(profiles[0]).data if profiles else None

    @extend_schema_field(GrowthPointSerializer(many=True))
    def get_growth(self, account: Account) -> list:
        return GrowthPointSerializer(self.context.get("growth", {}).get(account.pk, []), many=True).data

    @extend_schema_field(PostSerializer(many=True))
    def get_top_posts(self, account: Account) -> list:
        posts = self.context.get("top_posts", {}).get(account.pk, [])
        return PostSerializer(posts, many=True, context=self.context).data


class PartnerPostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    posted_at = serializers.DateTimeField()
    url = serializers.CharField(help_text="The post on its platform ('' when the data has no link)")
    platform = serializers.CharField()
    handle = serializers.CharField()


class BrandPartnerSerializer(serializers.Serializer):
    """A brand the creator published sponsored posts for."""

    name = serializers.CharField(help_text="The sponsor as named, an @handle, or the organisation's name for the brand")
    posts = serializers.IntegerField(help_text="How many sponsored posts")
    last_posted_at = serializers.DateTimeField()
    matched_by = serializers.ListField(
        child=serializers.CharField(),
        help_text="sponsor (the post's sponsor field), marker ('paid partnership with @x'), "
        "mention (tagged in the post), caption (a known brand named in the caption)",
    )
    recent_posts = PartnerPostSerializer(many=True, help_text="The newest ten, newest first")


class CreatorDetailSerializer(serializers.ModelSerializer):
    accounts = AccountDetailSerializer(many=True, read_only=True)
    images = serializers.SerializerMethodField()
    risk = serializers.SerializerMethodField()
    brand_partners = serializers.SerializerMethodField()

    class Meta:
        model = Creator
        fields = [
            "id",
            "display_name",
            "country",
            "languages",
            "categories",
            "contact_email",
            "notes",
            "created_at",
            "updated_at",
            "risk",
            "accounts",
            "images",
            "brand_partners",
        ]

    @extend_schema_field(CreatorRiskSerializer)
    def get_risk(self, creator: Creator) -> dict:
        return creator_risk_data(creator.accounts.all())

    @extend_schema_field(MediaAssetSerializer(many=True))
    def get_images(self, creator: Creator) -> list:
        return MediaAssetSerializer(self.context.get("images", []), many=True, context=self.context).data

    @extend_schema_field(BrandPartnerSerializer(many=True))
    def get_brand_partners(self, creator: Creator) -> list:
        partners = self.context.get("brand_partners", [])
        return BrandPartnerSerializer([p.as_dict() for p in partners], many=True).data
