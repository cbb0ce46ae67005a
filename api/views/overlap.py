"""Audience overlap (vetting.scoring.overlap states the method): of a shortlist's creators, GET
/api/v1/shortlists/{id}/overlap/, and of any list of creators, POST /api/v1/audience-overlap."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.overlap import OverlapRequestSerializer, OverlapSerializer
from api.views.base import OrganizationScopedView
from core.errors import NotFound
from influencers.models import Creator
from vetting.selectors.shortlists import shortlist_get
from vetting.services.overlap import creators_overlap, shortlist_overlap


class ShortlistOverlapView(OrganizationScopedView):
    """Pairwise overlap (share of the smaller audience, 95% interval, what the samples showed)
    and unique reach of the shortlist's creators; creators without a follower sample are listed
    in `unknown`. 404 for another organisation's shortlist."""

    serializer_class = OverlapSerializer

    def get(self, request: Request, pk: int) -> Response:
        shortlist = shortlist_get(organization=self.organization, shortlist_id=pk)
        return Response(shortlist_overlap(shortlist=shortlist))


class AudienceOverlapView(OrganizationScopedView):
    """The same estimate for any 2-50 creators of the catalogue (`creator_ids`, in the order
    wanted); an unknown id is a 404 naming it. Changes nothing: viewers may ask."""

    serializer_class = OverlapRequestSerializer
    member_may_write = True

    @extend_schema(request=OverlapRequestSerializer, responses={200: OverlapSerializer})
    def post(self, request: Request) -> Response:
        payload = OverlapRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(payload.validated_data["creator_ids"]))
        found = set(Creator.objects.filter(pk__in=ids).values_list("pk", flat=True))
        missing = [creator_id for creator_id in ids if creator_id not in found]
        if missing:
            raise NotFound(f"creator {missing[0]} not found", field="creator_ids")
        return Response(creators_overlap(creator_ids=ids))
