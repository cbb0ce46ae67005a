"""Organisation-private notes on creators: /api/notes/ (`?creator=ID`) and /api/notes/{id}/."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.mixins import ListModelMixin
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import QuerySpec
from api.idempotency import idempotent
from api.serializers.notes import NoteSerializer, NoteUpdateSerializer
from api.views.base import PATCH_PARSERS, OrganizationScopedView, located
from core.errors import InputError
from influencers.models import Creator
from vetting.models import CreatorNote
from vetting.selectors.notes import note_get, note_list
from vetting.services.notes import note_create, note_delete, note_update


class NoteListView(ListModelMixin, OrganizationScopedView):
    """The organisation's notes on creators (`?creator=ID` for one creator's); POST adds one."""

    query_spec = QuerySpec(single=frozenset({"creator"}))

    serializer_class = NoteSerializer
    queryset = CreatorNote.objects.none()  # for the schema; get_queryset scopes to the organisation

    def get_queryset(self):  # noqa: ANN201
        creator_param = self.request.query_params.get("creator")
        creator_id = None
        if creator_param not in (None, ""):
            try:
                creator_id = int(creator_param)
            except ValueError as exc:
                raise InputError("not a valid id", field="creator") from exc
            if not 0 < creator_id < 2**63:
                raise InputError("not a valid id", field="creator")
        return note_list(organization=self.organization, creator_id=creator_id)

    @extend_schema(parameters=[OpenApiParameter("creator", int, description="Only notes on this creator")])
    def get(self, request: Request) -> Response:
        return self.list(request)

    @extend_schema(responses={201: NoteSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        creator = Creator.objects.filter(pk=payload.validated_data["creator_id"]).first()
        if creator is None:
            raise InputError("no creator with this id", field="creator")
        note = note_create(
            organization=self.organization, creator=creator, text=payload.validated_data["text"], user=request.user
        )
        return located(request, self.get_serializer(note).data, to="note-detail", kwargs={"pk": note.pk})


class NoteDetailView(OrganizationScopedView):
    serializer_class = NoteSerializer
    parser_classes = PATCH_PARSERS

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(note_get(organization=self.organization, note_id=pk)).data)

    @extend_schema(request=NoteUpdateSerializer, responses=NoteSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        note = note_get(organization=self.organization, note_id=pk)
        payload = NoteUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return Response(self.get_serializer(note_update(note=note, text=payload.validated_data["text"])).data)

    def delete(self, request: Request, pk: int) -> Response:
        note_delete(note=note_get(organization=self.organization, note_id=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
