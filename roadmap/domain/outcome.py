"""Quarterly outcomes an IPS program reports: aggregate counts for one agency and quarter, never a person.

The employment rate is clients working in competitive jobs ÷ clients served in the quarter, compared with the
US quarterly benchmarks from the IPS learning community: 31% minimal, 41% average, 50% excellent.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from roadmap.domain.routine import parse_quarter_label, quarter_label

# Counts are of people in one program's caseload; anything larger is a typing error.
MAX_COUNT = 100_000


class Band(StrEnum):
    """Where a quarter's employment rate stands against the benchmarks."""

    BELOW = "below minimal"
    MINIMAL = "minimal"
    AVERAGE = "average"
    EXCELLENT = "excellent"


class EmploymentBenchmarks(BaseModel):
    """A state's quarterly employment-rate benchmarks, in percent (the US learning community's by default)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    minimal: float = Field(default=31, ge=0, le=100)
    average: float = Field(default=41, ge=0, le=100)
    excellent: float = Field(default=50, ge=0, le=100)

    @model_validator(mode="after")
    def _rising(self) -> EmploymentBenchmarks:
        if not self.minimal <= self.average <= self.excellent:
            raise ValueError("benchmarks must rise: minimal <= average <= excellent")
        return self

    def band(self, rate: float) -> Band:
        """The band a rate (percent) falls in."""
        if rate >= self.excellent:
            return Band.EXCELLENT
        if rate >= self.average:
            return Band.AVERAGE
        if rate >= self.minimal:
            return Band.MINIMAL
        return Band.BELOW


class QuarterOutcome(BaseModel):
    """One agency's counts for one calendar quarter; the optional ones are what supervisors also track."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agency: str
    quarter: str
    served: int = Field(ge=0, le=MAX_COUNT)
    working: int = Field(ge=0, le=MAX_COUNT)
    job_starts: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    in_school: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    working_90_days: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    jobs_ended_before_90_days: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    avg_hours: float | None = Field(default=None, ge=0, le=80)
    reported_on: date

    @field_validator("quarter")
    @classmethod
    def _quarter(cls, value: str) -> str:
        return quarter_label(*parse_quarter_label(value))

    @model_validator(mode="after")
    def _consistent(self) -> QuarterOutcome:
        # Counts that contradict each other cannot all be true: refuse rather than store a wrong rate.
        if self.working > self.served:
            raise ValueError(f"--working {self.working} is more than --served {self.served}")
        if self.in_school is not None and self.in_school > self.served:
            raise ValueError(f"--in-school {self.in_school} is more than --served {self.served}")
        if self.working_90_days is not None and self.working_90_days > self.working:
            raise ValueError(f"--working-90-days {self.working_90_days} is more than --working {self.working}")
        if self.avg_hours is not None and self.avg_hours > 0 and self.working == 0:
            raise ValueError("--avg-hours is given but nobody is working")
        return self

    @property
    def rate(self) -> float | None:
        """Working ÷ served, in percent to one decimal; None when nobody was served."""
        return round(100 * self.working / self.served, 1) if self.served else None
