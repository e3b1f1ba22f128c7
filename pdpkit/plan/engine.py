"""The Pulumi engine's calling convention, reproduced offline.

Under `pulumi up` / `pulumi preview` the CLI reads ``stacks/Pulumi.<stack>.yaml``, decrypts
its secure values and hands the language host the configuration as a map of strings; the
Python language host passes it to the program's process as two environment variables and
its exec script runs the project directory as ``__main__``:

- ``PULUMI_CONFIG``: a JSON object of ``"<namespace>:<key>"`` -> string. Keys without a
  namespace belong to the project; structured values are JSON-encoded strings (pulumi/pulumi
  sdk/python/cmd/pulumi-language-python/main.go, ``constructConfig``);
- ``PULUMI_CONFIG_SECRET_KEYS``: a JSON list of the keys holding secrets
  (``constructConfigSecretKeys``);
- the exec script calls ``pulumi.runtime.set_all_config(get_config_env(),
  get_config_secret_keys_env())``, changes to ``--pwd`` and runs
  ``runpy.run_path(PROGRAM, run_name="__main__")`` where PROGRAM is the entry point, ``.``
  for the project directory (pulumi/pulumi sdk/python/cmd/pulumi-language-python-exec).

`engine_config` builds the same two values from the stack file; `running_as_engine` sets
them the same way; `run_project` executes the project directory. Secure values cannot be
decrypted here: their keys are listed as secrets and their leaves hold a placeholder.
"""

from __future__ import annotations

import json
import os
import runpy
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pulumi.runtime

from pdpkit.spec.errors import Problem, SpecError
from pdpkit.spec.loader import stack_path
from pdpkit.spec.stack import StackSpec
from pdpkit.spec.yamlmap import read_yaml

CONFIG_ENV = "PULUMI_CONFIG"
SECRET_KEYS_ENV = "PULUMI_CONFIG_SECRET_KEYS"  # noqa: S105 (a variable name)


@dataclass(frozen=True)
class EngineConfig:
    """A stack's configuration as the CLI hands it to the language host."""

    values: Mapping[str, str]
    """``"<namespace>:<key>"`` -> the value as a string (structured values JSON-encoded)."""
    secret_keys: tuple[str, ...]
    """Keys whose value is (or contains) a secure value."""

    def environment(self) -> dict[str, str]:
        """The two environment variables the language host sets for the program."""
        return {
            CONFIG_ENV: json.dumps(dict(self.values), sort_keys=True),
            SECRET_KEYS_ENV: json.dumps(list(self.secret_keys)),
        }


def engine_config(root: Path, stack: str, project: str) -> EngineConfig:
    """The configuration of `stack` as `pulumi up` would pass it to the program."""
    path = stack_path(root, stack)
    display = str(path.relative_to(root))
    located = read_yaml(path, display)
    config = located.data.get("config") if isinstance(located.data, dict) else None
    if not isinstance(config, dict):
        raise SpecError([Problem(display, 1, "config", "expected a mapping `config:`")])
    values: dict[str, str] = {}
    secret_keys: set[str] = set()
    for key, value in config.items():
        full = key if ":" in key else f"{project}:{key}"
        values[full] = config_string(value)
        if any(path[:2] == ("config", key) for path in located.secrets):
            secret_keys.add(full)
    return EngineConfig(values, tuple(sorted(secret_keys)))


def spec_config(spec: StackSpec, project: str) -> EngineConfig:
    """The configuration that declares `spec` (a validated, possibly edited stack).

    Tests that plan a variant of an example stack hand it to the program this way, so the
    variant enters through the same door as every stack: ``PULUMI_CONFIG``.
    """
    sections = spec.model_dump(mode="json", by_alias=True, exclude_none=True)
    values = {f"{project}:{key}": config_string(value) for key, value in sections.items()}
    secret_keys = tuple(sorted(values)) if "**********" in "".join(values.values()) else ()
    return EngineConfig(values, secret_keys)


def _iso_date(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a config value")


def config_string(value: Any) -> str:
    """A config value as the CLI stores it: scalars as text, structures as JSON."""
    if isinstance(value, dict | list):
        # a YAML date (a waiver's `expires`) travels as its text, YYYY-MM-DD
        return json.dumps(value, separators=(",", ":"), default=_iso_date)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


@contextmanager
def running_as_engine(root: Path, config: EngineConfig) -> Iterator[None]:
    """The program's process as the language host prepares it; restored on exit."""
    saved_env = {name: os.environ.get(name) for name in (CONFIG_ENV, SECRET_KEYS_ENV)}
    saved_cwd = Path.cwd()
    os.environ.update(config.environment())
    # the exec script's own calls, reading the variables just set
    pulumi.runtime.set_all_config(
        pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env()
    )
    os.chdir(root)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        for name, previous in saved_env.items():
            if previous is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = previous
        pulumi.runtime.set_all_config({}, [])


class ProgramError(Exception):
    """The program failed the way it would fail under ``pulumi up`` (it exits 1 there)."""


def run_project(root: Path) -> None:
    """Execute the project directory as ``__main__``, as the exec script does.

    A failure becomes a `ProgramError` saying what the engine would print: the message of
    a `pulumi.RunError`, else the exception and where in the project it was raised.
    """
    if not (root / "__main__.py").is_file():
        # runpy would go on to search sys.path for another `__main__`; the engine would not
        raise ProgramError(f"{root / '__main__.py'} does not exist: the project has no program")
    try:
        runpy.run_path(str(root), run_name="__main__")
    except pulumi.RunError as error:
        raise ProgramError(str(error)) from error
    except Exception as error:
        raise ProgramError(_describe(error, root)) from error


def _describe(error: BaseException, root: Path) -> str:
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if Path(frame.filename).is_file()  # not <frozen runpy>
        and Path(frame.filename).resolve().is_relative_to(root.resolve())
        and ".venv" not in Path(frame.filename).parts
        and Path(frame.filename).resolve() != Path(__file__).resolve()  # this harness
    ]
    places = [
        f"{Path(frame.filename).resolve().relative_to(root.resolve())}:{frame.lineno}"
        for frame in (frames[:1] + frames[-1:] if len(frames) > 1 else frames)
    ]
    where = f" at {' -> '.join(places)}" if places else ""
    return f"{type(error).__name__}{where}: {error}"
