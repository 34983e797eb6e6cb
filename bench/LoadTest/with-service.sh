#!/usr/bin/env bash
# Starts the service on MODELS_DIR with max_queue_wait_seconds 10 (plus any settings given), warms Kokoro up, runs
# bench/LoadTest with 16 streaming clients for 60 s, prints the table and the service's RSS, and stops the service.
# The README's "Admission and autoscaling" figures came from:
#   bench/LoadTest/with-service.sh MODELS_DIR                                  # default settings
#   bench/LoadTest/with-service.sh MODELS_DIR --onnx_threads_by_load true      # threads by load
# MODELS_DIR: a models folder with kokoro/ (a RealModelBench service layout, /tmp/realmodelbench-*/models, has one).
set -euo pipefail
cd "$(dirname "$0")/../.."
models="${1:?usage: bench/LoadTest/with-service.sh MODELS_DIR [--setting value ...]}"; shift
port="${PORT:-8898}"
data="$(mktemp -d -t tts-loadtest-XXXXXX)"
dotnet build -c Release src/TtsService -v quiet -nologo > /dev/null
dotnet src/TtsService/bin/Release/net10.0/TtsService.dll --contentRoot "$PWD" --models_dir "$models" --urls "http://127.0.0.1:$port" \
  --zipvoice_cache_dir "$data/prompts" --download_dir "$data/downloads" --max_queue_wait_seconds 10 "$@" > "$data/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "localhost:$port/ready" | grep -qv '"loading"'; do sleep 1; done
curl -s -o /dev/null "localhost:$port/v1/audio/speech" -H 'Content-Type: application/json' -d '{"model":"kokoro","voice":"af_heart","input":"Warm up please."}'
dotnet run -c Release --project bench/LoadTest -- --url "http://127.0.0.1:$port" --clients "${CLIENTS:-16}" --seconds "${SECONDS_RUN:-60}" | tail -6
grep -E 'VmRSS|VmHWM' "/proc/$pid/status" | tr -s ' \t' ' '
