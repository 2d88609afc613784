"""The soak's human report, from the same dict that becomes its JSON."""

from __future__ import annotations

from typing import Any

LABELS = {"fds": "fds", "rss_kib": "RSS KiB", "threads": "threads"}
RESOURCES = {True: "FLAT", False: "NOT FLAT", None: "NOT JUDGED"}  # by the verdict's flat (None: too short)
RESOURCES_MD = {True: "flat", False: "NOT flat", None: "not judged"}


def text(result: dict[str, Any]) -> str:
    meta, answers, verdict = result["meta"], result["answers"], result["verdict"]
    lines = [
        f"soak: {meta['seconds']} s, {meta['rounds']} rounds on the {meta['backend']} backend {meta['where']} "
        f"(kernel {meta['kernel']}, Python {meta['python']}, {meta['cpus']} CPUs), seed {meta['seed']}, "
        f"commit {meta['commit'] or '?'}, a sample every {meta['sample_seconds']} s",
        "",
        f"{'subsystem':<10} {'operations':>10} {'checked':>10} {'errors':>7}",
    ]
    for name, tally in result["subsystems"].items():
        lines.append(f"{name:<10} {tally['operations']:>10} {tally['checked']:>10} {tally['errors']:>7}")
        lines += [f"    {error}" for error in tally["first_errors"]]
    lines += [f"{name:<10} skipped: {why}" for name, why in result["skipped"].items()]
    lines += ["", f"{'resource':<10} {'start':>9} {'end':>9} {'max':>9} {'growth':>9}"]
    for key, figures in result["resources"]["figures"].items():
        growth = verdict["growth"].get(key, "")
        lines.append(f"{LABELS[key]:<10} {figures['start']:>9} {figures['end']:>9} {figures['max']:>9} {growth:>9}")
    all_checked = answers["checked"] == answers["operations"] and not answers["errors"]
    lines += [
        "",
        f"answers: {answers['checked']} of {answers['operations']} checked and right, {answers['errors']} errors: "
        + ("ALL CHECKED" if all_checked else "WRONG OR UNCHECKED ANSWERS"),
        f"resources: {RESOURCES[verdict['flat']]} ({verdict['why']})",
    ]
    return "\n".join(lines)


def markdown(result: dict[str, Any]) -> str:
    """The figures as Markdown tables, for the README (``scripts/soak --summary JSON``)."""
    meta, answers, verdict = result["meta"], result["answers"], result["verdict"]
    lines = ["| subsystem | operations | answers checked | errors |", "| --- | ---: | ---: | ---: |"]
    for name, tally in result["subsystems"].items():
        lines.append(f"| {name} | {tally['operations']} | {tally['checked']} | {tally['errors']} |")
    lines += [f"| {name} | skipped: {why} | | |" for name, why in result["skipped"].items()]
    lines += [
        f"| all | {answers['operations']} | {answers['checked']} | {answers['errors']} |",
        "",
        "| resource | start | end | max | growth: last quarter max minus first quarter max |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for key, figures in result["resources"]["figures"].items():
        growth = verdict["growth"].get(key, "")
        lines.append(f"| {LABELS[key]} | {figures['start']} | {figures['end']} | {figures['max']} | {growth:+} |")
    lines += [
        "",
        f"{meta['seconds']} s, {meta['rounds']} rounds on the {meta['backend']} backend {meta['where']}, kernel "
        f"{meta['kernel']}, commit `{meta['commit'] or '?'}`, {len(result['resources']['samples'])} samples: "
        f"resources {RESOURCES_MD[verdict['flat']]} ({verdict['why']}).",
    ]
    return "\n".join(lines)
