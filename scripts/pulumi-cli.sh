#!/usr/bin/env bash
# Provides a working Pulumi CLI and prints the directory that holds it (its `bin`).
#
#   bash scripts/pulumi-cli.sh            # progress on stderr, bin dir on stdout
#   bash scripts/pulumi-cli.sh --start    # starts it in the background and returns at once: a
#                                         # later call waits for it, showing its progress
#
# Order of preference:
#   1. PULUMI_CLI_BIN=<dir>: a directory holding `pulumi`, used as is.
#   2. A `pulumi` on PATH whose version is at least PULUMI_MIN_VERSION.
#   3. The cache: ~/.cache/pulumi-huaweicloud-kms/cli-vX.Y.Z/bin (seconds).
#   4. A build from the Go module proxy (about 5 minutes on an idle 2-core machine, once per
#      machine; the CLI is most of it: the language hosts reuse its compiled packages).
#
# What goes into the bin dir:
#   pulumi                         github.com/pulumi/pulumi/pkg/v3: the newest release the
#                                  Go proxy serves that is >= the installed @pulumi/pulumi;
#                                  only when none is served, the newest older one (warning).
#   pulumi-language-nodejs         sdk/v3@v3.68.0 (the last release carrying it in the SDK
#                                  module; the proxy refuses its own module), unless the
#                                  proxy serves it at the CLI's release commit.
#   pulumi-language-yaml           github.com/pulumi/pulumi-yaml: the newest release the
#                                  proxy serves that builds (with the pkg/sdk versions it
#                                  requires, else with the CLI's).
#   pulumi-language-python(-exec)  sdk/v3@v3.79.0, the last release carrying the Python host
#                                  in the SDK module (v3.68.0 if that fails); the -exec
#                                  script comes from the same module directory.
#   pulumi-language-go             sdk/v3@v3.52.0, the oldest release the proxy serves, which
#                                  carries go/pulumi-language-go (releases after v3.62 moved it
#                                  to a module the proxy refuses); checked with CLI 3.277. It
#                                  builds Go programs with the `go` on PATH, against the sdk/v3
#                                  their go.mod requires.
#   pulumi-resource-pulumi-nodejs  the dynamic-provider shim from node_modules/@pulumi/pulumi.
#
# The cache records, per @pulumi/pulumi version, which versions were chosen
# (resolved-v2-sdk-vX.Y.Z) and, per part, a stamp (cli-v*/built/<part>-v<version>);
# YAML releases that fail to compile are listed in `unbuildable` (delete it to retry):
# a warm lookup reads files only. Every PULUMI_KMS_CLI_RECHECK_HOURS (24) it asks the
# proxy whether a newer CLI or YAML host is served (about a second; skipped when the
# proxy cannot be reached) and builds only the parts whose version changed.
# GOMODCACHE and GOCACHE are Go's own (~/go/pkg/mod, ~/.cache/go-build).
set -euo pipefail
{ # read to the end before running: the file may be edited while a build runs

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '[pulumi-cli] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

min_version="${PULUMI_MIN_VERSION:-3.200.0}"
cache_root="${PULUMI_KMS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-huaweicloud-kms}"
recheck_hours="${PULUMI_KMS_CLI_RECHECK_HOURS:-24}"
shim_src="$here/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

cli_mod="github.com/pulumi/pulumi/pkg/v3"
sdk_mod="github.com/pulumi/pulumi/sdk/v3"
yaml_mod="github.com/pulumi/pulumi-yaml"
yaml_pkg="$yaml_mod/cmd/pulumi-language-yaml"
nodejs_mod="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
python_sdk_versions="3.79.0 3.68.0" # sdk/v3 releases carrying python/cmd/pulumi-language-python, newest first
go_sdk_version="3.52.0"             # the sdk/v3 release the Go language host (go/pulumi-language-go) is built from
nodejs_sdk_version="3.68.0"         # the last sdk/v3 release carrying nodejs/cmd/pulumi-language-nodejs
version_ldflag="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"

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

# The CLI is built for the installed @pulumi/pulumi; before `npm ci` has installed it (CI starts
# the build first), for the version package-lock.json pins, which is what `npm ci` installs.
if [ -f "$here/node_modules/@pulumi/pulumi/package.json" ]; then
  wanted="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$here/node_modules/@pulumi/pulumi/package.json" | head -n1)"
