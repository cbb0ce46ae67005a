"""docs/api.md's curl examples run against a live server: each ```sh block is one curl command
answering the status on its `# expect N` line (200 without one) and JSON."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from core.models import Role
from tests.factories import BrandFactory, CreatorFactory, MembershipFactory, OrganizationFactory, ShortlistFactory

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"```sh\n(.*?)```", re.S)


def examples() -> list[tuple[int, str]]:
    found = []
    for block in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        expect = re.search(r"^# expect (\d{3})$", block, re.M)
        command = "\n".join(line for line in block.splitlines() if not line.startswith("#")).strip()
        found.append((int(expect.group(1)) if expect else 200, command))
    return found


def test_the_doc_has_examples_of_each_convention():
    commands = " ".join(command for _, command in examples())
    for needle in ("Idempotency-Key", "updated_since", "accounts/lookup", "audience-overlap", "country=CN&country"):
        assert needle in commands, needle


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_every_curl_example_answers_as_documented(live_server, tmp_path):
    from rest_framework.authtoken.models import Token

    membership = MembershipFactory(organization=OrganizationFactory(name="Docs"), role=Role.EDITOR)
    env = {
        **os.environ,
        "API": f"{live_server.url}/api/v1",
        "TOKEN": Token.objects.create(user=membership.user).key,
        "BRAND": str(BrandFactory(organization=membership.organization).pk),
        "SHORTLIST": str(ShortlistFactory(organization=membership.organization).pk),
        "CREATOR": str(CreatorFactory().pk),
        "CREATOR2": str(CreatorFactory().pk),
    }
    body = tmp_path / "body"
    ran = 0
    for expected, command in examples():
        assert command.startswith("curl "), command
        shell = f"{command} -sS -o {body} -w '%{{http_code}}'"
        result = subprocess.run(["bash", "-c", shell], env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, (command, result.stderr)
        assert result.stdout == str(expected), (command, result.stdout, body.read_text()[:300])
        json.loads(body.read_text())  # every answer, error or not, is JSON
        ran += 1
    assert ran >= 7
