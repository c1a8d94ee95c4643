#!/usr/bin/env bash
# Provides a working Pulumi CLI and prints the directory that holds it (its `bin`).
#
#   bash scripts/pulumi-cli.sh            # progress on stderr, bin dir on stdout
#
# Order of preference:
#   1. PULUMI_CLI_BIN=<dir>: a directory holding `pulumi`, used as is.
#   2. A `pulumi` on PATH whose version is at least PULUMI_MIN_VERSION.
#   3. The cache: ~/.cache/pulumi-huaweicloud-kms/pulumi-vX.Y.Z/bin (seconds).
#   4. A build from the Go module proxy (minutes, once per machine).
#
# Beside `pulumi` go `pulumi-language-nodejs` (needed for programs in project
# folders; Automation API inline programs bring their own language server) and
# the dynamic-provider shim `pulumi-resource-pulumi-nodejs` from @pulumi/pulumi.
#
# The version built is the one of the installed @pulumi/pulumi. No registry
# reachable here ships a prebuilt CLI, so it is built from source; when the Go
# proxy refuses that version (this workplace's proxy serves no pulumi/pkg zip
# newer than about 90 days), the newest older release it serves is built
# instead and a warning says so. The Automation API accepts any CLI >= 3.2.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '[pulumi-cli] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

min_version="${PULUMI_MIN_VERSION:-3.200.0}"
cache_root="${PULUMI_KMS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-huaweicloud-kms}"
shim_src="$here/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

version_ge() { # version_ge A B: A >= B (semver without pre-release)
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

cli_version() { # prints X.Y.Z of the pulumi binary given, or nothing
  "$1" version 2>/dev/null | sed -n 's/^v\{0,1\}\([0-9][0-9.]*\).*/\1/p' | head -n1
}

# 1. Explicit directory.
if [ -n "${PULUMI_CLI_BIN:-}" ]; then
  [ -x "$PULUMI_CLI_BIN/pulumi" ] || die "PULUMI_CLI_BIN=$PULUMI_CLI_BIN holds no executable 'pulumi'"
  echo "$PULUMI_CLI_BIN"; exit 0
fi

# 2. A suitable pulumi on PATH.
if on_path="$(command -v pulumi 2>/dev/null)"; then
  v="$(cli_version "$on_path")"
  if [ -n "$v" ] && version_ge "$v" "$min_version"; then
    log "using pulumi v$v from PATH ($on_path)"
    dirname "$on_path"; exit 0
  fi
  log "ignoring pulumi on PATH ($on_path, version '${v:-unknown}' < $min_version)"
fi

[ -f "$here/node_modules/@pulumi/pulumi/package.json" ] || die "run 'npm ci' first: @pulumi/pulumi is not installed"
wanted="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$here/node_modules/@pulumi/pulumi/package.json" | head -n1)"
[ -n "$wanted" ] || die "cannot read the version of @pulumi/pulumi"

