#!/bin/sh
# Runs the checkpoint fuzzer for SECONDS from the committed seeds; new inputs go to a scratch
# corpus in the build dir, never into the source tree. Any crash, leak or timeout fails.
# Usage: run-fuzz.sh FUZZER SEED-DIR WORK-DIR SECONDS
set -eu
fuzzer=$1 seeds=$2 work=$3 seconds=$4
mkdir -p "$work/corpus" "$work/artifacts"
exec "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds"
