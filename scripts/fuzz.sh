#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a bounded time, one after another.
#
#   bash scripts/fuzz.sh [seconds-per-target] [target...]     (default: 60 s, all targets)
#
# Needs a nightly toolchain (`rustup toolchain install nightly`) and cargo-fuzz
# (`cargo install cargo-fuzz`); installs cargo-fuzz when missing. Not part of scripts/test.sh
# (too slow); the host suite's property tests (src/protocol/proptests.rs) run there instead.
#
# Per target: seeds from fuzz/seeds/<target>/ (committed), the growing corpus in
# fuzz/corpus/<target>/ and crashes in fuzz/artifacts/<target>/ (both git-ignored), the
# libFuzzer log in fuzz/artifacts/<target>/last-run.log. Built with debug assertions (`-a`), so
# an integer overflow is a crash too. Each run appends a line to fuzz/runs.tsv:
#   date  target  seconds  cpu-seconds  executions  corpus-files  result  commit
# (commit: `git rev-parse --short HEAD`, "+dirty" with uncommitted changes; in an exported tree
# without .git, the content of a COMMIT file at the root).
# Exits non-zero when a target crashed (its input is in fuzz/artifacts/<target>/).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"

SECS=${1:-60}
shift || true
[[ "$SECS" =~ ^[0-9]+$ ]] && [ "$SECS" -gt 0 ] || { echo "usage: $0 [seconds-per-target] [target...]" >&2; exit 2; }

TOOLCHAIN=+nightly
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: no nightly toolchain; trying RUSTC_BOOTSTRAP=1 with the default one" >&2
  TOOLCHAIN=""
  export RUSTC_BOOTSTRAP=1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz" >&2
  cargo install cargo-fuzz || exit 1
fi

mapfile -t ALL < <(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^wasm-oauth-fuzz$')
TARGETS=("$@")
[ "${#TARGETS[@]}" -gt 0 ] || TARGETS=("${ALL[@]}")

if git rev-parse --git-dir >/dev/null 2>&1; then
  COMMIT=$(git rev-parse --short HEAD)
  git diff --quiet HEAD -- src Cargo.toml fuzz/src fuzz/fuzz_targets fuzz/Cargo.toml 2>/dev/null || COMMIT="$COMMIT+dirty"
else
  COMMIT=$(cat COMMIT 2>/dev/null || echo unknown)
fi

cd fuzz
echo "== fuzz: building ${#TARGETS[@]} targets (nightly, ASan, debug assertions)"
cargo $TOOLCHAIN fuzz build -a || exit 1

FAILED=0
printf '\n%-16s %8s %8s %12s %8s  %s\n' target seconds cpu-s execs corpus result
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  log="artifacts/$t/last-run.log"
  t0=$SECONDS
  cpu0=$(awk '{print $14+$15+$16+$17}' /proc/$$/stat)
  # -timeout: one input may take at most 10 s (a hang is a finding too); -rss_limit_mb bounds memory.
  cargo $TOOLCHAIN fuzz run -a "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
    >"$log" 2>&1
  rc=$?
  cpu1=$(awk '{print $14+$15+$16+$17}' /proc/$$/stat)
  ticks=$(getconf CLK_TCK)
  cpu=$(( (cpu1 - cpu0) / ticks ))
  dt=$((SECONDS - t0))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  files=$(find "corpus/$t" -type f | wc -l)
  if [ "$rc" -eq 0 ]; then result=ok; else result="CRASH (exit $rc, see fuzz/$log)"; FAILED=1; fi
  printf '%-16s %8s %8s %12s %8s  %s\n' "$t" "$dt" "$cpu" "${execs:-?}" "$files" "$result"
  [ -s runs.tsv ] || printf 'date\ttarget\tseconds\tcpu_seconds\texecutions\tcorpus_files\tresult\tcommit\n' > runs.tsv
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$dt" "$cpu" "${execs:-?}" "$files" "$result" "$COMMIT" >> runs.tsv
done
exit "$FAILED"
