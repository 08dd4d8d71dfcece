"""Settings from a configuration file, found from the dbt project root upward (as ruff does).

In each directory, the first of `.dbt-kpi-lint.toml`, `dbt-kpi-lint.toml` (keys at the top
level) and `pyproject.toml` (keys under `[tool.dbt-kpi-lint]`) wins; a pyproject.toml without
that table is skipped. The nearest file is used alone: files are not merged. Every key is
validated, so a typo is an error naming the file, the key and what is allowed, never a setting
that silently does nothing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Callable, Mapping

from ..files import parse_error_text, read_regular_file
from ..kpi.fields import MetaKeys
from ..loading.dbt_project import ProjectError
from ..model import Severity
from .settings import Configurable, RuleOption, Settings, matching_codes, unknown_selectors

PYPROJECT = "pyproject.toml"
CONFIG_FILE_NAMES = (".dbt-kpi-lint.toml", "dbt-kpi-lint.toml", PYPROJECT)
TOOL_TABLE = "dbt-kpi-lint"


class ConfigError(ProjectError):
    """A configuration file that cannot be used as written (exit code 2)."""


@dataclass(frozen=True)
class ConfigFile:
    path: Path
    table: Mapping[str, Any]

    @property
    def label(self) -> str:
        shown = _display(self.path)
        return f"{shown} [tool.{TOOL_TABLE}]" if self.path.name == PYPROJECT else shown


def _display(path: Path) -> str:
    """How messages name a file: relative to the working directory when below it."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def find_config(start: Path) -> ConfigFile | None:
    """The configuration that applies to a project whose root is `start`, if any."""
    start = start.resolve()
    for directory in (start, *start.parents):
        for name in CONFIG_FILE_NAMES:
            candidate = directory / name
            if candidate.is_file():
                config = _read(candidate)
                if config is not None:
                    return config
    return None


def read_config(path: Path) -> ConfigFile:
    """An explicitly named configuration file (`--config`); it must exist and hold settings."""
    if not path.is_file():
        raise ConfigError(f"{path}: no such configuration file")
    config = _read(path.resolve())
    if config is None:
        raise ConfigError(f"{path}: has no [tool.{TOOL_TABLE}] table")
    return config


def _read(path: Path) -> ConfigFile | None:
    try:
        raw = read_regular_file(path)
    except OSError as error:
        raise ConfigError(f"{_display(path)}: cannot read: {error.strerror}") from None
    if path.name == PYPROJECT and TOOL_TABLE.encode() not in raw:
        return None  # most pyproject.toml files are not ours: skip parsing them
    # Imported on use, as most runs find no configuration file.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except ValueError as error:  # TOMLDecodeError, UnicodeDecodeError, or more digits than Python reads
        raise ConfigError(f"{_display(path)}: invalid TOML: {parse_error_text(error)}") from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise ConfigError(f"{_display(path)}: invalid TOML: values nested too deeply") from None
    if path.name != PYPROJECT:
        return ConfigFile(path, _within_toml_integers(document, path))
    tools = document.get("tool")
    table = tools.get(TOOL_TABLE) if isinstance(tools, dict) else None  # `tool = 1` is no [tool] table
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{_display(path)}: [tool.{TOOL_TABLE}] must be a table")
    return ConfigFile(path, _within_toml_integers(table, path))


def _within_toml_integers(table: dict[str, Any], path: Path) -> dict[str, Any]:
    """`table`, once no integer in it is beyond TOML's 64-bit range: tomllib reads `0xfff...` of any length."""
    pending: list[Any] = [table]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise ConfigError(f"{_display(path)}: invalid TOML: an integer beyond the 64 bits TOML allows")
    return table


def settings_from(config: ConfigFile | None, configurable: Configurable) -> Settings:
    """Validated Settings from a configuration file (defaults when there is none)."""
    if config is None:
        return Settings()
    reader = _Reader(config, configurable)
    options = configurable.rule_options
    values: dict[str, Any] = {}
    rule_option_values: dict[str, Any] = {}
    for key, value in config.table.items():
        if key in _SETTINGS:
            field_name, parse = _SETTINGS[key]
            values[field_name] = parse(reader, key, value)
        elif key in options:
            rule_option_values[key] = reader.option(key, value, options[key])
        else:
            reader.unknown_key(key, [*_SETTINGS, *options])
    return Settings(**values, rule_options=rule_option_values)


