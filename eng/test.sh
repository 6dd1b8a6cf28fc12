#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine and ends with the line
#   tests: N passed, M failed
# counted from the test results (TRX) of every test project.
set -uo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: chromium for the interop tests, redis-server for the signaling server's
# scale-out test (two instances linked through @socket.io/redis-adapter), libvpx7 (VP8) and libopus0 (native Opus;
# the stack falls back to managed Concentus without it, but the native codec's tests need it).
bash eng/install-deps.sh chromium iproute2 openssl libvpx7 libopus0 redis-server || exit 1
# Node and npm for the reference signaling server (the image has NodeSource's nodejs, which bundles npm).
command -v npm >/dev/null || bash eng/install-deps.sh nodejs npm || exit 1

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet restore P2PCall.sln || exit 1
dotnet build P2PCall.sln --no-restore -c Release || exit 1
(cd samples/signaling-server && npm ci --no-audit --no-fund) || exit 1

# Unit and integration tests: every project but the browser interop tests.
dotnet test P2PCall.sln --no-build -c Release \
  --filter "FullyQualifiedName!~P2PCall.Interop.Tests" \
  --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 5min "$@"
test_rc=$?

# The signaling server's own tests (node --test, TAP output): counted with the others below.
node_tap="$results/signaling-server.tap"
(cd samples/signaling-server && node --test --test-reporter=tap test/) | tee "$node_tap"
node_rc=${PIPESTATUS[0]}
node_passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$node_tap" | tail -n1)
node_failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$node_tap" | tail -n1)
if ((node_rc != 0)) && [[ "${node_failed:-0}" == 0 ]]; then node_failed=1; fi

# The scenario runner's smoke mode (tiny sizes, one run each; it measures nothing): proves whole calls set up, move
# media and data, and tear down without ending the process. Counted as one test.
smoke_log="$results/scenarios-smoke.txt" smoke_passed=0 smoke_failed=0
smoke_rc=0
timeout 600 dotnet run -c Release --no-build --project benchmarks/P2PCall.Scenarios -- setup datachannel scale smoke \
  >"$smoke_log" 2>&1 || smoke_rc=$?
if ((smoke_rc == 0)); then
  smoke_passed=1
  echo "scenarios smoke: passed"
else
  smoke_failed=1
  echo "scenarios smoke: FAILED (exit $smoke_rc), last lines of $smoke_log:" >&2
  tail -n 40 "$smoke_log" >&2
fi

# Browser interop tests: a real Chromium, inside a network namespace whose only interface is loopback,
# so that nothing it or we send can leave the machine (shared/notes/chromium-webrtc-here.md).
interop_results="$results/interop"
if unshare --net true 2>/dev/null; then
  unshare --net bash -c "ip link set lo up && dotnet test tests/P2PCall.Interop.Tests --no-build -c Release \
    --logger trx --results-directory '$interop_results' --blame-hang-timeout 5min"
  interop_rc=$?
else
  echo "interop: cannot create a network namespace (unshare --net); the browser tests did not run" >&2
  interop_rc=1
fi
if ((interop_rc != 0)); then test_rc=$interop_rc; fi

passed=$(( ${node_passed:-0} + smoke_passed )) failed=$(( ${node_failed:-0} + smoke_failed )) total=0
shopt -s nullglob
trx_files=("$results"/*.trx "$interop_results"/*.trx)
for trx in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  p=$(get passed); f=$(get failed); e=$(get error); t=$(get total); ex=$(get executed); x=$(( ${t:-0} - ${ex:-0} ))
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
  total=$((total + ${t:-0}))
  # In CI every browser test must really run: a skipped one means the namespace or Chromium was missing.
  if [[ "$trx" == "$interop_results"/* && "${CI:-}" == "true" && ${x:-0} -gt 0 ]]; then
    echo "interop: ${x} browser tests were skipped in CI" >&2
    failed=$((failed + x))
  fi
done

if ((${#trx_files[@]} == 0)); then
  echo "no test results were written" >&2
  failed=$((failed + 1))
fi
if ((test_rc != 0 && failed == 0)); then
  echo "dotnet test exited with $test_rc without a failed test: counting the run as failed" >&2
  failed=1
fi

echo "tests: $passed passed, $failed failed"
((failed == 0 && passed > 0))