# 3. Cache. resolved-vX records which release was built for @pulumi/pulumi X.
resolved_file="$cache_root/resolved-v$wanted"
if [ -f "$resolved_file" ]; then
  built="$(cat "$resolved_file")"
  bin="$cache_root/pulumi-v$built/bin"
  if [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-nodejs" ] && [ "$(cli_version "$bin/pulumi")" = "$built" ]; then
    cp -f "$shim_src" "$bin/" 2>/dev/null || true
    log "using cached pulumi v$built ($bin)"
    echo "$bin"; exit 0
  fi
fi

# 4. Build from the Go module proxy.
command -v go >/dev/null || die "no 'go' on PATH: install Go >= 1.24, or put a pulumi >= $min_version on PATH"
export GOFLAGS="-mod=mod"
export CGO_ENABLED=0
start=$SECONDS

served() { # served X.Y.Z: the proxy hands out the source of pkg/v3@vX.Y.Z
  go mod download "github.com/pulumi/pulumi/pkg/v3@v$1" >/dev/null 2>&1
}

log "step 1/4: finding the pulumi release to build for @pulumi/pulumi $wanted"
major="${wanted%%.*}"; rest="${wanted#*.}"; minor="${rest%%.*}"
built=""
if served "$wanted"; then
  built="$wanted"
else
  log "the Go module proxy refuses github.com/pulumi/pulumi/pkg/v3@v$wanted; looking for the newest older release it serves"
  for ((m = minor - 1; m >= minor - 40 && m >= 0; m--)); do
    if served "$major.$m.0"; then built="$major.$m.0"; break; fi
  done
fi
[ -n "$built" ] || die "the Go module proxy serves no github.com/pulumi/pulumi/pkg/v3 release between v$major.$((minor - 40)).0 and v$wanted"
[ "$built" = "$wanted" ] || log "WARNING: building pulumi v$built, not v$wanted (the proxy refuses v$wanted); the CLI is backward compatible with newer SDKs for what this project uses"

work="$cache_root/build-v$built"
bin="$cache_root/pulumi-v$built/bin"
mkdir -p "$work" "$bin"
cat > "$work/go.mod" <<EOF
module pulumi-cli-build

go 1.24

require (
	github.com/pulumi/pulumi/pkg/v3 v$built
	github.com/pulumi/pulumi/sdk/v3 v$built
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF
printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' > "$work/tools.go"

log "step 2/4: resolving and downloading modules (hundreds; cached in $(go env GOMODCACHE))"
(cd "$work" && go mod tidy >/dev/null 2>"$work/tidy.log") || { tail -n 20 "$work/tidy.log" >&2; die "go mod tidy failed (log: $work/tidy.log)"; }
n=0
while IFS= read -r line; do
  case "$line" in *'"Path"'*) n=$((n + 1)); [ $((n % 100)) -eq 0 ] && log "  $n modules ready ($((SECONDS - start))s)";; esac
done < <(cd "$work" && go mod download -json all 2>&1)
log "  $n modules ready ($((SECONDS - start))s)"

log "step 3/4: compiling pulumi v$built (a cold build takes 10-20 minutes on 2 cores)"
n=0
(cd "$work" && go build -v -trimpath -tags osusergo,grpcnotrace \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$built" \
  -o "$bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi 2>&1) > "$work/build.log" &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
  sleep 15
  n=$(grep -c . "$work/build.log" || true)
  log "  compiling... $n packages done ($((SECONDS - start))s)"
done
wait "$pid" || { tail -n 30 "$work/build.log" >&2; die "go build failed (log: $work/build.log)"; }
mv -f "$bin/pulumi.tmp" "$bin/pulumi"
cp -f "$shim_src" "$bin/"

# The Node.js language host has no release tags: it is asked for at the commit of
# the CLI's release tag. Where the proxy refuses that, the host is built from
# sdk/v3@v3.68.0, the last release that carried it inside the SDK module; the
# language host protocol is stable enough for running programs.
log "step 4/4: building pulumi-language-nodejs"
lh_work="$cache_root/build-language-nodejs-v$built"
mkdir -p "$lh_work"
lh_mod="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
info="$(go mod download -json "github.com/pulumi/pulumi/pkg/v3@v$built" 2>/dev/null || true)"
hash="$(printf '%s' "$info" | sed -n 's/.*"Hash": *"\([0-9a-f]\{12\}\).*/\1/p' | head -n1)"
when="$(printf '%s' "$info" | sed -n 's/.*"Time": *"\([^"]*\)".*/\1/p' | head -n1)"
lh_pkg=""
if [ -n "$hash" ] && [ -n "$when" ]; then
  pseudo="v3.0.0-$(date -u -d "$when" +%Y%m%d%H%M%S)-$hash"
  if go mod download "$lh_mod@$pseudo" >/dev/null 2>&1; then
    printf 'module lh\n\ngo 1.24\n\nrequire %s %s\n' "$lh_mod" "$pseudo" > "$lh_work/go.mod"
    lh_pkg="$lh_mod"; lh_version="v$built"
  fi
fi
if [ -z "$lh_pkg" ]; then
  log "WARNING: the proxy refuses $lh_mod at the v$built release commit; building the language host of sdk/v3@v3.68.0 instead"
  printf 'module lh\n\ngo 1.24\n\nrequire github.com/pulumi/pulumi/sdk/v3 v3.68.0\n' > "$lh_work/go.mod"
  lh_pkg="github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"; lh_version="v3.68.0"
fi
printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$lh_pkg" > "$lh_work/tools.go"
(cd "$lh_work" && go mod tidy >"$lh_work/build.log" 2>&1 && go build -trimpath \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$lh_version" \
  -o "$bin/pulumi-language-nodejs" "$lh_pkg" >>"$lh_work/build.log" 2>&1) \
  || { tail -n 30 "$lh_work/build.log" >&2; die "building pulumi-language-nodejs failed (log: $lh_work/build.log)"; }

got="$(cli_version "$bin/pulumi")"
[ "$got" = "$built" ] || die "the built pulumi reports version '$got', expected $built"
echo "$built" > "$resolved_file"
log "built pulumi v$built in $((SECONDS - start))s: $bin"
echo "$bin"
