"""Insights as text and JSON, and an experiment's Markdown report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sleepplan.core.visible import visible
from sleepplan.output import DISCLAIMER

if TYPE_CHECKING:
    from sleepplan.core.experiment_analysis import Analysis
    from sleepplan.core.experiments import ExperimentPlan, Progress
    from sleepplan.core.insights import Effect
    from sleepplan.core.objective import ObjectiveNight
    from sleepplan.core.stage_effects import StageEffect

METHOD_WORDS = {"nightly": "nights with vs without", "before_after": "weeks without vs on"}


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f}"


def _interval(ci: tuple[float, float] | None) -> str:
    return "" if ci is None else f"[{ci[0]:+.1f}, {ci[1]:+.1f}]"


def insights_json(
    effects: list[Effect], stage_effects: list[StageEffect] | None = None
) -> dict[str, Any]:
    """``sleepplan insights --json`` (design §10), with the tracker's stage effects (§15)."""
    return {
        "compounds": [
            {
                "compound": e.compound,
                "domain": e.domain,
                "method": e.method,
                "nights_with": e.nights_with,
                "nights_without": e.nights_without,
                "mean_diff": e.mean_diff,
                "ci95": list(e.ci95) if e.ci95 else None,
                "verdict": e.verdict,
                "next_morning_diff": e.next_morning_diff,
                "next_morning_ci95": list(e.next_morning_ci95) if e.next_morning_ci95 else None,
                "hint": e.hint,
            }
            for e in effects
        ],
        "stage_effects": [
            {
                "compound": e.compound,
                "stage": e.stage,
                "measure": e.measure,
                "diff_min": e.diff_min,
                "ci95": list(e.ci95) if e.ci95 else None,
                "share_diff_pct": e.share_diff_pct,
                "nights_with": e.nights_with,
                "nights_without": e.nights_without,
                "verdict": e.verdict,
                "hint": e.hint,
            }
            for e in stage_effects or []
        ],
        "disclaimer": DISCLAIMER,
    }


def insights_text(
    effects: list[Effect],
    names: dict[str, str],
    stage_effects: list[StageEffect] | None = None,
) -> str:
    """A table: each compound's difference on its domain, the 95% interval, the verdict.

    A compound that targets several stages has a row per domain. Below the table, what would
    answer each open verdict, in the words History uses; then, given ``stage_effects``, the
    "Objective (your tracker)" section.
    """
    from sleepplan.core.insights import VERDICT_WORDS, effect_titles, verdict_words

    if not effects:
        return "No doses recorded yet: insights need check-ins with what you took."
    lines = [
        f"{'compound':<22} {'domain':<12} {'difference':>10} {'95% interval':<16} "
        f"{'verdict':<22} {'next morning':>12}  nights (with/without)",
    ]
    for e in effects:
        lines.append(
            f"{visible(names.get(e.compound, e.compound))[:22]:<22} {e.domain:<12} "
            f"{_signed(e.mean_diff):>10} {_interval(e.ci95):<16} "
            f"{VERDICT_WORDS[e.verdict]:<22} {_signed(e.next_morning_diff):>12}  "
            f"{e.nights_with}/{e.nights_without} ({METHOD_WORDS[e.method]})"
        )
    still_open = [
        f"  {visible(title)} — {verdict_words(e)}"
        for title, e in zip(effect_titles(effects, names), effects, strict=True)
        if e.hint
    ]
    if still_open:
        lines += ["", "What would answer the open ones:", *still_open]
    lines += [
        "",
        "Differences are in score points (0–100): with the compound minus without. A verdict "
        "needs the 95% interval to exclude zero and at least 3 nights each way (two weeks for "
        "compounds that work over weeks, without them and on them). This compares "
        "your nights; it does not prove cause — a randomised experiment can "
        "(`sleepplan experiment new`).",
    ]
    if stage_effects is not None:
        lines += ["", *objective_lines(stage_effects, names)]
    lines.append(DISCLAIMER)
    return "\n".join(lines)


