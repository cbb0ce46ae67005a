"""A creator's risk is its worst vetted account's (influencers/risk.py), named; accounts without
enough evidence never make a creator read clean."""

from __future__ import annotations

from influencers.risk import NOT_VETTED, account_risk, creator_risk


def acc(pk: int, level: str, risk: float | None = None, confidence: float | None = 0.8, missing=()):
    return account_risk(pk, "instagram", f"h{pk}", level, risk, confidence, missing)


def test_the_worst_account_with_a_verdict_sets_the_creators_risk_and_is_named():
    douyin = account_risk(391, "douyin", "zimo.makeup", "low", 0.0, 0.77)
    xiaohongshu = account_risk(390, "xiaohongshu", "墨墨酱", "high", 1.0, 0.83, ["images"])
    result = creator_risk([douyin, xiaohongshu])
    assert (result.level, result.risk, result.confidence) == ("high", 1.0, 0.83)
    assert result.account.handle == "墨墨酱" and result.missing == ("images",)
    assert result.without_verdict == ()


def test_an_account_without_enough_evidence_never_outranks_a_verdict_but_is_listed():
    result = creator_risk([acc(1, "insufficient", 0.9, 0.1), acc(2, "low", 0.05)])
    assert result.level == "low" and result.account.account_id == 2
    assert [a.account_id for a in result.without_verdict] == [1]


def test_no_verdict_at_all_is_insufficient_and_unvetted_is_empty():
    assert creator_risk([acc(1, "insufficient", 0.9, 0.1), acc(2, "")]).level == "insufficient"
    assert creator_risk([acc(1, "unknown", None, 0.0)]).level == "insufficient"  # reports before the rule
    assert creator_risk([acc(1, "")]) == NOT_VETTED
    assert creator_risk([]) == NOT_VETTED


def test_ties_go_to_the_higher_risk_then_the_smaller_id():
    assert creator_risk([acc(5, "medium", 0.4), acc(3, "medium", 0.5)]).account.account_id == 3
    assert creator_risk([acc(5, "medium", 0.5), acc(3, "medium", 0.5)]).account.account_id == 3
