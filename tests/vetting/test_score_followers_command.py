"""`manage.py score_followers INPUT.csv --output OUT.csv`."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.management import CommandError, call_command

# The command looks up the catalogue's calibration of the scorer in the database.
pytestmark = pytest.mark.django_db

SUMMARY = re.compile(r"^estimated fake share: \d+\.\d% \(95% interval \d+\.\d–\d+\.\d%, n=\d+\)$")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("score_followers", *args, stdout=out)
    return out.getvalue()


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def read_rows(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_scores_rows_in_input_order_and_keeps_extra_columns(tmp_path):
    lines = ["note,username,followers_count,following_count,media_count,has_profile_pic"]
    for i in range(30):
        if i % 3 == 0:
            lines.append(f"bot{i},kx{i}9938271,{i % 7},{2500 + i},0,false")
        else:
            lines.append(f"person{i},anna.meier{i},{300 + i},{280 + i},{40 + i},true")
    src = write(tmp_path / "in.csv", "\n".join(lines) + "\n")
    out = tmp_path / "out.csv"
    stdout = run(str(src), "--output", str(out))
    rows = read_rows(out)
    assert [r["note"] for r in rows] == [line.split(",")[0] for line in lines[1:]]
    assert list(rows[0].keys())[-2:] == ["fake_probability", "reasons"]
    for r in rows:
        p = float(r["fake_probability"])
        assert 0.0 <= p <= 1.0
        if r["note"].startswith("bot"):
            assert p > 0.9 and "no profile picture" in r["reasons"]
        else:
            assert p < 0.2
    last = stdout.strip().splitlines()[-1]
    assert SUMMARY.match(last), last
    share = float(last.split(": ")[1].split("%")[0])
    assert 25.0 <= share <= 45.0  # 10 of 30 are bots
    assert last.endswith("n=30)")


def test_missing_values_and_subset_of_columns_are_allowed(tmp_path):
    src = write(
        tmp_path / "in.csv",
        "username;media_count;is_private\nsomeone;;\nother;12;yes\n",
    )
    out = tmp_path / "out.csv"
    stdout = run(str(src), "--output", str(out))
    rows = read_rows(out)
    assert len(rows) == 2 and rows[0]["username"] == "someone"
    assert "unknown:" in rows[0]["reasons"]
    assert SUMMARY.match(stdout.strip().splitlines()[-1])


def test_bad_count_names_file_line_and_field_and_writes_nothing(tmp_path):
    src = write(tmp_path / "in.csv", "username,followers_count\nok,10\nbad,ten\n")
    out = tmp_path / "out.csv"
    with pytest.raises(CommandError) as excinfo:
        run(str(src), "--output", str(out))
    message = str(excinfo.value)
    assert str(src) in message and "line 3" in message and "followers_count" in message
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [src]  # no temporary file left behind


def test_bad_boolean_and_negative_count_are_rejected(tmp_path):
    src = write(tmp_path / "in.csv", "username,has_profile_pic\nok,maybe\n")
    with pytest.raises(CommandError, match="has_profile_pic"):
        run(str(src), "--output", str(tmp_path / "o.csv"))
    src = write(tmp_path / "in2.csv", "username,media_count\nok,-3\n")
    with pytest.raises(CommandError, match="media_count"):
        run(str(src), "--output", str(tmp_path / "o.csv"))


def test_header_without_known_columns_is_rejected(tmp_path):
    src = write(tmp_path / "in.csv", "name,age\nx,3\n")
    with pytest.raises(CommandError, match="no recognised column"):
        run(str(src), "--output", str(tmp_path / "o.csv"))


def test_missing_input_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(str(tmp_path / "nope.csv"), "--output", str(tmp_path / "o.csv"))


def test_existing_output_is_kept_when_input_is_bad(tmp_path):
    out = write(tmp_path / "out.csv", "previous result\n")
    src = write(tmp_path / "in.csv", "username,followers_count\nx,1,2,3\n")
    with pytest.raises(CommandError, match="line 2"):
        run(str(src), "--output", str(out))
    assert out.read_text() == "previous result\n"


def test_counts_with_separators_and_suffixes(tmp_path):
    src = write(tmp_path / "in.csv", 'username,followers_count,following_count\nx,"1,200",1.5k\n')
    out = tmp_path / "out.csv"
    run(str(src), "--output", str(out))
    assert read_rows(out)[0]["followers_count"] == "1,200"  # input values are passed through as written
