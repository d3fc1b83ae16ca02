#!/usr/bin/env bash
# The Action's run step (action.yml): runs SG_BINARY with SG_COMMAND on SG_PATHS.
#
#   lint: the text report in the log; with SG_SARIF_FILE, a SARIF report there; with
#     SG_ANNOTATIONS=true, one workflow command per finding (annotations on the diff).
#   checklist: the text in the log, the Markdown tables in the job summary.
#   verify: run as it is.
# SG_PATHS and SG_ARGS are split at white space; SG_SINCE adds --since. Sets the outputs
# `exit-code` and `sarif-file`; the step fails with schemagate's exit code.
set -euo pipefail

error() {
  echo "::error title=schemagate::$*"
  exit 2
}

bin=${SG_BINARY:-}
[ -n "$bin" ] || bin=$(command -v schemagate) || error "schemagate is not installed"
read -r -a paths <<<"${SG_PATHS:-.}"
read -r -a args <<<"${SG_ARGS:-}"
((${#paths[@]})) || paths=(.)
[ -z "${SG_SINCE:-}" ] || args+=(--since "$SG_SINCE")

status=0
sarif=
case "${SG_COMMAND:-lint}" in
  lint)
    if [ -n "${SG_SARIF_FILE:-}" ]; then
      sarif=$SG_SARIF_FILE
      mkdir -p "$(dirname "$sarif")"
      "$bin" lint --format sarif --output "$sarif" "${args[@]}" -- "${paths[@]}" || status=$?
    else
      "$bin" lint "${args[@]}" -- "${paths[@]}" || status=$?
    fi
    if [ "${SG_ANNOTATIONS:-true}" = true ] && [ "$status" -le 1 ]; then
      "$bin" lint --format github --color never "${args[@]}" -- "${paths[@]}" || true
    fi
    ;;
  checklist)
    "$bin" checklist "${args[@]}" -- "${paths[@]}" || status=$?
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ "$status" -le 1 ]; then
      "$bin" checklist --format markdown "${args[@]}" -- "${paths[@]}" >>"$GITHUB_STEP_SUMMARY" ||
        true
    fi
    ;;
  verify)
    "$bin" verify "${args[@]}" -- "${paths[@]}" || status=$?
    ;;
  *) error "command must be lint, checklist or verify, not '$SG_COMMAND'" ;;
esac

{
  echo "exit-code=$status"
  echo "sarif-file=$sarif"
} >>"$GITHUB_OUTPUT"
exit "$status"
