#!/bin/sh
# Runs a libFuzzer fuzzer for SECONDS from the committed seeds; new inputs go to a scratch
# corpus in the build dir, never into the source tree. Any crash, leak, timeout or allocation
# above -malloc_limit_mb fails. Further arguments are passed to the fuzzer after the defaults
# (a later option wins), e.g. -max_len for fuzzers whose seeds are larger.
# Usage: run-fuzz.sh FUZZER SEED-DIR WORK-DIR SECONDS [LIBFUZZER-OPTION...]
set -eu
fuzzer=$1 seeds=$2 work=$3 seconds=$4
shift 4
mkdir -p "$work/corpus" "$work/artifacts"
exec "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
  -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$seeds"
