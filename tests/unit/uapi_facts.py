"""Ask the C compiler what the kernel headers say: sizes, field offsets and constant values."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

Structs = Mapping[str, Sequence[str]]


def c_program(headers: Sequence[str], structs: Structs, constants: Sequence[str],
              guarded: Sequence[tuple[str, Structs, Sequence[str]]] = ()) -> str:  # fmt: skip
    """A program printing ``name value`` lines. Each ``(condition, structs, constants)`` of ``guarded``
    is printed only where ``#if condition`` holds (uAPI newer than the oldest headers we build on)."""

    def body(structs: Structs, constants: Sequence[str]) -> list[str]:
        lines = []
        for struct, fields in structs.items():
            lines.append(f'printf("{struct} %zu\\n", sizeof(struct {struct}));')
            lines += [f'printf("{struct}.{f} %zu\\n", offsetof(struct {struct}, {f}));' for f in fields]
        lines += [f'printf("{name} %llu\\n", (unsigned long long)({name}));' for name in constants]
        return lines

    lines = ["#define _GNU_SOURCE", "#include <stdio.h>", "#include <stddef.h>"]
    lines += [f"#include <{header}>" for header in headers]
    lines += ["int main(void) {", *body(structs, constants)]
    for condition, more_structs, more_constants in guarded:
        lines += [f"#if {condition}", *body(more_structs, more_constants), "#endif"]
    lines += ["return 0;", "}"]
    return "\n".join(lines)


def header_facts(source: str, work: Path, include_dirs: Sequence[Path] = ()) -> dict[str, int]:
    """Compile and run ``source`` (``include_dirs`` searched before the system's headers); its ``name value``
    lines as a dict."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None and os.environ.get("LINUXHW_NO_COMPILER") == "1":
        # scripts/platforms' wheel pass: the root has neither compiler nor headers on purpose (its sdist pass
        # compared the same layout with them)
        pytest.skip("no C compiler or kernel headers here by design (LINUXHW_NO_COMPILER=1: a wheel pass)")
    if compiler is None:
        pytest.fail("a C compiler is needed to check the uAPI layout (apt-get install gcc)")
    (work / "facts.c").write_text(source)
    includes = [f"-I{d}" for d in include_dirs]
    subprocess.run([compiler, *includes, "-o", str(work / "facts"), str(work / "facts.c")], check=True)
    out = subprocess.run([str(work / "facts")], check=True, capture_output=True, text=True).stdout
    return {key: int(value) for key, value in (line.split() for line in out.splitlines())}
