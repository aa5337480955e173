#!/usr/bin/env bash
# Everything CI checks, in order, stopping at the first failure, then one line: `N passed, N failed`.
# Each test counts one; a check that is not a test runner (fmt, clippy, the UI's type check and
# lint) counts as one; a build that fails counts as one failure.
set -uo pipefail
cd "$(dirname "$0")/.."

export NO_COLOR=1 CARGO_TERM_COLOR=never
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

finish() {
  printf '\n%s passed, %s failed\n' "$passed" "$failed"
  exit $((failed > 0))
}

# step NAME COUNTER COMMAND...: runs COMMAND, shows its output, adds what COUNTER reads in it.
step() {
  local name=$1 counter=$2 start=$SECONDS status counts
  shift 2
  printf '\n==> %s\n' "$name"
  "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  counts=$("$counter" "$status" <"$log")
  passed=$((passed + ${counts% *}))
  failed=$((failed + ${counts#* }))
  if [ "$status" = 0 ]; then
    printf '==> %s: ok (%ss)\n' "$name" $((SECONDS - start))
  else
    # A runner that stopped before reporting (a build error) still failed.
    [ "${counts#* }" = 0 ] && failed=$((failed + 1))
    printf '==> %s: FAILED (%ss)\n' "$name" $((SECONDS - start))
    finish
  fi
}

# Counters: read a step's output on stdin, print "PASSED FAILED".
check() { cat >/dev/null; if [ "$1" = 0 ]; then echo "1 0"; else echo "0 1"; fi; }
build() { cat >/dev/null; echo "0 0"; }
cargo_tests() {
  awk '/^test result:/ { for (i = 1; i < NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
       END { print p + 0, f + 0 }'
}
vitest() {
  awk '$1 == "Tests" { for (i = 2; i < NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
       END { print p + 0, f + 0 }'
}
node_tap() { awk '$1 == "#" && $2 == "pass" { p += $3 } $1 == "#" && $2 == "fail" { f += $3 } END { print p + 0, f + 0 }'; }

step "format" check cargo fmt --all --check
# hearth-app embeds the built UI: it must exist before anything compiles the app.
step "build the UI" build npm --prefix ui run --silent build
step "clippy" check cargo clippy --workspace --all-targets --locked -- -D warnings
step "Rust tests" cargo_tests cargo test --workspace --locked
step "UI type check" check npm --prefix ui run --silent check
step "UI lint" check npm --prefix ui run --silent lint
step "UI unit tests" vitest npm --prefix ui run --silent test
# The browser tests drive hearth-proxy and hearth-sim too; the end-to-end tests drive the app.
# hearth-proxy's API against its OpenAPI document: schemathesis from PyPI, in a venv under the
# target directory (Debian's pip refuses system installs), installed where missing.
schemathesis_venv() {
  local want=4.32.5
  if [ "$("$schemathesis_dir/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $want" ]; then
    rm -rf "$schemathesis_dir" &&
      python3 -m venv "$schemathesis_dir" &&
      "$schemathesis_dir/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$want"
  fi
}
target_dir=${CARGO_TARGET_DIR:-target}
[ "${target_dir#/}" = "$target_dir" ] && target_dir=$PWD/$target_dir
schemathesis_dir=$target_dir/schemathesis-venv
step "install schemathesis" build schemathesis_venv
# --workspace, as in "Rust tests": the same features, so nothing is compiled again.
step "hearth-proxy against its OpenAPI document (schemathesis)" cargo_tests \
  env HEARTH_SCHEMATHESIS="$schemathesis_dir/bin/schemathesis" \
  cargo test --workspace --locked --test schemathesis -- --ignored
step "build the binaries" build cargo build --locked -p hearth-app -p hearth-cli -p hearth-proxy -p hearth-sim --bins
step "browser tests" node_tap npm --prefix ui run --silent test:browser
step "end-to-end tests of the app" cargo_tests \
  cargo test --locked -p hearth-tests --test app -- --ignored --test-threads=1
# The .deb and .rpm of the debug build (the binary is already built: seconds, not a release build).
step "build the packages" build ui/node_modules/.bin/tauri build --debug --bundles deb,rpm
step "package tests" cargo_tests cargo test --locked -p hearth-tests --test package -- --ignored
finish