elif [ -f "$here/package-lock.json" ]; then
  wanted="$(awk '/^    "node_modules\/@pulumi\/pulumi": \{/ { f = 1 } f && /"version":/ { gsub(/[",]/, "", $2); print $2; exit }' "$here/package-lock.json")"
fi
[ -n "${wanted:-}" ] || die "run 'npm ci' first: @pulumi/pulumi is not installed"

# --start: starts a build (or the cache lookup) in the background and returns. CI starts it
# before `npm ci`, and `npm test` before compiling and linting the TypeScript: Go downloads
# modules and compiles meanwhile, sharing the 2 cores instead of waiting for its turn. The
# call before the tests waits for it (the build lock below), showing its progress.
if [ "${1:-}" = "--start" ]; then
  mkdir -p "$cache_root"
  if command -v flock >/dev/null && ! flock -n "$cache_root/.build.lock" true; then
    log "a build is already under way in $cache_root"; exit 0
  fi
  setsid bash "${BASH_SOURCE[0]}" > "$cache_root/background.log" 2>&1 < /dev/null &
  echo "$!" > "$cache_root/background.pid"
  log "started in the background (log: $cache_root/background.log)"
  exit 0
fi

mkdir -p "$cache_root"
resolved_file="$cache_root/resolved-v2-sdk-v$wanted"
unbuildable_file="$cache_root/unbuildable" # "<module>@<version>" lines that failed to build
cli="" nodejs="" yaml="" python="" golang=""

read_resolved() { # sets cli, nodejs, yaml, python, golang from the resolution file
  [ -f "$resolved_file" ] || return 1
  local k v
  while IFS='=' read -r k v; do
    case "$k" in cli) cli="$v";; nodejs) nodejs="$v";; yaml) yaml="$v";; python) python="$v";; go) golang="$v";; esac
  done < "$resolved_file"
  [ -n "$cli" ] && [ -n "$nodejs" ] && [ -n "$yaml" ] && [ -n "$python" ] && [ -n "$golang" ]
}

complete() { # the bin dir of the resolved versions holds every part
  local set="$cache_root/cli-v$cli"
  [ -f "$set/built/cli-v$cli" ] && [ -f "$set/built/nodejs-v$nodejs" ] \
    && [ -f "$set/built/yaml-v$yaml" ] && [ -f "$set/built/python-v$python" ] \
    && [ -f "$set/built/go-v$golang" ] \
    && [ -x "$set/bin/pulumi" ] && [ -x "$set/bin/pulumi-language-nodejs" ] \
    && [ -x "$set/bin/pulumi-language-yaml" ] && [ -x "$set/bin/pulumi-language-python" ] \
    && [ -x "$set/bin/pulumi-language-python-exec" ] && [ -x "$set/bin/pulumi-language-go" ] \
    && [ "$(cli_version "$set/bin/pulumi")" = "$cli" ]
}

use_cache() {
  local bin="$cache_root/cli-v$cli/bin"
  cp -f "$shim_src" "$bin/" 2>/dev/null || true
  log "using cached pulumi v$cli, language hosts nodejs v$nodejs, yaml v$yaml, python v$python, go v$golang ($bin)"
  echo "$bin"; exit 0
}

# --- Go module proxy queries ---------------------------------------------------------
go_timeout="" # seconds allowed per go command (set for the daily check only)
gocmd() { (cd "$cache_root" && GOWORK=off GOFLAGS="-mod=mod" CGO_ENABLED=0 ${go_timeout:+timeout "$go_timeout"} "$@"); }