def objective_lines(stage_effects: list[StageEffect], names: Mapping[str, str]) -> list[str]:
    """The "Objective (your tracker)" section: a line per compound and stage, then the caveat."""
    from sleepplan.core.insights import VERDICT_WORDS
    from sleepplan.core.stage_effects import TRACKER_CAVEAT, effect_sentence

    lines = ["Objective (your tracker)"]
    if not stage_effects:
        return [
            *lines,
            "  No tracked nights beside your check-ins yet: `sleepplan tracker import FILE` "
            "brings in your tracker's nights.",
        ]
    for e in stage_effects:
        name = visible(names.get(e.compound, e.compound))
        words = VERDICT_WORDS[e.verdict] + (f": {e.hint}" if e.hint else "")
        lines.append(f"  {effect_sentence(e, name)} — {words}")
    lines += [
        "Each compound is judged on the stage it targets, in minutes: with it minus without "
        "(for time to fall asleep and time awake, fewer minutes is better).",
        TRACKER_CAVEAT,
    ]
    return lines


def status_text(plan: ExperimentPlan, state: Progress, tonight: dt.date, name: str) -> str:
    """Where an experiment stands and what to take tonight; never its results early."""
    lines = [
        f"Experiment {visible(plan.id)} ({visible(name)}), "
        f"registered {plan.created_at:%Y-%m-%d %H:%M} UTC"
    ]
    lines.append(
        f"Plan hash {plan.sha256[:16]}… "
        + ("intact" if plan.intact else "DOES NOT MATCH: the plan was changed")
    )
    lines.append(
        f"Nights recorded {state.nights_recorded} of {state.nights_total}; "
        + (
            "complete: `sleepplan experiment report`"
            if state.complete
            else f"{state.nights_to_go} nights to go; results stay hidden until then"
        )
    )
    lines.append(instruction(plan, tonight, name))
    return "\n".join(lines)


def instruction(plan: ExperimentPlan, night: dt.date, name: str) -> str:
    """What the plan says to take on a night."""
    name = visible(name)
    item = plan.tonight(night)
    if item is None:
        return (
            f"Tonight ({night}) is not part of this experiment "
            f"({plan.first_night} to {plan.last_night})."
        )
    if item.arm == "baseline":
        return f"Tonight ({night}): baseline night, take no {name}."
    if item.arm == "washout":
        return f"Tonight ({night}): washout night, take no {name}."
    if plan.blinded:
        return f"Tonight ({night}): take envelope {item.envelope}."
    return f"Tonight ({night}): arm {item.arm}, {plan.dose_of(item.arm):g} mg of {name}."


def envelope_key_text(plan: ExperimentPlan, name: str) -> str:
    """The envelope key to prepare and seal (shown once, at the start)."""
    name = visible(name)
    lines = [
        # lines short enough for the app's 76-column key screen and a printout
        "ENVELOPE KEY — prepare identical capsules, put each night's in its",
        "numbered envelope, then seal this key away (ideally someone else fills",
        "the envelopes):",
    ]
    for number, arm, dose in plan.envelope_key():
        lines.append(
            f"  envelope {number:>3}: arm {arm} — {dose:g} mg of {name}"
            + (" (placebo / none)" if dose == 0 else "")
        )
    return "\n".join(lines)


def experiment_report(
    plan: ExperimentPlan,
    records: Mapping[dt.date, Mapping[str, Any]],
    name: str,
    today: dt.date,
    objective: Mapping[dt.date, ObjectiveNight] | None = None,
) -> str:
    """A completed experiment's whole report: the analysis, then the envelope key if blinded.

    ``plan`` is the full plan (its sealed schedule read back); only call this once it is
    complete, since the key reveals every night's arm. ``objective`` (the tracker's night of
    each night key) is where a tracker measure as the primary outcome is read from.
    """
    from sleepplan.core.experiment_analysis import analyse  # only a report needs it

    text = report_markdown(plan, analyse(plan, records, objective), name, today)
    if plan.blinded:  # complete: the key may be read now
        text += "\n## Envelope key\n\n```\n" + envelope_key_text(plan, name) + "\n```\n"
    return text


