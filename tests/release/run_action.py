#!/usr/bin/env python3
"""Runs a composite action's steps as GitHub Actions does, on this machine.

    run_action.py ACTION_DIR WORKSPACE [INPUT=VALUE ...]

Reads ACTION_DIR/action.yml, takes each input from the arguments or its default, and runs
the `run:` steps in order with `bash --noprofile --norc -eo pipefail FILE` (Actions' `shell:
bash`) in WORKSPACE, with the variables Actions sets for a step (GITHUB_ACTION_PATH,
GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_PATH, GITHUB_ENV, GITHUB_STEP_SUMMARY, RUNNER_TEMP,
RUNNER_OS, RUNNER_ARCH, GITHUB_ACTIONS, CI) and the step's `env:`. `${{ ... }}` expressions
of the forms inputs.NAME, steps.ID.outputs.NAME, github.action_path, github.workspace and
runner.temp/os/arch are substituted; any other expression, an `if:` or a `uses:` step is
refused, so the action never relies on something this runner does not do. Outputs a step
writes to $GITHUB_OUTPUT (NAME=VALUE and NAME<<DELIMITER forms) are the step's outputs;
folders added to $GITHUB_PATH come first in PATH for the later steps; $GITHUB_ENV likewise.

Prints the action's outputs as one JSON object on the last line of standard output, and
exits with the first failing step's status (0 when all pass). RUNNER_TEMP, RUNNER_OS and
RUNNER_ARCH are taken from the environment when set.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def parse_file_command(path):
    """NAME=VALUE and NAME<<DELIMITER ... DELIMITER lines of a $GITHUB_OUTPUT-like file."""
    values = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            while i < len(lines) and lines[i] != delimiter:
                body.append(lines[i])
                i += 1
            if i == len(lines):
                raise SystemExit(f"run_action: {path}: no closing {delimiter!r} for {name}")
            i += 1
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        else:
            raise SystemExit(f"run_action: {path}: malformed line {line!r}")
    return values


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    action_dir = os.path.abspath(argv[1])
    workspace = os.path.abspath(argv[2])
    given = {}
    for arg in argv[3:]:
        name, _, value = arg.partition("=")
        given[name] = value
    with open(os.path.join(action_dir, "action.yml"), encoding="utf-8") as f:
        action = yaml.safe_load(f)
    if action.get("runs", {}).get("using") != "composite":
        sys.exit("run_action: not a composite action")
    declared = action.get("inputs", {}) or {}
    for name in given:
        if name not in declared:
            sys.exit(f"run_action: the action has no input {name!r}")
    inputs = {name: str(given.get(name, spec.get("default", "")))
              for name, spec in declared.items()}

    temp = os.environ.get("RUNNER_TEMP") or tempfile.mkdtemp(prefix="runner-temp.")
    files = tempfile.mkdtemp(prefix="runner-files.")
    runner = {"temp": temp, "os": os.environ.get("RUNNER_OS", "Linux"),
              "arch": os.environ.get("RUNNER_ARCH", "X64")}
    github = {"action_path": action_dir, "workspace": workspace}
    steps = {}
    env = dict(os.environ)
    env.update({"GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_WORKSPACE": workspace,
                "GITHUB_ACTION_PATH": action_dir, "RUNNER_TEMP": temp,
                "RUNNER_OS": runner["os"], "RUNNER_ARCH": runner["arch"],
                "GITHUB_STEP_SUMMARY": os.path.join(files, "step_summary")})
    open(env["GITHUB_STEP_SUMMARY"], "w").close()

    def evaluate(text):
        def one(match):
            parts = match.group(1).split(".")
            if len(parts) == 2 and parts[0] == "inputs" and parts[1] in inputs:
                return inputs[parts[1]]
            if len(parts) == 2 and parts[0] == "github" and parts[1] in github:
                return github[parts[1]]
            if len(parts) == 2 and parts[0] == "runner" and parts[1] in runner:
                return runner[parts[1]]
            if len(parts) == 4 and parts[0] == "steps" and parts[2] == "outputs":
                return steps.get(parts[1], {}).get(parts[3], "")
            raise SystemExit(f"run_action: unsupported expression ${{{{ {match.group(1)} }}}}")
        return EXPRESSION.sub(one, str(text))

    status = 0
    for number, step in enumerate(action["runs"].get("steps", []), 1):
        for key in step:
            if key not in ("id", "name", "shell", "env", "run", "working-directory"):
                sys.exit(f"run_action: step {number}: '{key}' is not supported here")
        if step.get("shell") != "bash" or "run" not in step:
            sys.exit(f"run_action: step {number}: only `shell: bash` run steps are supported")
        step_env = dict(env)
        for name, value in (step.get("env") or {}).items():
            step_env[name] = evaluate(value)
        paths = {}
        for name in ("GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_ENV"):
            paths[name] = os.path.join(files, f"{name.lower()}_{number}")
            open(paths[name], "w").close()
            step_env[name] = paths[name]
        script = os.path.join(files, f"step_{number}.sh")
        with open(script, "w", encoding="utf-8") as f:
            f.write(evaluate(step["run"]))
        cwd = os.path.join(workspace, evaluate(step.get("working-directory", ".")))
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                                cwd=cwd, env=step_env, check=False)
        step_id = step.get("id", f"__{number}")
        steps[step_id] = parse_file_command(paths["GITHUB_OUTPUT"])
        with open(paths["GITHUB_PATH"], encoding="utf-8") as f:
            for folder in f.read().splitlines():
                if folder:
                    env["PATH"] = folder + os.pathsep + env["PATH"]
        env.update(parse_file_command(paths["GITHUB_ENV"]))
        if result.returncode != 0:
            status = result.returncode
            print(f"run_action: step {step_id} exited {status}", file=sys.stderr)
            break

    outputs = {name: evaluate(spec.get("value", ""))
               for name, spec in (action.get("outputs") or {}).items()}
    outputs["__step_summary"] = open(env["GITHUB_STEP_SUMMARY"], encoding="utf-8").read()
    sys.stdout.flush()
    print(json.dumps(outputs))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
