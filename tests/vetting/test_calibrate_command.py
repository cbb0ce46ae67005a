"""`calibrate_follower_scorer` and `score_followers --calibration`: a named calibration is stored
with its figures, becomes the catalogue's when activated by the admin organisation, and a file
that cannot support one is refused with nothing stored."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.factories import AccountFactory, FollowerSampleFactory, OrganizationFactory
from vetting.models import FollowerScorerCalibration
from vetting.scoring import synthetic
from vetting.scoring.followers import FIELDS
from vetting.selectors.calibrations import catalogue_follower_calibration
from vetting.services.reports import vet_accounts

pytestmark = pytest.mark.django_db


def write_labelled(path: Path, n: int, share: float, seed: int, *, label=None) -> Path:
    data = synthetic.generate(n, fake_share=share, seed=seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*FIELDS, "is_fake"])
        for i in range(n):
            row = [getattr(data, name)[i] for name in FIELDS]
            writer.writerow(
                [
                    *(str(v).lower() if isinstance(v, bool) else v for v in row),
                    label or str(bool(data.is_fake[i])).lower(),
                ]
            )
    return path


@pytest.fixture
def admin_org(settings):
    return OrganizationFactory(name=settings.ADMIN_ORGANIZATION_NAME)


def test_an_activated_admin_calibration_is_what_the_catalogue_vetting_uses(tmp_path, admin_org, capsys):
    path = write_labelled(tmp_path / "labels.csv", 500, 0.3, seed=31)
    assert catalogue_follower_calibration().name == "default"
    call_command("calibrate_follower_scorer", str(path), "--name", "in-house 2026", "--activate")
    out = capsys.readouterr().out
    assert "cross-validated" in out and "ROC AUC" in out
    record = FollowerScorerCalibration.objects.get(organization=admin_org, name="in-house 2026")
    assert (record.rows, record.active, record.source_name) == (500, True, "labels.csv")
    assert 0.5 < record.cv_roc_auc <= 1.0
    assert catalogue_follower_calibration().name == "in-house 2026"
    account = AccountFactory()
    for i in range(40):
        FollowerSampleFactory(account=account, username=f"person{i}", followers_count=300, following_count=280)
    vet_accounts([account.pk])
    account.metrics.refresh_from_db()
    assert account.metrics.vetting["audience_quality"]["calibration"] == "in-house 2026"


def test_an_inactive_or_other_organisations_calibration_leaves_the_catalogue_alone(tmp_path, admin_org):
    other = OrganizationFactory(name="Agency")
    path = write_labelled(tmp_path / "labels.csv", 300, 0.4, seed=32)
    call_command("calibrate_follower_scorer", str(path), "--name", "theirs", "--org", "Agency", "--activate")
    call_command("calibrate_follower_scorer", str(path), "--name", "ours")
    assert FollowerScorerCalibration.objects.get(name="theirs").organization == other
    assert catalogue_follower_calibration().name == "default"


def test_a_one_class_file_is_refused_and_nothing_is_stored(tmp_path, admin_org):
    path = write_labelled(tmp_path / "fakes.csv", 200, 0.5, seed=33, label="true")
    with pytest.raises(CommandError, match="every labelled account is fake"):
        call_command("calibrate_follower_scorer", str(path), "--name", "bad")
    assert not FollowerScorerCalibration.objects.exists()


def test_a_bad_label_names_the_line_and_field(tmp_path, admin_org):
    path = write_labelled(tmp_path / "labels.csv", 150, 0.4, seed=34)
    lines = path.read_text().splitlines()
    lines[5] = lines[5].rsplit(",", 1)[0] + ",maybe"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError) as caught:
        call_command("calibrate_follower_scorer", str(path), "--name", "bad")
    assert "line 6" in str(caught.value) and "is_fake" in str(caught.value)
    assert not FollowerScorerCalibration.objects.exists()


def test_score_followers_uses_a_named_calibration_and_says_which(tmp_path, admin_org, capsys):
    labels = write_labelled(tmp_path / "labels.csv", 400, 0.3, seed=35)
    call_command("calibrate_follower_scorer", str(labels), "--name", "mine")
    sample = write_labelled(tmp_path / "sample.csv", 120, 0.2, seed=36)
    call_command("score_followers", str(sample), "--output", str(tmp_path / "out.csv"), "--calibration", "mine")
    assert "calibration: mine" in capsys.readouterr().out
    call_command("score_followers", str(sample), "--output", str(tmp_path / "out2.csv"))
    assert "calibration: default" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no follower-scorer calibration named 'nope'"):
        call_command("score_followers", str(sample), "--output", str(tmp_path / "out3.csv"), "--calibration", "nope")
