"""An experiment's report as text, in the reader's language: each arm against control."""

from __future__ import annotations

import html

from bot.experiments.rules import ExperimentResult
from bot.i18n import Translator


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def report_text(t: Translator, name: str, result: ExperimentResult) -> str:
    lines = [t("<b>Experiment: {name}</b>").format(name=html.escape(name)), ""]
    for i, arm in enumerate(result.arms):
        line = t("{arm}: {rate} ({successes} of {n}), 95% CI {low}…{high}").format(
            arm=html.escape(arm.arm) + (" " + t("(control)") if i == 0 else ""),
            rate=_pct(arm.rate),
            successes=arm.successes,
            n=arm.n,
            low=_pct(arm.ci_low),
            high=_pct(arm.ci_high),
        )
        if arm.difference is not None:
            line += "\n   " + t("difference from control {diff} (95% CI {low}…{high}), p = {p}").format(
                diff=f"{arm.difference:+.1%}", low=_pct(arm.diff_low), high=_pct(arm.diff_high), p=f"{arm.p_value:.3f}"
            )
        lines.append(line)
    lines.append("")
    lines.append(
        (
            t("Planned size reached: {total} of {planned}.")
            if result.reached_plan
            else t("Planned size not reached yet: {total} of {planned}.")
        ).format(total=result.enrolled, planned=result.planned_size)
    )
    if result.total < result.enrolled:
        lines.append(t("Outcomes counted so far: {n} (those whose 30 days are over).").format(n=result.total))
    if result.stopped_early:
        lines.append(t("⚠️ Stopped early, before the planned size: read these figures with care."))
    return "\n".join(lines)


def started_text(t, experiment_id: int, enrolled: int) -> str:
    return (
        t("Experiment #{id} is running. New people in its segment join it as they come.").format(id=experiment_id)
        + " "
        + t("Joined at once from its segment: {n}.").format(n=enrolled)
    )
