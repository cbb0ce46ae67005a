"""GET /api/shortlists/{id}/overlap/: how much the audiences of a shortlist's creators overlap,
and their unique reach, with intervals (vetting.scoring.overlap states the method)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.views.base import OrganizationScopedView
from vetting.selectors.shortlists import shortlist_get
from vetting.services.overlap import shortlist_overlap


class ShortlistOverlapView(OrganizationScopedView):
    """Pairwise overlap (share of the smaller audience, 95% interval, what the samples showed)
    and unique reach of the shortlist's creators; creators without a follower sample are listed
    in `unknown`. 404 for another organisation's shortlist."""

    serializer_class = serializers.Serializer  # read-only; the answer is documented below

    @extend_schema(
        responses=OpenApiResponse(
            description="{method, level, creators: [...], pairs: [{a, b, platform, accounts, overlap_share, interval, "
            "shared_in_sample, sample_sizes, followers, shared_followers, detectable_share, informative}], "
            "unique_reach: {estimate, interval, followers_total, accounts_counted, followers_not_counted, "
            "by_platform}, unknown: [{creator, display_name, reason}]}"
        )
    )
    def get(self, request: Request, pk: int) -> Response:
        shortlist = shortlist_get(organization=self.organization, shortlist_id=pk)
        return Response(shortlist_overlap(shortlist=shortlist))
