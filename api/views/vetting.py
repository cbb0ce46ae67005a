"""Re-run vetting: POST /api/vetting/runs/ queues a SCORE job for accounts, creators or the
whole catalogue (catalogue editors only) and answers 202 with the job to follow."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.idempotency import idempotent
from api.serializers.jobs import JobSerializer
from api.views.base import OrganizationScopedView, job_accepted
from vetting.services.reports import MAX_IDS, vetting_run_submit


def _ids() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False, min_length=1, max_length=MAX_IDS
    )


class VettingRunSerializer(serializers.Serializer):
    """Exactly one of `accounts`, `creators` or `all`."""

    accounts = _ids()
    creators = _ids()
    all = serializers.BooleanField(
        required=False, default=False, help_text="Every account (editors of the catalogue admin organisation only)"
    )

    def validate(self, attrs: dict) -> dict:
        given = [name for name in ("accounts", "creators") if name in attrs] + (["all"] if attrs.get("all") else [])
        if len(given) != 1:
            raise serializers.ValidationError({"accounts": "give exactly one of: accounts, creators, all (true)"})
        return attrs


class VettingRunView(OrganizationScopedView):
    """Re-run the vetting of some accounts, of some creators' accounts, or of every account
    (catalogue editors only), as a SCORE job; follow it at /api/jobs/{id}/. Writers only."""

    serializer_class = VettingRunSerializer

    @extend_schema(request=VettingRunSerializer, responses={202: JobSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        payload = VettingRunSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        membership = self.membership
        job = vetting_run_submit(
            account_ids=data.get("accounts"),
            creator_ids=data.get("creators"),
            all_accounts=bool(data.get("all")),
            may_vet_catalogue=membership.can_write and membership.organization.is_catalogue_admin,
            organization=self.organization,
            user=request.user,
        )
        return job_accepted(request, job)
