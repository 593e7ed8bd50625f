"""Pipeline stages: ordered, each with the probability a deal in it is won."""

from __future__ import annotations

from dataclasses import dataclass

from salesfunnel.errors import BadValue

DEFAULT_STAGES = "qualification:10,meeting:25,proposal:50,negotiation:75"
WON_PROBABILITY = 100
LOST_PROBABILITY = 0


@dataclass(frozen=True)
class PipelineStage:
    name: str
    probability: int


def parse_stages(setting: str) -> list[PipelineStage]:
    """Read the ``pipeline.stages`` setting: ``name:probability`` pairs, in order."""
    stages: list[PipelineStage] = []
    for chunk in setting.split(","):
        name, sep, prob = chunk.strip().partition(":")
        name = name.strip().lower()
        if not name or not sep:
            raise BadValue(f"{chunk.strip()!r} is not name:probability (e.g. {DEFAULT_STAGES})")
        stages.append(PipelineStage(name, validate_probability(prob.strip())))
    if len({s.name for s in stages}) != len(stages):
        raise BadValue("a stage name appears twice")
    return stages


def validate_probability(value: str | int) -> int:
    """Open deals carry 0-99 %: 100 means won, and only winning says that."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadValue(f"probability {value!r} is not a whole number from 0 to 99") from None
    if not 0 <= number <= 99:
        raise BadValue(f"probability {number} is out of range: use 0 to 99")
    return number


def find_stage(stages: list[PipelineStage], name: str) -> PipelineStage:
    for stage in stages:
        if stage.name == name.strip().lower():
            return stage
    names = ", ".join(s.name for s in stages)
    raise BadValue(f"unknown stage {name!r}; the stages are: {names}")


def probability_after_move(current: int, manual: bool, new_stage: PipelineStage) -> int:
    """A probability set by hand sticks when the stage moves; else the stage's default."""
    return current if manual else new_stage.probability


def weighted(value: float, probability: int) -> float:
    return round(value * probability / 100, 2)
