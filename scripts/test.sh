#!/usr/bin/env bash
# `npm test`: the build, then the type check and lint side by side with finding (or, once per
# machine, building) the Pulumi CLI, then every test. The CLI build spends about a minute waiting
# on the Go module proxy, which the type check and lint use; its progress lines are prefixed
# [pulumi-cli]. Ends with vitest's one-line summary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build
bash scripts/pulumi-cli.sh > /dev/null &
cli=$!
status=0
{ npm run typecheck && npm run lint; } || status=$?
wait "$cli" || { echo "[test] the Pulumi CLI could not be provided (see the [pulumi-cli] lines above)" >&2; exit 1; }
[ "$status" -eq 0 ] || exit "$status"
exec vitest run
