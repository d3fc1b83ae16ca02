#!/usr/bin/env node
// The `schemagate` command of the npm package: runs the binary of the platform package that
// npm installed as an optional dependency (chosen by its `os` and `cpu`), with the same
// arguments, standard streams and exit status.
"use strict";

const { spawnSync } = require("child_process");

// The platform packages, by process.platform and process.arch (npm's `os` and `cpu`).
const PACKAGES = {
  "linux x64": "schemagate-linux-x64",
  "linux arm64": "schemagate-linux-arm64",
};

function binary() {
  const key = `${process.platform} ${process.arch}`;
  const name = PACKAGES[key];
  if (!name) {
    throw new Error(`no prebuilt schemagate for ${key}; build it from source (see its README)`);
  }
  try {
    return require.resolve(`${name}/bin/schemagate`);
  } catch (error) {
    throw new Error(
      `the package ${name} is not installed: npm installs it as an optional dependency of ` +
        "schemagate, unless optional dependencies are left out (--omit=optional, --no-optional)"
    );
  }
}

let path;
try {
  path = binary();
} catch (error) {
  process.stderr.write(`schemagate: ${error.message}\n`);
  process.exit(2);
}
const result = spawnSync(path, process.argv.slice(2), { stdio: "inherit" });
if (result.error) {
  process.stderr.write(`schemagate: cannot run ${path}: ${result.error.message}\n`);
  process.exit(2);
}
if (result.signal) {
  process.kill(process.pid, result.signal);
}
process.exit(result.status === null ? 2 : result.status);