listed() { # listed MODULE: versions the proxy lists (plus @latest), newest first, vX.Y.Z only
  { gocmd go list -m -versions "$1" 2>/dev/null | tr ' ' '\n' | tail -n +2
    gocmd go list -m "$1@latest" 2>/dev/null | awk '{print $2}'
  } | sed 's/^v//' | grep -E '^[0-9]+\.[0-9]+\.[0-9]+$' | sort -u -V -r
}

refusal="" # the proxy's answer to the last refused download
served() { # served MODULE VERSION: the proxy hands out its source (info, go.mod and zip)
  local out
  if out="$(gocmd go mod download -json "$1@v$2" 2>&1)"; then refusal=""; return 0; fi
  refusal="$(printf '%s\n' "$out" | sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' | head -n1 | sed 's/\\n\\t/ | /g')"
  [ -n "$refusal" ] || refusal="$(printf '%s' "$out" | tail -n1)"
  return 1
}

unbuildable() { grep -qxF "$1@v$2" "$unbuildable_file" 2>/dev/null; }

resolve_cli() { # sets cli: newest served release >= wanted, else the newest older one
  local all v newer older tried=0
  all="$(listed "$cli_mod")"
  [ -n "$all" ] || return 1
  newer="$(printf '%s\n' "$all" | while read -r v; do version_ge "$v" "$wanted" && echo "$v"; done || true)"
  older="$(printf '%s\n' "$all" | while read -r v; do version_ge "$v" "$wanted" || echo "$v"; done || true)"
  for v in $newer; do
    if served "$cli_mod" "$v"; then cli="$v"; return 0; fi
    log "  the proxy refuses $cli_mod@v$v: $refusal"
  done
  log "WARNING: the Go module proxy serves no $cli_mod release >= v$wanted (the installed @pulumi/pulumi); falling back to the newest older release it serves"
  for v in $older; do
    tried=$((tried + 1)); [ "$tried" -le 20 ] || break
    if served "$cli_mod" "$v"; then cli="$v"; return 0; fi
    log "  the proxy refuses $cli_mod@v$v: $refusal"
  done
  return 1
}

# 3. Cache.
if read_resolved && complete; then
  age_ok=1
  if [ "$recheck_hours" -gt 0 ] 2>/dev/null && [ -z "$(find "$resolved_file" -mmin -"$((recheck_hours * 60))" 2>/dev/null)" ]; then age_ok=0; fi
  [ "$age_ok" = 1 ] && use_cache
  if ! command -v go >/dev/null; then touch "$resolved_file"; use_cache; fi
  log "checking the Go module proxy for newer releases (every ${recheck_hours}h; PULUMI_KMS_CLI_RECHECK_HOURS)"
  old_cli="$cli" old_yaml="$yaml" go_timeout=20
  newest_yaml="$(listed "$yaml_mod" | while read -r v; do unbuildable "$yaml_mod" "$v" || { echo "$v"; break; }; done || true)"
  if ! resolve_cli 2>/dev/null; then cli="$old_cli"; fi
  if [ "$cli" = "$old_cli" ] && { [ -z "$newest_yaml" ] || ! version_ge "$newest_yaml" "$old_yaml" || [ "$newest_yaml" = "$old_yaml" ]; }; then
    touch "$resolved_file"; use_cache
  fi
  log "newer releases are served (pulumi v$old_cli -> v$cli, pulumi-yaml v$old_yaml -> v${newest_yaml:-$old_yaml}); building them"
  go_timeout=""
fi

# 4. Build from the Go module proxy, one build at a time (test files may call this in parallel).
command -v go >/dev/null || die "no 'go' on PATH: install Go >= 1.24, or put a pulumi >= $min_version on PATH"
if command -v flock >/dev/null; then
  exec 9>"$cache_root/.build.lock"
  if ! flock -n 9; then
    log "another build is under way in $cache_root; waiting for it"
    tail_pid=""
    if [ -f "$cache_root/background.pid" ] && kill -0 "$(cat "$cache_root/background.pid")" 2>/dev/null; then
      tail -n +1 -f --pid="$(cat "$cache_root/background.pid")" "$cache_root/background.log" >&2 &
      tail_pid=$!
    fi
    flock 9
    [ -z "$tail_pid" ] || { sleep 0.2; kill "$tail_pid" 2>/dev/null || true; wait "$tail_pid" 2>/dev/null || true; }
    if read_resolved && complete; then touch "$resolved_file"; use_cache; fi
  fi
