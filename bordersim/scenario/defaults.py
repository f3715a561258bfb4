"""Calibrated defaults, so that a short scenario works: vehicle classes, secondary
inspection, diversion compliance and how often waits are posted.

Each figure says where it comes from (published, or an assumption); docs/scenario.md
lists the sources.
"""

from __future__ import annotations

from typing import Any

from .fields import ServiceTime, VehicleClass


def _st(**kw: Any) -> ServiceTime:
    return ServiceTime.model_validate(kw)


DEFAULT_CLASSES: dict[str, VehicleClass] = {
    # Car primary 54 s rising to ~75 s (Truck News, Peace Bridge); 60 s taken, cv assumed.
    # Passenger referral is not published: 2% is an assumption.
    "car": VehicleClass(
        mode="passenger", tier=3, length=7.0, service=_st(mean="60s", cv=0.5), referral=0.02
    ),
    # NEXUS/Ready: about 15 s faster per vehicle (KGUN9 2011); 45 s taken. Referral assumed.
    "car_nexus": VehicleClass(
        mode="passenger", tier=2, length=7.0, service=_st(mean="45s", cv=0.5), referral=0.01
    ),
    # Truck primary 120 s at best at the Ambassador Bridge (Truck News); referral
    # 19 of 1,085 crossings, ~1.75% (MTRI 2014).
    "truck": VehicleClass(
        mode="commercial", tier=3, length=20.0, service=_st(mean="120s", cv=0.5), referral=0.0175
    ),
    # FAST: 1-1.5 min average (MTRI 2014); 90 s taken. Referral assumed half of trucks'.
    "truck_fast": VehicleClass(
        mode="commercial", tier=2, length=20.0, service=_st(mean="90s", cv=0.5), referral=0.009
    ),
    # National priority (relief supplies, responders): tier 1 (CBP resumption tiers).
    # Service time and length are assumptions.
    "priority": VehicleClass(
        mode="commercial", tier=1, length=15.0, service=_st(mean="60s", cv=0.5), referral=0.0
    ),
}

# A class the file adds (not one of the defaults) must set these.
REQUIRED_FOR_NEW = ("mode", "tier", "length", "service", "referral")

# Secondary inspection time: not published; 20 min with cv 0.8 is an assumption.
DEFAULT_SECONDARY_SERVICE = _st(mean="20min", cv=0.8)

# Share of drivers who act on a diversion, by how they are told: assumptions after the
# FHWA Alternate Route Handbook's point that the kind of message changes compliance.
DEFAULT_COMPLIANCE = {"mandatory": 0.9, "voluntary": 0.6, "information": 0.25}

# Waits posted hourly unless a scenario says otherwise (an assumption; in September 2001
# estimates were posted every 4 hours).
DEFAULT_UPDATE_EVERY = 3600.0
