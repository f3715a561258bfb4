"""The building blocks of the schema: field types, the strict base model, service-time
distributions and vehicle classes.

Durations are read as people write them (``90s``, ``45min``, ``2d 06:00``) and held in
seconds; lengths (``7m``, ``2.5km``) in metres.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from ..units import (
    DURATION_HELP,
    LENGTH_HELP,
    WHEN_HELP,
    parse_duration,
    parse_length,
    parse_when,
)
from .errors import UnknownKey

# In the JSON Schema (for editors), durations and lengths are text such as 90s or 2.5km.
# ``format`` names the kind of text (editors ignore formats they do not know; the reference
# reads it); a field's own description, from its docstring, says what it is for.
_DURATION_SCHEMA = WithJsonSchema(
    {
        "anyOf": [
            {
                "type": "string",
                "format": "duration",
                "pattern": r"^\s*(\d+\s*d(ays?)?\s+)?[0-9a-z.: ]+$",
                "description": DURATION_HELP,
            },
            {"const": 0},
        ],
    }
)
_LENGTH_SCHEMA = WithJsonSchema({"type": "string", "format": "length", "description": LENGTH_HELP})
Duration = Annotated[float, BeforeValidator(parse_duration), Field(ge=0), _DURATION_SCHEMA]


def _when(value: Any, info: ValidationInfo) -> float:
    """A time of the run, resolved against the scenario's start (the validation context
    the loader gives: ``{"start": datetime | None}``)."""
    return parse_when(value, (info.context or {}).get("start"))


# When an event or action starts or ends: from the start, on the calendar or a weekday.
When = Annotated[
    float,
    BeforeValidator(_when),
    Field(ge=0),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "time-of-run", "description": WHEN_HELP},
                {"const": 0},
            ]
        }
    ),
]
PositiveDuration = Annotated[float, BeforeValidator(parse_duration), Field(gt=0), _DURATION_SCHEMA]
Length = Annotated[float, BeforeValidator(parse_length), Field(gt=0), _LENGTH_SCHEMA]
Share = Annotated[float, Field(ge=0, le=1)]
Name = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")]


class StrictModel(BaseModel):
    """Strict base: unknown keys are errors, with the closest valid key suggested."""

    # A docstring under each field is its description: in the JSON Schema editors show
    # and in docs/reference.md (one text for both). They are read for the schema only
    # (schema.json_schema): pydantic's use_attribute_docstrings reads them as each class
    # is made, by parsing its module's source, which cost every command 65 ms.
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        allow_inf_nan=False,
    )

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            names = {f.alias or name: name for name, f in cls.model_fields.items()}
            for key in data:
                if key not in names:
                    raise UnknownKey(key, sorted(names))
        return data


class ServiceTime(StrictModel):
    """A service-time distribution.

    ``{mean: 60s, cv: 0.5}`` is lognormal; ``{mean: 60s}`` exponential;
    ``{dist: fixed, mean: 60s}`` fixed; ``{dist: empirical, values: [40s, 55s, 90s]}``
    draws uniformly from the list.
    """

    dist: Literal["exponential", "lognormal", "fixed", "empirical"] | None = None
    """exponential, lognormal, fixed or empirical; lognormal when cv is given, else exponential."""
    mean: PositiveDuration | None = None
    """Mean time (e.g. 60s)."""
    cv: Annotated[float, Field(gt=0, le=10)] | None = None  # above 10 means nothing here
    """Coefficient of variation (standard deviation / mean) of a lognormal."""
    values: Annotated[list[Duration], Field(min_length=1)] | None = None
    """Observed times to draw from uniformly (empirical)."""

    @model_validator(mode="after")
    def _consistent(self) -> ServiceTime:
        kind = self.kind
        if kind == "empirical":
            if self.values is None:
                raise ValueError("an empirical distribution needs 'values': a list of durations")
            if self.mean is not None or self.cv is not None:
                raise ValueError("an empirical distribution takes 'values' only, not mean or cv")
            if max(self.values) <= 0:
                raise ValueError("empirical 'values' must not all be zero")
            return self
        if self.values is not None:
            raise ValueError(f"'values' belongs to dist: empirical, not {kind}")
        if self.mean is None:
            raise ValueError(f"a {kind} distribution needs 'mean'")
        if kind == "lognormal" and self.cv is None:
            raise ValueError("a lognormal distribution needs 'cv' (coefficient of variation)")
        if kind in ("exponential", "fixed") and self.cv is not None:
            raise ValueError(f"'cv' does not apply to a {kind} distribution")
        return self

    @property
    def kind(self) -> str:
        if self.dist:
            return self.dist
        if self.values is not None:
            return "empirical"
        return "lognormal" if self.cv is not None else "exponential"

    @property
    def mean_seconds(self) -> float:
        if self.kind == "empirical":
            assert self.values is not None
            return sum(self.values) / len(self.values)
        assert self.mean is not None
        return self.mean


class ClassSpec(StrictModel):
    """A vehicle class as written in the file; unset fields come from the defaults."""

    mode: Literal["passenger", "commercial"] | None = None
    """passenger or commercial."""
    tier: Annotated[int, Field(ge=1, le=3)] | None = None
    """Resumption tier: 1 national priority, 2 trusted (NEXUS, FAST), 3 everyone else."""
    length: Length | None = None
    """Queue length one vehicle takes (e.g. 7m for a car, 20m for a truck)."""
    service: ServiceTime | None = None
    """Primary inspection time, unless a plaza sets its own."""
    referral: Share | None = None
    """Share sent to secondary inspection, unless a plaza's secondary sets its own."""
    value_of_time: Annotated[float, Field(ge=0)] | None = None
    """Money per vehicle-hour of delay, in the scenario's currency: costs the excess delay."""
    patience: ServiceTime | None = None
    """How long a driver waits before giving up (a distribution); never, if unset."""


class VehicleClass(BaseModel):
    """A resolved vehicle class: every field set."""

    model_config = ConfigDict(frozen=True)
    mode: Literal["passenger", "commercial"]
    tier: int
    length: float  # metres of queue per vehicle
    service: ServiceTime  # primary inspection, unless a plaza sets its own
    referral: float  # share sent to secondary, unless a plaza sets its own
    value_of_time: float | None = None  # money per vehicle-hour of delay
    patience: ServiceTime | None = None  # a driver who has waited longer gives up