@dataclass(frozen=True)
class _Reader:
    """Validates one file's values; every error names the file and the key."""

    config: ConfigFile
    configurable: Configurable

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.config.label}: `{key}` {problem}")

    def unknown_key(self, key: str, allowed: list[str]) -> None:
        raise self.fail(key, f"is not a setting; {_suggestion(key, allowed)}allowed: {', '.join(sorted(allowed))}")

    def selectors(self, key: str, value: Any) -> tuple[str, ...]:
        codes = tuple(code.upper() for code in self.strings(key, value))
        unknown = unknown_selectors(codes, self.configurable.rule_codes)
        if unknown:
            raise self.fail(key, f"names unknown rule code {', '.join(unknown)}; `dbt-kpi-lint rules` lists them")
        return codes

    def strings(self, key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            raise self.fail(key, f"must be a list of strings, not {_shown(value)}")
        return tuple(value)

    def severity_value(self, key: str, value: Any) -> Severity:
        allowed = [severity.value for severity in Severity]
        if value not in allowed:
            raise self.fail(key, f"must be one of {', '.join(map(repr, allowed))}, not {_shown(value)}")
        return Severity(value)

    def table(self, key: str, value: Any) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a table, not {_shown(value)}")
        return value

    def option(self, key: str, value: Any, option: RuleOption) -> Any:
        expected = _option_type(option.default)
        if expected is not None and not _is_instance(value, expected):
            raise self.fail(key, f"must be {_TYPE_NAMES[expected]} ({option.help}), not {_shown(value)}")
        return float(value) if expected is float else value


def _severity(reader: _Reader, key: str, value: Any) -> dict[str, Severity]:
    """Per-rule severities; a prefix (`VAN`) applies to its rules, a longer selector wins."""
    by_selector = {
        selector.upper(): reader.severity_value(f"{key}.{selector}", level)
        for selector, level in reader.table(key, value).items()
    }
    reader.selectors(key, list(by_selector))
    resolved: dict[str, Severity] = {}
    for selector in sorted(by_selector, key=len):
        for code in matching_codes(selector, reader.configurable.rule_codes):
            resolved[code] = by_selector[selector]
    return resolved


def _exclude(reader: _Reader, key: str, value: Any) -> tuple[str, ...]:
    """Globs over paths relative to the dbt project root; a directory excludes what is below it."""
    patterns = reader.strings(key, value)
    return tuple(
        expanded for pattern in patterns for expanded in (pattern, pattern.rstrip("/") + "/*")
    )


def _meta_keys(reader: _Reader, key: str, value: Any) -> MetaKeys:
    names = {item.name.replace("_", "-"): item.name for item in fields(MetaKeys)}
    renamed: dict[str, str] = {}
    for name, meta_key in reader.table(key, value).items():
        if name not in names:
            hint = _suggestion(name, list(names))
            raise reader.fail(f"{key}.{name}", f"is not a meta key setting; {hint}allowed: {', '.join(names)}")
        if not isinstance(meta_key, str) or not meta_key.strip():
            raise reader.fail(f"{key}.{name}", f"must be a non-empty string (a meta key name), not {_shown(meta_key)}")
        renamed[names[name]] = meta_key.strip()
    return MetaKeys(**renamed)


def _dialects(reader: _Reader, key: str, value: Any) -> tuple[str, ...]:
    names = tuple(name.lower() for name in reader.strings(key, value))
    allowed = reader.configurable.dialects
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise reader.fail(key, f"names {', '.join(map(repr, unknown))}; allowed: {', '.join(allowed)}")
    return tuple(dict.fromkeys(names))


def _model_name(reader: _Reader, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or any(quote in value for quote in "'\"{}"):
        raise reader.fail(key, f"must be the name of a dbt model or seed, not {_shown(value)}")
    return value.strip()


def _history_periods(reader: _Reader, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise reader.fail(key, f"must be a whole number of periods from 1 to 1000, not {_shown(value)}")
    return value


_SETTINGS: dict[str, tuple[str, Callable[[_Reader, str, Any], Any]]] = {
    "select": ("select", _Reader.selectors),
    "extend-select": ("extend_select", _Reader.selectors),
    "ignore": ("ignore", _Reader.selectors),
    "fail-on": ("fail_on", _Reader.severity_value),
    "severity": ("severity", _severity),
    "exclude": ("exclude", _exclude),
    "meta-keys": ("meta_keys", _meta_keys),
    "dialects": ("dialects", _dialects),
    "history-periods": ("history_periods", _history_periods),
    "targets-model": ("targets_model", _model_name),
}


_TYPE_NAMES: dict[type, str] = {bool: "true or false", int: "an integer", float: "a number", str: "a string", list: "a list"}


def _option_type(default: Any) -> type | None:
    for kind in (bool, int, float, str, list):  # bool first: True is also an int
        if isinstance(default, kind):
            return kind
    return None


def _is_instance(value: Any, expected: type) -> bool:
    if isinstance(value, bool):
        return expected is bool
    if expected is float:
        return isinstance(value, (int, float))
    return isinstance(value, expected)


def _suggestion(key: str, allowed: list[str]) -> str:
    import difflib  # only on this error path

    close = difflib.get_close_matches(key.replace("_", "-"), allowed, n=1)
    return f'did you mean "{close[0]}"? ' if close else ""


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, (str, int, float, bool)) else type(value).__name__

