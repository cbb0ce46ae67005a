"""What every organisation-scoped view shares: the permission, the caller's organisation, the
parsers of PATCH endpoints, and the answers to creates (201 with Location)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import QuerySpec
from api.links import api_url
from api.parsers import StrictJSONParser
from api.permissions import IsOrganizationMember, request_membership
from api.serializers.jobs import JobSerializer
from core.models import Job, Membership, Organization

# PATCH bodies are documented as JSON; HTML-form clients may still send them urlencoded or as
# multipart. Partial serializers make either change only the fields that were sent.
PATCH_PARSERS = [StrictJSONParser, FormParser, MultiPartParser]
# Upload endpoints: multipart (documented), urlencoded for fields without files.
UPLOAD_PARSERS = [MultiPartParser, FormParser]


class OrganizationScopedView(GenericAPIView):
    """A view acting for the caller's organisation (X-Organization header or first membership).
    Reads need membership, writes the editor or owner role."""

    permission_classes = [IsOrganizationMember]
    # The query parameters this view reads (api/filters.py); any other is a 400.
    query_spec = QuerySpec()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # After authentication: a stranger learns nothing about parameters. Filters, paginators
        # and cache keys then all read the one normal form.
        request._request.GET = self.query_spec.normalise(request.query_params)

    @cached_property
    def membership(self) -> Membership:
        return request_membership(self.request)

    @property
    def organization(self) -> Organization:
        return self.membership.organization


def located(
    request: Request, data: Any, *, to: str, kwargs: dict[str, Any], code: int = status.HTTP_201_CREATED
) -> Response:
    """A 201 (or 202) answer with `Location`: the URL of what was created (or of the job to follow)."""
    response = Response(data, status=code)
    response["Location"] = api_url(to, kwargs=kwargs, request=request)
    return response


def job_accepted(request: Request, job: Job) -> Response:
    """A 202 answering a started job: the Job, with `Location` the URL to follow it at."""
    data = JobSerializer(job, context={"request": request}).data
    return located(request, data, to="job-detail", kwargs={"pk": job.pk}, code=status.HTTP_202_ACCEPTED)


def no_store(response: Response) -> Response:
    """A secret-bearing answer: no cache anywhere keeps it (and it is not compressed)."""
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response