fi
start=$SECONDS
log "building into $cache_root (modules: $(gocmd go env GOMODCACHE), compiled packages: $(gocmd go env GOCACHE))"

log "step 1/6: finding the pulumi release to build for @pulumi/pulumi $wanted"
resolve_cli || die "the Go module proxy serves no usable $cli_mod release (is it reachable? GOPROXY=$(gocmd go env GOPROXY))"
if version_ge "$cli" "$wanted"; then
  log "  pulumi v$cli (>= v$wanted)"
else
  log "WARNING: building pulumi v$cli, older than @pulumi/pulumi v$wanted; the Automation API accepts any CLI >= 3.2"
fi

set_dir="$cache_root/cli-v$cli"
bin="$set_dir/bin"
mkdir -p "$bin" "$set_dir/built" "$set_dir/build"

step_start=0
run_build() { # run_build LOGFILE LABEL CMD...: runs CMD in the background, reporting progress
  local logfile="$1" label="$2"; shift 2
  local pid n
  ( "$@" ) > "$logfile" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do kill -0 "$pid" 2>/dev/null && sleep 1; done
    kill -0 "$pid" 2>/dev/null || break
    n=$(grep -c . "$logfile" || true)
    log "  $label... $n packages compiled ($((SECONDS - step_start))s this step, $((SECONDS - start))s in all)"
  done
  wait "$pid"
}

wrapper() { # wrapper DIR "REQUIRE LINES" PACKAGE...: a throwaway module that imports the packages
  local dir="$1" req="$2"; shift 2
  mkdir -p "$dir"
  printf 'module pulumi-cli-build\n\ngo 1.24\n\nrequire (\n%s\n)\n\nreplace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e\n' "$req" > "$dir/go.mod"
  rm -f "$dir/go.sum"
  { printf '//go:build tools\n\npackage tools\n\nimport (\n'; printf '\t_ "%s"\n' "$@"; printf ')\n'; } > "$dir/tools.go"
}

gomod() { (cd "$1" && shift && GOWORK=off GOFLAGS=-mod=mod nice -n 19 go "$@"); } # gomod DIR ARGS...: go in a wrapper module

download_all() { # download_all DIR [quiet]: tidy and download every module, counting them
  local dir="$1" quiet="${2:-}" n=0 line
  gomod "$dir" mod tidy >"$dir/tidy.log" 2>&1 || return 1
  while IFS= read -r line; do
    case "$line" in *'"Path"'*) n=$((n + 1)); [ -z "$quiet" ] && [ $((n % 100)) -eq 0 ] && log "  $n modules ready ($((SECONDS - step_start))s)";; esac
  done < <(gomod "$dir" mod download -json all 2>&1)
  [ -n "$quiet" ] || log "  $n modules ready ($((SECONDS - step_start))s)"
}

# The language hosts come from older pulumi releases, which require older versions of the same
# third-party modules as the CLI (gRPC, protobuf, golang.org/x/...). Go's compile cache keys each
# package on its version and its dependencies: required at the CLI's versions, they come from the
# cache the CLI build just filled instead of being compiled again (about two thirds of the hosts'
# packages). Pulumi's own modules keep the versions the host's release requires.
cli_modules="" # "path version" lines of the CLI build's module graph, sorted

