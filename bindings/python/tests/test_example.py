"""The CMS example runs against the bundled corpus."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_django_example_runs():
    done = subprocess.run(
        [sys.executable, str(REPO / "examples" / "python" / "django_related.py")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "published 11 stories" in done.stdout
    assert "'fra-dev-0201' no longer in it" in done.stdout
    assert "Aller plus loin:" in done.stdout
