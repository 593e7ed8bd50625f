"""Customer status, computed from the days since the last purchase as of a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from salesfunnel.errors import BadValue


class CustomerStatus(StrEnum):
    ACTIVE = "active"
    PRE_INACTIVE = "pre-inactive"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class StatusThresholds:
    """Days since the last purchase at which a customer is no longer active / pre-inactive."""

    pre_inactive_days: int = 90
    inactive_days: int = 180

    def __post_init__(self) -> None:
        if not 0 < self.pre_inactive_days < self.inactive_days:
            raise BadValue(
                "customer.pre_inactive_days must be positive and below customer.inactive_days "
                f"(now {self.pre_inactive_days} and {self.inactive_days})"
            )


def customer_status_as_of(
    last_purchase: date,
    as_of: date,
    thresholds: StatusThresholds,
    churned_on: date | None = None,
) -> CustomerStatus:
    """Active up to ``pre_inactive_days``, pre-inactive up to ``inactive_days``, then inactive.

    A churn (contract broken) makes the customer inactive from that day, unless
    they bought again after it.  A purchase dated after ``as_of`` is not known yet,
    so the caller passes the last purchase on or before ``as_of``.
    """
    if churned_on is not None and churned_on <= as_of and churned_on >= last_purchase:
        return CustomerStatus.INACTIVE
    days = (as_of - last_purchase).days
    if days <= thresholds.pre_inactive_days:
        return CustomerStatus.ACTIVE
    if days <= thresholds.inactive_days:
        return CustomerStatus.PRE_INACTIVE
    return CustomerStatus.INACTIVE
