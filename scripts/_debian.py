"""What the host's apt knows about Debian's archive, for scripts that fetch from it (peer-tools, platforms)."""

from __future__ import annotations

import subprocess


def host_archive() -> str:
    """The Debian archive this machine's apt already uses: the URI of its main release (not -updates or -security).

    Raises LookupError when apt has no such release configured.
    """
    out = subprocess.run(
        ["apt-get", "indextargets", "--format", "$(REPO_URI) $(RELEASE)", "Identifier: Packages"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in sorted(set(out.splitlines())):
        uri, _, release = line.partition(" ")
        if release and "-" not in release:
            return uri
    raise LookupError("apt has no Debian release configured (apt-get indextargets lists none)")
