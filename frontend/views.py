"""Thin views: read via selectors, render templates."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from influencers.models import Creator


@login_required
def discovery(request: HttpRequest) -> HttpResponse:
    creators = Creator.objects.prefetch_related("accounts")[:50]
    return render(request, "frontend/discovery.html", {"creators": creators})
