#!/usr/bin/env bash
# Checks schema.json with the Pulumi CLI's own schema binder and generates the Python and Go SDKs
# from it.
#
#   bash scripts/gen-sdk.sh                # bind schema.json, regenerate sdk/python and sdk/go (npm run gen:sdk)
#   bash scripts/gen-sdk.sh --out DIR      # generate into DIR/python and DIR/go instead (the test compares them)
#   bash scripts/gen-sdk.sh --check        # bind only: fails listing every bind diagnostic
#   bash scripts/gen-sdk.sh --schema FILE  # another schema file (tests)
#
# sdk/go is a Go module (module = schema.json's language.go.importBasePath minus its last element,
# package huaweicloudkms) requiring github.com/pulumi/pulumi/sdk/v3 at the version the tool pins;
# its go.mod and go.sum are completed by `go mod tidy`, from the Go module proxy unless the module
# cache holds them.
#
# The tool is scripts/gen-sdk (Go, pulumi pkg/sdk v3.277.0, the CLI's versions, so its modules
# come from the module cache the CLI build filled). It is built once per source into
# ~/.cache/pulumi-huaweicloud-kms/gen-sdk/<hash>/ (PULUMI_KMS_CACHE moves it): a few seconds
# where the CLI was built (Go's compile cache holds the same packages), about 2 minutes on 2
# cores with an empty one; then the cached binary is used. Progress on stderr.
set -euo pipefail
{ # read to the end before running: the file may be edited while a build runs

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$here/scripts/gen-sdk"
log() { printf '[gen-sdk] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

out="$here/sdk"
schema="$here/schema.json"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || die "--out needs a folder"; out="$2"; shift 2;;
    --check) args+=(-check); shift;;
    --schema) [ $# -ge 2 ] || die "--schema needs a file"; schema="$2"; shift 2;;
    *) die "unknown argument '$1' (use --out DIR, --check, --schema FILE)";;
  esac
done

command -v go >/dev/null || die "no 'go' on PATH: install Go >= 1.24"
cache_root="${PULUMI_KMS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-huaweicloud-kms}"
hash="$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go <(go env GOVERSION) | sha256sum | cut -c1-16)"
dir="$cache_root/gen-sdk/$hash"
tool="$dir/gen-sdk"

if [ ! -x "$tool" ]; then
  mkdir -p "$dir"
  exec 9>"$dir/.build.lock"
  if command -v flock >/dev/null && ! flock -n 9; then
    log "another build of the tool is under way; waiting for it"
    flock 9
  fi
  if [ ! -x "$tool" ]; then
    start=$SECONDS
    log "building the tool into $dir (seconds with the CLI's compile cache, about 2 minutes without; modules: $(go env GOMODCACHE))"
    (cd "$src" && GOGC=400 GOWORK=off GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0 nice -n 19 \
      go build -trimpath -tags osusergo,grpcnotrace -ldflags "-s -w" -o "$tool.tmp" .) \
      || die "go build failed in $src"
    mv -f "$tool.tmp" "$tool"
    log "built in $((SECONDS - start))s"
  fi
fi

if [ ${#args[@]} -gt 0 ]; then
  exec "$tool" -schema "$schema" "${args[@]}"
fi
exec "$tool" -schema "$schema" -python "$out/python" -go "$out/go"
}
