"""Creator-level risk: a creator is as risky as its riskiest vetted account, and says which.

The vetting service stores each account's verdict on its metrics (`fake_risk`, `risk_level`,
`risk_confidence`, `risk_missing`); everything that shows or filters a *creator* — discovery
rows and filters, matching, shortlists, exports, the API — reads it through this module, so a
fraudulent Xiaohongshu account can never hide behind a clean Douyin one.

The rule (docs/scoring.md, "Creator-level risk"):

- accounts with a verdict (low / medium / high: the evidence rule was met) come first; the
  worst of them — highest level, then highest risk, then smallest id — sets the creator's level,
  risk and confidence, and is named;
- a creator none of whose accounts has a verdict is `insufficient` when at least one was
  vetted without enough evidence (`insufficient`, or `unknown` in reports from before the rule),
  and "" (not vetted) otherwise;
- accounts without a verdict next to one with a verdict are listed (`without_verdict`), never
  silently counted as clean.

Pure: reads objects already loaded (no queries).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

VERDICT_LEVELS = ("low", "medium", "high")
# Levels without a verdict: below the evidence rule, or (reports before it) no data at all.
NO_VERDICT_LEVELS = ("insufficient", "unknown")
INSUFFICIENT = "insufficient"
_RANK = {"high": 3, "medium": 2, "low": 1, "insufficient": 0, "unknown": 0}


@dataclass(frozen=True)
class AccountRisk:
    """One account's stored verdict."""

    account_id: int
    platform: str
    handle: str
    level: str  # low / medium / high / insufficient / "" (not vetted); "unknown" is read as insufficient
    risk: float | None
    confidence: float | None
    missing: tuple[str, ...] = ()

    @property
    def has_verdict(self) -> bool:
        return self.level in VERDICT_LEVELS

    def as_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "platform": self.platform,
            "handle": self.handle,
            "level": self.level,
            "fake_risk": self.risk,
            "confidence": self.confidence,
            "missing": list(self.missing),
        }


@dataclass(frozen=True)
class CreatorRisk:
    """The creator's verdict: its worst account's, that account named, and the accounts that
    have no verdict of their own."""

    level: str  # low / medium / high / insufficient / "" (not vetted)
    risk: float | None
    confidence: float | None
    account: AccountRisk | None
    without_verdict: tuple[AccountRisk, ...] = field(default=())

    @property
    def missing(self) -> tuple[str, ...]:
        """What the deciding account's vetting had no data for."""
        return self.account.missing if self.account is not None else ()

    @property
    def has_verdict(self) -> bool:
        return self.level in VERDICT_LEVELS

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "fake_risk": self.risk,
            "confidence": self.confidence,
            "account": None
            if self.account is None
            else {"id": self.account.account_id, "platform": self.account.platform, "handle": self.account.handle},
            "missing": list(self.missing),
            "accounts_without_verdict": [
                {"id": a.account_id, "platform": a.platform, "handle": a.handle, "level": a.level}
                for a in self.without_verdict
            ],
        }


NOT_VETTED = CreatorRisk("", None, None, None)


def creator_risk_from_dict(data: dict[str, Any] | None) -> CreatorRisk:
    """A CreatorRisk back from `CreatorRisk.as_dict()` (e.g. a brand-match row)."""
    if not data:
        return NOT_VETTED
    account = data.get("account")
    named = None
    if account:
        named = AccountRisk(
            int(account["id"]),
            account.get("platform", ""),
            account.get("handle", ""),
            data.get("level", ""),
            data.get("fake_risk"),
            data.get("confidence"),
            tuple(data.get("missing") or ()),
        )
    others = tuple(
        AccountRisk(int(a["id"]), a.get("platform", ""), a.get("handle", ""), a.get("level", ""), None, None)
        for a in data.get("accounts_without_verdict") or ()
    )
    return CreatorRisk(data.get("level", ""), data.get("fake_risk"), data.get("confidence"), named, others)


def account_risk(
    account_id: int,
    platform: str,
    handle: str,
    level: str | None,
    risk: float | None,
    confidence: float | None,
    missing: Iterable[str] | None = None,
) -> AccountRisk:
    """An AccountRisk from stored values (legacy "unknown" becomes "insufficient")."""
    level = (level or "").lower()
    if level == "unknown":
        level = INSUFFICIENT
    return AccountRisk(
        int(account_id),
        platform,
        handle,
        level,
        None if risk is None else float(risk),
        None if confidence is None else float(confidence),
        tuple(str(m) for m in missing or ()),
    )


def account_risk_of(account: Any) -> AccountRisk:
    """The verdict stored on an Account's metrics (loaded with it; none → not vetted)."""
    try:
        metrics = account.metrics
    except ObjectDoesNotExist:  # no metrics row yet
        metrics = None
    if metrics is None:
        return account_risk(account.pk, account.platform, account.handle, "", None, None)
    return account_risk(
        account.pk,
        account.platform,
        account.handle,
        getattr(metrics, "risk_level", ""),
        getattr(metrics, "fake_risk", None),
        getattr(metrics, "risk_confidence", None),
        getattr(metrics, "risk_missing", None),
    )


def creator_risk(accounts: Iterable[AccountRisk]) -> CreatorRisk:
    """The creator's verdict from its accounts' (the module docstring's rule)."""
    accounts = list(accounts)
    vetted = [a for a in accounts if a.level in _RANK]
    if not vetted:
        return NOT_VETTED
    worst = max(vetted, key=lambda a: (_RANK[a.level], -1.0 if a.risk is None else a.risk, -a.account_id))
    others = tuple(a for a in accounts if not a.has_verdict and a is not worst)
    return CreatorRisk(worst.level, worst.risk, worst.confidence, worst, others)


def creator_risk_of(accounts: Iterable[Any]) -> CreatorRisk:
    """The verdict of a creator from its Account objects (metrics loaded with them)."""
    return creator_risk(account_risk_of(a) for a in accounts)