align() { # align DIR: requires each module of DIR's graph at the CLI build's version; undone if pulumi's own would move
  local dir="$1" before after
  [ -s "$cli_modules" ] || return 0
  before="$(gomod "$dir" list -m -f '{{.Path}} {{.Version}}' all)" || return 1
  local reqs=() path ver
  while read -r path ver; do reqs+=("-require=$path@$ver"); done < <(
    printf '%s\n' "$before" | grep -v '^github.com/pulumi/' | LC_ALL=C sort | LC_ALL=C join -o 1.1,1.2,2.2 - "$cli_modules" \
      | awk 'NF == 3 && $2 != $3 { print $1, $3 }')
  [ "${#reqs[@]}" -gt 0 ] || return 0
  cp -f "$dir/go.mod" "$dir/go.mod.unaligned"; cp -f "$dir/go.sum" "$dir/go.sum.unaligned"
  gomod "$dir" mod edit "${reqs[@]}" && gomod "$dir" mod tidy >>"$dir/tidy.log" 2>&1 \
    && after="$(gomod "$dir" list -m -f '{{.Path}} {{.Version}}' all)" \
    && [ "$(printf '%s\n' "$before" | grep '^github.com/pulumi/pulumi/')" = "$(printf '%s\n' "$after" | grep '^github.com/pulumi/pulumi/')" ] \
    && { echo "${#reqs[@]}" > "$dir/aligned"; return 0; }
  mv -f "$dir/go.mod.unaligned" "$dir/go.mod"; mv -f "$dir/go.sum.unaligned" "$dir/go.sum"
  return 0
}

prepare() { # prepare DIR "REQUIRE LINES" PACKAGE [unaligned]: wrapper, tidied (aligned with the CLI) and downloaded; once per input
  local dir="$1" req="$2" pkg="$3" how="${4:-aligned}" key
  key="$(printf '%s|%s|%s|%s' "$req" "$pkg" "$how" "$(cat "$cli_modules" 2>/dev/null)" | cksum)"
  if [ -f "$dir/prepared" ] && [ "$(cat "$dir/prepared")" = "$key" ]; then return 0; fi
  rm -f "$dir/prepared" "$dir/aligned"
  wrapper "$dir" "$req" "$pkg"
  download_all "$dir" quiet || return 1
  if [ "$how" = aligned ]; then align "$dir" && download_all "$dir" quiet || return 1; fi
  echo "$key" > "$dir/prepared"
}

build_host() { # build_host DIR "REQUIRE LINES" PACKAGE OUT LDFLAGS LABEL: aligned first, else as the release requires
  local dir="$1" req="$2" pkg="$3" out="$4" ld="$5" label="$6"
  if prepare "$dir" "$req" "$pkg"; then
    # Without an `aligned` mark the wrapper already holds the versions the release requires.
    [ -f "$dir/aligned" ] || { run_build "$dir/build.log" "$label" gobuild "$dir" "$out" "$ld" "$pkg"; return; }
    log "  $(cat "$dir/aligned") modules required at the CLI build's versions ($((SECONDS - step_start))s)"
    run_build "$dir/build.log" "$label" gobuild "$dir" "$out" "$ld" "$pkg" && return 0
    log "  that failed with the CLI's module versions ($(tail -n 1 "$dir/build.log" 2>/dev/null)); building with the versions its release requires"
  fi
  prepare "$dir" "$req" "$pkg" unaligned && log "  modules ready ($((SECONDS - step_start))s)" \
    && run_build "$dir/build.log" "$label" gobuild "$dir" "$out" "$ld" "$pkg"
}

gobuild() { # gobuild DIR OUT LDFLAGS PACKAGE
  # GOGC=400: the compiler collects garbage less often (more memory per compile, less time on 2 cores).
  cd "$1" && GOGC=400 GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 nice -n 19 go build -v -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w $3" -o "$2" "$4"
}

stamp() { # stamp PART VERSION: records a finished part and how long it took
  rm -f "$set_dir/built/$1-v"*
  echo "built in $((SECONDS - step_start))s on $(date -u +%FT%TZ)" > "$set_dir/built/$1-v$2"
  log "  $1 v$2 built in $((SECONDS - step_start))s"
}

