"""POST /api/briefs/parse/: a brief in plain words → discovery filters and a brand's target
audience (vetting/briefs; offline, nothing stored)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.briefs import BriefParseRequestSerializer, BriefParseSerializer
from api.views.base import OrganizationScopedView
from vetting.services.briefs import brief_parse


class BriefParseView(OrganizationScopedView):
    """Read a brief (Chinese or English): `filters` use the discovery parameters of
    GET /api/creators/, `target_audience` the brand shape; what was not understood is in
    `unknown`."""

    serializer_class = BriefParseRequestSerializer
    member_may_write = True  # reading a brief changes nothing: viewers may do it

    @extend_schema(request=BriefParseRequestSerializer, responses=BriefParseSerializer)
    def post(self, request: Request) -> Response:
        payload = BriefParseRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return Response(brief_parse(text=payload.validated_data["text"]).as_dict())