def report_markdown(plan: ExperimentPlan, analysis: Analysis, name: str, today: dt.date) -> str:
    """The completed experiment as a Markdown report."""
    from sleepplan.core.experiments import FEWER_IS_BETTER, OBJECTIVE_PRIMARIES

    def number(value: float | None, digits: int = 1) -> str:
        return "–" if value is None else f"{value:+.{digits}f}"

    tracked = plan.primary in OBJECTIVE_PRIMARIES
    unit = "minutes" if tracked else "points"
    mid = f"minimal important difference {plan.mid:g} {unit}"
    if tracked:
        fewer = "; fewer is better" if plan.primary in FEWER_IS_BETTER else ""
        primary = f"- **Primary outcome:** {plan.primary} (your tracker's estimate{fewer}); {mid}"
    else:
        primary = f"- **Primary score:** {plan.primary}; {mid}"
    prior = "normal prior, sd 50 minutes" if tracked else "normal prior, sd 50"
    if plan.primary in FEWER_IS_BETTER:
        chance = f"Probability B − A is below −{plan.mid:g} minutes ({prior})"
    else:
        chance = f"Probability the effect exceeds {plan.mid:g} {unit} ({prior})"

    lines = [
        f"# Self-experiment: {visible(name)}",
        "",
        f"- **Hypothesis:** {visible(plan.hypothesis) or '(none written)'}",
        f"- **Arms:** A = {plan.dose_a_mg:g} mg, B = {plan.dose_b_mg:g} mg",
        primary,
        f"- **Design:** {plan.baseline_nights} baseline nights, {plan.blocks} blocks of "
        f"{plan.block_nights} night(s) per arm in random order (seed {plan.seed}), "
        f"{plan.washout_nights} washout night(s) between arms; "
        + ("blinded with numbered envelopes" if plan.blinded else "not blinded"),
        f"- **Registered:** {plan.created_at:%Y-%m-%d %H:%M} UTC, SHA-256 `{plan.sha256}` "
        + ("(intact)" if plan.intact else "(**does not match: the plan was changed**)"),
        f"- **Nights:** {plan.first_night} to {plan.last_night}; report written {today}",
        "",
        "## Results (B − A)",
        "",
        "| block | mean A | mean B | B − A |",
        "|---|---|---|---|",
    ]
    for block, a, b, diff in analysis.block_diffs:
        lines.append(f"| {block} | {a:.1f} | {b:.1f} | {diff:+.1f} |")
    t_ci = analysis.t_ci95
    boot = analysis.bootstrap_ci95
    lines += [
        "",
        f"- Mean difference: **{number(analysis.mean_diff)} {unit}**",
        f"- 95% interval (t): {number(t_ci[0]) if t_ci else '–'} to "
        f"{number(t_ci[1]) if t_ci else '–'}",
        f"- 95% interval (bootstrap over blocks): {number(boot[0]) if boot else '–'} to "
        f"{number(boot[1]) if boot else '–'}",
        f"- Randomisation test p-value: "
        f"{'–' if analysis.randomisation_p is None else f'{analysis.randomisation_p:.3f}'}",
        f"- {chance}: "
        + ("–" if analysis.p_exceeds_mid is None else f"{analysis.p_exceeds_mid:.0%}"),
    ]
    if analysis.blinding is not None:
        right, total = analysis.blinding
        lines.append(
            f"- Blinding check: you guessed right on {right} of {total} nights "
            f"({right / total:.0%}); 50% is what guessing alone gives."
        )
    lines += [
        "",
        "## Reading it",
        "",
        "Each block compares B with A under the same conditions, so slow changes in your sleep "
        "cancel out. An interval that excludes zero and a small p-value say the difference is "
        "unlikely to be chance; the probability line says how likely it is to matter to you. "
        "One person, a few weeks: the result is about you, now.",
        "",
    ]
    if tracked:
        from sleepplan.core.stage_effects import TRACKER_CAVEAT

        lines += [TRACKER_CAVEAT, ""]
    lines += [f"*{DISCLAIMER}*", ""]
    return "\n".join(lines)