prefetch_hosts() { # prepares the language hosts' wrappers (their modules downloaded) while the CLI compiles
  local v
  if [ ! -f "$set_dir/built/yaml-v$(listed "$yaml_mod" | head -n1)" ]; then
    v="$(listed "$yaml_mod" | while read -r v; do unbuildable "$yaml_mod" "$v" || { echo "$v"; break; }; done || true)"
    [ -n "$v" ] && served "$yaml_mod" "$v" && prepare "$set_dir/build/yaml" "$(printf '\t%s v%s' "$yaml_mod" "$v")" "$yaml_pkg"
  fi
  [ -f "$set_dir/built/nodejs-v$nodejs_sdk_version" ] \
    || prepare "$set_dir/build/nodejs" "$(printf '\t%s v%s' "$sdk_mod" "$nodejs_sdk_version")" "$sdk_mod/nodejs/cmd/pulumi-language-nodejs"
  v="${python_sdk_versions%% *}"
  [ -f "$set_dir/built/python-v$v" ] || prepare "$set_dir/build/python" "$(printf '\t%s v%s' "$sdk_mod" "$v")" "$sdk_mod/python/cmd/pulumi-language-python"
  [ -f "$set_dir/built/go-v$go_sdk_version" ] || prepare "$set_dir/build/go" "$(printf '\t%s v%s' "$sdk_mod" "$go_sdk_version")" "$sdk_mod/go/pulumi-language-go"
}

# --- pulumi --------------------------------------------------------------------------
step_start=$SECONDS
cli_modules="$set_dir/build/cli-modules"
prefetch_pid=""
if [ -f "$set_dir/built/cli-v$cli" ] && [ -x "$bin/pulumi" ]; then
  log "step 2/6: pulumi v$cli is already built"
  gocmd go version -m "$bin/pulumi" | awk '$1 == "dep" { print $2, $3 }' | LC_ALL=C sort -u > "$cli_modules" || rm -f "$cli_modules"
else
  work="$set_dir/build/cli"
  log "step 2/6: pulumi v$cli: resolving and downloading modules (hundreds)"
  wrapper "$work" "$(printf '\t%s v%s\n\t%s v%s' "$cli_mod" "$cli" "$sdk_mod" "$cli")" "$cli_mod/cmd/pulumi"
  gomod "$work" mod tidy >"$work/tidy.log" 2>&1 || { tail -n 20 "$work/tidy.log" >&2; die "go mod tidy failed (log: $work/tidy.log)"; }
  gomod "$work" list -m -f '{{if .Version}}{{.Path}} {{.Version}}{{end}}' all | LC_ALL=C sort > "$cli_modules"
  log "  the language hosts' modules download meanwhile (log: $set_dir/build/prefetch.log)"
  prefetch_hosts > "$set_dir/build/prefetch.log" 2>&1 &
  prefetch_pid=$!
  download_all "$work" || { tail -n 20 "$work/tidy.log" >&2; die "go mod tidy failed (log: $work/tidy.log)"; }
  log "  compiling pulumi v$cli (about 5 minutes cold on 2 cores)"
  run_build "$work/build.log" "compiling pulumi" gobuild "$work" "$bin/pulumi.tmp" "$version_ldflag=v$cli" "$cli_mod/cmd/pulumi" \
    || { tail -n 30 "$work/build.log" >&2; die "go build failed (log: $work/build.log)"; }
  mv -f "$bin/pulumi.tmp" "$bin/pulumi"
  got="$(cli_version "$bin/pulumi")"
  [ "$got" = "$cli" ] || die "the built pulumi reports version '$got', expected $cli"
  stamp cli "$cli"
fi
cp -f "$shim_src" "$bin/" 2>/dev/null || true # also on each use of the cache: npm ci may not have run yet
# The hosts' wrappers are the prefetch's until it ends; one that failed is prepared again below.
[ -z "$prefetch_pid" ] || wait "$prefetch_pid" || log "  preparing the language hosts' modules failed (log: $set_dir/build/prefetch.log); retrying each"

