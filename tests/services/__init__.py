"""Real services for the tests, started by the tests themselves: no mocks.

Loaded as pytest plugins from tests/conftest.py. Each module offers fixtures:

- `dbt_env`: `dbt_1_12`, a second dbt environment (dbt-core 1.12.6) beside the main one.
- `postgres`: `postgres`, a PostgreSQL server of its own on 127.0.0.1 for the whole session.
- `chromium`: `chromium`, headless Debian Chromium driven through Playwright.

A fixture whose program is missing skips its tests on a developer machine and fails them when
`CI=true` (see `availability.missing`), so CI never passes by silently skipping them.
"""
