"""Linting: run the enabled rules over a loaded project and decide which findings are reported
(suppressions, baselines, changed-only runs)."""