# --- pulumi-language-yaml --------------------------------------------------------------
# Built with the pulumi pkg/sdk versions its release requires (v1.25.0 does not compile
# against pkg v3.274.1); only if that fails, against the CLI's.
step_start=$SECONDS
log "step 3/6: pulumi-language-yaml: finding the newest release the proxy serves"
yaml=""
for v in $(listed "$yaml_mod"); do
  unbuildable "$yaml_mod" "$v" && continue
  if ! served "$yaml_mod" "$v"; then log "  the proxy refuses $yaml_mod@v$v: $refusal"; continue; fi
  if [ -f "$set_dir/built/yaml-v$v" ] && [ -x "$bin/pulumi-language-yaml" ]; then yaml="$v"; log "  pulumi-language-yaml v$v is already built"; break; fi
  work="$set_dir/build/yaml"
  ld="-X $yaml_mod/pkg/version.Version=v$v"
  log "  building pulumi-language-yaml v$v"
  if build_host "$work" "$(printf '\t%s v%s' "$yaml_mod" "$v")" "$yaml_pkg" "$bin/pulumi-language-yaml.tmp" "$ld" "compiling pulumi-language-yaml"; then
    yaml="$v"
  else
    log "  that failed ($(tail -n 1 "$work/build.log" 2>/dev/null)); building v$v against pulumi v$cli"
    if build_host "$work" "$(printf '\t%s v%s\n\t%s v%s\n\t%s v%s' "$yaml_mod" "$v" "$cli_mod" "$cli" "$sdk_mod" "$cli")" "$yaml_pkg" \
      "$bin/pulumi-language-yaml.tmp" "$ld" "compiling pulumi-language-yaml"; then
      yaml="$v"
    else
      log "WARNING: pulumi-language-yaml v$v does not build here (log: $work/build.log); trying an older release"
      # Remembered only for compile errors, not for a failed download.
      grep -qE '\.go:[0-9]+:[0-9]+: ' "$work/build.log" 2>/dev/null && echo "$yaml_mod@v$v" >> "$unbuildable_file"
      continue
    fi
  fi
  mv -f "$bin/pulumi-language-yaml.tmp" "$bin/pulumi-language-yaml"
  stamp yaml "$yaml"
  break
done
[ -n "$yaml" ] || die "no pulumi-language-yaml release served by the proxy builds here (logs: $set_dir/build/yaml)"

