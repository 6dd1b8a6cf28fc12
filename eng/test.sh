#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine and ends with the line
#   tests: N passed, M failed
# counted from the test results (TRX) of every test project.
set -uo pipefail
cd "$(dirname "$0")/.."

bash eng/install-deps.sh || exit 1

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet restore P2PCall.sln || exit 1
dotnet build P2PCall.sln --no-restore -c Release || exit 1

dotnet test P2PCall.sln --no-build -c Release \
  --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 5min "$@"
test_rc=$?

passed=0 failed=0 total=0
shopt -s nullglob
trx_files=("$results"/*.trx)
for trx in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  p=$(get passed); f=$(get failed); e=$(get error); t=$(get total)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
  total=$((total + ${t:-0}))
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
