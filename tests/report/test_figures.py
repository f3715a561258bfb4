"""The briefing's figures are drawn, as PNG files, whatever they show."""

from __future__ import annotations

from bordersim.report import figures
from bordersim.report.files import key_figure_keys


def _png(path) -> bool:
    return path.stat().st_size > 5000 and path.read_bytes()[:4] == b"\x89PNG"


def test_timeline_recovery_and_key_figures(small_study, tmp_path):
    study, result = small_study
    s = study.scenario
    figures.timeline(s, study.plans, tmp_path / "t.png")
    runs = {label: study.curves(label) for label in result.plans}
    figures.recovery(s, runs, study.baselines(), study.bin_seconds, tmp_path / "r.png")
    keys = key_figure_keys(result)
    assert keys[0] == result.ranked_by and len(keys) == 4
    figures.key_figures(result, keys, tmp_path / "k.png")
    figures.transit_distributions(
        s, study.transit("nothing"), list(s.vehicle_classes()), tmp_path / "d.png"
    )
    assert all(_png(tmp_path / f) for f in ("t.png", "r.png", "k.png", "d.png"))