# --- pulumi-language-nodejs -------------------------------------------------------------
# The Node.js language host has no release tags: it is asked for at the commit of the
# CLI's release tag. Where the proxy refuses that (or gives no commit), it is built from
# sdk/v3@v3.68.0, the last release that carried it inside the SDK module; the language
# host protocol is stable enough for running programs.
step_start=$SECONDS
lh_work="$set_dir/build/nodejs"
info="$(gocmd go mod download -json "$cli_mod@v$cli" 2>/dev/null || true)"
hash="$(printf '%s' "$info" | sed -n 's/.*"Hash": *"\([0-9a-f]\{12\}\).*/\1/p' | head -n1)"
when="$(printf '%s' "$info" | sed -n 's/.*"Time": *"\([^"]*\)".*/\1/p' | head -n1)"
nodejs="$nodejs_sdk_version"
pseudo=""
if [ -n "$hash" ] && [ -n "$when" ]; then
  pseudo="v3.0.0-$(date -u -d "$when" +%Y%m%d%H%M%S)-$hash"
  if served "$nodejs_mod" "${pseudo#v}"; then nodejs="$cli"; else pseudo=""; fi
fi
if [ -f "$set_dir/built/nodejs-v$nodejs" ] && [ -x "$bin/pulumi-language-nodejs" ]; then
  log "step 4/6: pulumi-language-nodejs v$nodejs is already built"
else
  if [ -n "$pseudo" ]; then
    log "step 4/6: building pulumi-language-nodejs at the v$cli release commit ($pseudo)"
    lh_req="$(printf '\t%s %s' "$nodejs_mod" "$pseudo")"
    lh_pkg="$nodejs_mod"
  else
    log "step 4/6: building pulumi-language-nodejs from sdk/v3@v$nodejs (the proxy refuses $nodejs_mod at the v$cli release commit)"
    lh_pkg="$sdk_mod/nodejs/cmd/pulumi-language-nodejs"
    lh_req="$(printf '\t%s v%s' "$sdk_mod" "$nodejs")"
  fi
  build_host "$lh_work" "$lh_req" "$lh_pkg" "$bin/pulumi-language-nodejs" "$version_ldflag=v$nodejs" "compiling pulumi-language-nodejs" \
    || { tail -n 30 "$lh_work/build.log" >&2; die "building pulumi-language-nodejs failed (log: $lh_work/build.log)"; }
  stamp nodejs "$nodejs"
fi

# --- pulumi-language-python and pulumi-language-python-exec ------------------------------
# Later releases moved the Python host into its own module, which the proxy refuses; the
# -exec script the host runs (found next to the host binary) ships in the same directory
# of the SDK module, without its executable bit.
step_start=$SECONDS
python=""
for v in $python_sdk_versions; do
  if [ -f "$set_dir/built/python-v$v" ] && [ -x "$bin/pulumi-language-python" ] && [ -x "$bin/pulumi-language-python-exec" ]; then
    python="$v"; log "step 5/6: pulumi-language-python v$v is already built"; break
  fi
  work="$set_dir/build/python"
  log "step 5/6: building pulumi-language-python from sdk/v3@v$v"
  lh_pkg="$sdk_mod/python/cmd/pulumi-language-python"
  if served "$sdk_mod" "$v" && build_host "$work" "$(printf '\t%s v%s' "$sdk_mod" "$v")" "$lh_pkg" \
    "$bin/pulumi-language-python" "$version_ldflag=v$v" "compiling pulumi-language-python"; then
    src="$(gocmd go mod download -json "$sdk_mod@v$v" 2>/dev/null | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n1)"
    [ -f "$src/python/cmd/pulumi-language-python-exec" ] || die "sdk/v3@v$v has no python/cmd/pulumi-language-python-exec"
    install -m 0755 "$src/python/cmd/pulumi-language-python-exec" "$bin/pulumi-language-python-exec"
    python="$v"; stamp python "$v"; break
  fi
  log "WARNING: the Python language host of sdk/v3@v$v did not build (${refusal:-log: $work/build.log}); trying an older one"
done
[ -n "$python" ] || die "no Python language host builds here (logs: $set_dir/build/python)"

# --- pulumi-language-go ---------------------------------------------------------------------
# Releases after v3.62 moved the Go host into its own module (sdk/go/pulumi-language-go), which
# the proxy refuses. The host compiles each Go program with the `go` on PATH, against whatever
# sdk/v3 the program's go.mod requires.
step_start=$SECONDS
golang="$go_sdk_version"
if [ -f "$set_dir/built/go-v$golang" ] && [ -x "$bin/pulumi-language-go" ]; then
  log "step 6/6: pulumi-language-go v$golang is already built"
else
  work="$set_dir/build/go"
  log "step 6/6: building pulumi-language-go from sdk/v3@v$golang"
  lh_pkg="$sdk_mod/go/pulumi-language-go"
  { served "$sdk_mod" "$golang" && build_host "$work" "$(printf '\t%s v%s' "$sdk_mod" "$golang")" "$lh_pkg" \
      "$bin/pulumi-language-go.tmp" "$version_ldflag=v$golang" "compiling pulumi-language-go"; } \
    || { tail -n 30 "$work/build.log" >&2 2>/dev/null || true; die "building pulumi-language-go failed (${refusal:-log: $work/build.log})"; }
  mv -f "$bin/pulumi-language-go.tmp" "$bin/pulumi-language-go"
  stamp go "$golang"
fi

printf 'cli=%s\nnodejs=%s\nyaml=%s\npython=%s\ngo=%s\n' "$cli" "$nodejs" "$yaml" "$python" "$golang" > "$resolved_file.tmp"
mv -f "$resolved_file.tmp" "$resolved_file"
log "ready in $((SECONDS - start))s: pulumi v$cli, language hosts nodejs v$nodejs, yaml v$yaml, python v$python, go v$golang: $bin"
echo "$bin"
exit 0
}
