"""Continuous vetting: watches and rules (CRUD), the alert inbox (filter, acknowledge, resolve),
notification settings and webhook deliveries, price/reach estimates and sentiment series."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.mixins import ListModelMixin
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import ListParam, QuerySpec
from api.idempotency import idempotent
from api.permissions import IsOrganizationMember
from api.serializers.jobs import JobSerializer
from api.serializers.monitoring import (
    AlertResolveSerializer,
    AlertSerializer,
    DeliverySerializer,
    EstimatesSerializer,
    EvaluationJobSerializer,
    NotificationSettingsSecretSerializer,
    NotificationSettingsSerializer,
    NotificationSettingsUpdateSerializer,
    RuleCreateSerializer,
    RuleSerializer,
    RuleUpdateSerializer,
    SentimentSeriesSerializer,
    WatchSerializer,
    WatchUpdateSerializer,
    WatchWriteSerializer,
    WebhookSecretSerializer,
)
from api.views.base import PATCH_PARSERS, OrganizationScopedView, located, no_store
from core.errors import InputError
from core.models.tenancy import Role
from core.selectors.lookup import get_or_not_found
from influencers.models import Creator
from vetting import monitoring as svc
from vetting.models import Alert, AlertStatus, RuleKind, Severity, Watch, WatchRule, WebhookDelivery
from vetting.monitoring import notifications as notify
from vetting.monitoring.selectors import alert_get, alert_list, delivery_list, rule_get, watch_get, watch_list
from vetting.selectors.brands import brand_get
from vetting.selectors.shortlists import shortlist_get


def _brand(view: OrganizationScopedView, data: dict, key: str = "brand_id"):  # noqa: ANN202
    value = data.get(key)
    return brand_get(organization=view.organization, brand_id=value) if value is not None else None


def _shortlist(view: OrganizationScopedView, data: dict, key: str = "shortlist_id"):  # noqa: ANN202
    value = data.get(key)
    return shortlist_get(organization=view.organization, shortlist_id=value) if value is not None else None


# --- watches and rules ------------------------------------------------------------------------------


class WatchListView(ListModelMixin, OrganizationScopedView):
    """The organisation's watches with their rules; POST creates one (optionally with rules)."""

    serializer_class = WatchSerializer
    queryset = Watch.objects.none()

    def get_queryset(self):  # noqa: ANN201
        return watch_list(organization=self.organization)

    def get(self, request: Request) -> Response:
        return self.list(request)

    @extend_schema(request=WatchWriteSerializer, responses={201: WatchSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        payload = WatchWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        watch = svc.watch_create(
            organization=self.organization,
            name=data["name"],
            brand=_brand(self, data),
            shortlist=_shortlist(self, data),
            creator_ids=data.get("creator_ids", []),
            is_active=data.get("is_active", True),
            rules=[dict(r) for r in data.get("rules", [])],
            user=request.user,
        )
        fresh = watch_get(organization=self.organization, watch_id=watch.pk)
        return located(request, WatchSerializer(fresh).data, to="monitoring:watch-detail", kwargs={"pk": watch.pk})


class WatchDetailView(OrganizationScopedView):
    serializer_class = WatchSerializer
    parser_classes = PATCH_PARSERS

    def get_object(self) -> Watch:
        return watch_get(organization=self.organization, watch_id=self.kwargs["pk"])

    def get(self, request: Request, pk: int) -> Response:
        return Response(WatchSerializer(self.get_object()).data)

    @extend_schema(request=WatchUpdateSerializer, responses={200: WatchSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        watch = self.get_object()
        payload = WatchUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        changes = {k: data[k] for k in ("name", "creator_ids", "is_active") if k in data}
        if "brand_id" in data:
            changes["brand"] = _brand(self, data)
        if "shortlist_id" in data:
            changes["shortlist"] = _shortlist(self, data)
        svc.watch_update(watch=watch, **changes)
        return Response(WatchSerializer(self.get_object()).data)

    def delete(self, request: Request, pk: int) -> Response:
        svc.watch_delete(watch=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class WatchRuleListView(OrganizationScopedView):
    """A watch's rules; POST adds one (params validated, defaults filled in)."""

    serializer_class = RuleSerializer
    pagination_class = None
    queryset = WatchRule.objects.none()  # for the schema; the watch's rules are read in get

    @extend_schema(responses=RuleSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        watch = watch_get(organization=self.organization, watch_id=pk)
        return Response(RuleSerializer(watch.rules.all(), many=True).data)

    @extend_schema(request=RuleCreateSerializer, responses={201: RuleSerializer})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        watch = watch_get(organization=self.organization, watch_id=pk)
        payload = RuleCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        rule = svc.watch_rule_create(watch=watch, **payload.validated_data)
        return located(request, RuleSerializer(rule).data, to="monitoring:rule-detail", kwargs={"pk": rule.pk})


class WatchRuleDetailView(OrganizationScopedView):
    serializer_class = RuleSerializer
    parser_classes = PATCH_PARSERS

    def get(self, request: Request, pk: int) -> Response:
        return Response(RuleSerializer(rule_get(organization=self.organization, rule_id=pk)).data)

    @extend_schema(request=RuleUpdateSerializer, responses={200: RuleSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        rule = rule_get(organization=self.organization, rule_id=pk)
        payload = RuleUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        rule = svc.watch_rule_update(rule=rule, **payload.validated_data)
        return Response(RuleSerializer(rule).data)

    def delete(self, request: Request, pk: int) -> Response:
        svc.watch_rule_delete(rule=rule_get(organization=self.organization, rule_id=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- alert inbox ------------------------------------------------------------------------------------


class AlertListView(ListModelMixin, OrganizationScopedView):
    """The organisation's alert inbox, newest first."""

    serializer_class = AlertSerializer
    queryset = Alert.objects.none()
    query_spec = QuerySpec(
        single=frozenset({"creator", "brand", "watch"}),
        lists={
            "status": ListParam(case="lower", choices=tuple(AlertStatus.values), joined=True),
            "severity": ListParam(case="lower", choices=tuple(Severity.values), joined=True),
            "kind": ListParam(case="lower", choices=tuple(RuleKind.values), joined=True),
        },
    )

    def get_queryset(self):  # noqa: ANN201
        q = self.request.query_params
        return alert_list(
            organization=self.organization,
            status=q.get("status"),
            severity=q.get("severity"),
            kind=q.get("kind"),
            creator_id=q.get("creator"),
            brand_id=q.get("brand"),
            watch_id=q.get("watch"),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, many=True, explode=True, enum=AlertStatus.values),
            OpenApiParameter("severity", str, many=True, explode=True, enum=Severity.values),
            OpenApiParameter("kind", str, many=True, explode=True, enum=RuleKind.values),
            OpenApiParameter("creator", int),
            OpenApiParameter("brand", int),
            OpenApiParameter("watch", int),
        ]
    )
    def get(self, request: Request) -> Response:
        return self.list(request)


class AlertDetailView(OrganizationScopedView):
    serializer_class = AlertSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(AlertSerializer(alert_get(organization=self.organization, alert_id=pk)).data)


class AlertAcknowledgeView(OrganizationScopedView):
    """Mark an open alert acknowledged by the caller, now."""

    serializer_class = AlertSerializer

    @extend_schema(request=None, responses={200: AlertSerializer})
    def post(self, request: Request, pk: int) -> Response:
        alert = alert_get(organization=self.organization, alert_id=pk)
        svc.alert_acknowledge(alert=alert, user=request.user)
        return Response(AlertSerializer(alert_get(organization=self.organization, alert_id=pk)).data)


class AlertResolveView(OrganizationScopedView):
    """Mark an alert resolved by the caller, now, with an optional note."""

    serializer_class = AlertSerializer

    @extend_schema(request=AlertResolveSerializer, responses={200: AlertSerializer})
    def post(self, request: Request, pk: int) -> Response:
        alert = alert_get(organization=self.organization, alert_id=pk)
        payload = AlertResolveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        svc.alert_resolve(alert=alert, user=request.user, note=payload.validated_data["note"])
        return Response(AlertSerializer(alert_get(organization=self.organization, alert_id=pk)).data)


class EvaluateView(OrganizationScopedView):
    """Evaluate the organisation's watches now: 202 with the WATCH job (as every job start answers;
    `job_id` repeats its id for clients of the first release), Location: the job to follow."""

    serializer_class = EvaluationJobSerializer

    @extend_schema(request=None, responses={202: EvaluationJobSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        job = svc.watch_evaluation_enqueue(organization=self.organization, user=request.user)
        body = {**JobSerializer(job, context={"request": request}).data, "job_id": job.pk}
        return located(request, body, to="job-detail", kwargs={"pk": job.pk}, code=status.HTTP_202_ACCEPTED)


# --- notification settings and deliveries -----------------------------------------------------------------


class NotificationSettingsView(OrganizationScopedView):
    """Email and webhook settings of the organisation. The signing secret is never shown here:
    it is returned once when first created (enabling the webhook) and by rotate-secret."""

    serializer_class = NotificationSettingsSerializer
    parser_classes = PATCH_PARSERS

    def get(self, request: Request) -> Response:
        config = notify.notification_settings_get(organization=self.organization)
        return Response(NotificationSettingsSerializer(config).data)

    @extend_schema(request=NotificationSettingsUpdateSerializer, responses={200: NotificationSettingsSecretSerializer})
    def patch(self, request: Request) -> Response:
        payload = NotificationSettingsUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        had_secret = bool(notify.notification_settings_get(organization=self.organization).webhook_secret)
        config = notify.notification_settings_update(
            organization=self.organization, user=request.user, **payload.validated_data
        )
        body = NotificationSettingsSerializer(config).data
        if config.webhook_secret and not had_secret:
            body["webhook_secret"] = config.webhook_secret  # shown once, on creation
            return no_store(Response(body))
        return Response(body)


class WebhookSecretRotateView(OrganizationScopedView):
    """Replace the webhook signing secret and show the new one (once)."""

    serializer_class = WebhookSecretSerializer

    @extend_schema(request=None, responses={200: WebhookSecretSerializer})
    def post(self, request: Request) -> Response:
        config = notify.webhook_secret_rotate(organization=self.organization, user=request.user)
        return no_store(Response({"webhook_secret": config.webhook_secret, "header": notify.SIGNATURE_HEADER}))


class WebhookTestView(OrganizationScopedView):
    """Send a signed `ping` event to the webhook (the delivery appears in deliveries)."""

    serializer_class = DeliverySerializer

    @extend_schema(request=None, responses={202: DeliverySerializer})
    def post(self, request: Request) -> Response:
        delivery = notify.webhook_ping(organization=self.organization)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class DeliveryListView(ListModelMixin, OrganizationScopedView):
    """Webhook deliveries with every attempt (status code, error, retry wait)."""

    serializer_class = DeliverySerializer
    queryset = WebhookDelivery.objects.none()

    def get_queryset(self):  # noqa: ANN201
        return delivery_list(organization=self.organization)

    def get_serializer_context(self) -> dict:
        # What a receiver answered is for owners only (it may echo what the receiver knows).
        return {**super().get_serializer_context(), "show_excerpts": self.membership.role == Role.OWNER}

    def get(self, request: Request) -> Response:
        return self.list(request)


# --- estimates and sentiment (catalogue data: every member reads) ---------------------------------------


def _creator(pk: object) -> Creator:
    return get_or_not_found(Creator.objects.all(), pk, what="creator")


class CreatorEstimatesView(OrganizationScopedView):
    """ESTIMATED reach per post, cost range per post, CPM and CPE of a creator's accounts, from
    the documented rate table (its sources and as-of date are in `rate_table`), each account's
    reach and cost ranges also re-sized by your organisation's campaign outcomes (`track_record`)."""

    serializer_class = EstimatesSerializer
    permission_classes = [IsOrganizationMember]

    def get(self, request: Request, pk: int) -> Response:
        creator = _creator(pk)
        estimates = svc.estimates_for_creator(creator.pk, organization=self.organization)
        return Response(EstimatesSerializer(estimates).data)


class CreatorSentimentView(OrganizationScopedView):
    """A creator's daily comment sentiment with spikes against their own history."""

    serializer_class = SentimentSeriesSerializer
    query_spec = QuerySpec(single=frozenset({"days"}))

    @extend_schema(parameters=[OpenApiParameter("days", int, description="Days back (default 90, at most 730)")])
    def get(self, request: Request, pk: int) -> Response:
        creator = _creator(pk)
        raw = request.query_params.get("days", "90")
        try:
            days = int(raw)
        except ValueError as exc:
            raise InputError("must be a whole number", field="days") from exc
        return Response(SentimentSeriesSerializer(svc.sentiment_series_for_creator(creator=creator, days=days)).data)
