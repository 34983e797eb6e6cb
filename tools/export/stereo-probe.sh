#!/usr/bin/env bash
# Speaks a three-turn dialogue with zipvoice_dialog_stereo, streamed, as opus and mp3, and checks each with ffprobe and
# ffmpeg (2 channels, duration), then prints the captioned route's words with their speakers. The issue-21 note's
# figures came from:  tools/export/stereo-probe.sh MODELS_DIR
# MODELS_DIR holds zipvoice_dialog_stereo/ (make.sh's output) and vocos/ (e.g. shared/tools/realshape's), plus zipvoice/.
set -euo pipefail
cd "$(dirname "$0")/../.."
models="${1:?usage: tools/export/stereo-probe.sh MODELS_DIR}"
port="${PORT:-8899}"
work="$(mktemp -d -t tts-stereo-probe-XXXXXX)"
dotnet build -c Release src/TtsService -v quiet -nologo > /dev/null
dotnet src/TtsService/bin/Release/net10.0/TtsService.dll --contentRoot "$PWD" --models_dir "$models" --urls "http://127.0.0.1:$port" \
  --zipvoice_cache_dir "$work/prompts" --download_dir "$work/downloads" > "$work/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
espeak-ng -w "$work/a.wav" "I like long walks by the sea."
espeak-ng -v en+f3 -w "$work/b.wav" "Good evening, and welcome."
until curl -sf "localhost:$port/ready" | grep -qv '"loading"'; do sleep 1; done
curl -sf -o /dev/null -F name=alice -F "transcription=I like long walks by the sea." -F "audio_file=@$work/a.wav" "localhost:$port/v1/zipvoice/voices/register"
curl -sf -o /dev/null -F name=bob -F "transcription=Good evening, and welcome." -F "audio_file=@$work/b.wav" "localhost:$port/v1/zipvoice/voices/register"
input='[S1] Did you see the match last night? [S2] I did, what a finish! [S1] Unbelievable.'
for format in opus mp3; do
  curl -sf -D "$work/headers" -o "$work/dialogue.$format" -w "$format: first byte %{time_starttransfer} s, total %{time_total} s\n" \
    "localhost:$port/v1/audio/speech" -H 'Content-Type: application/json' \
    -d "{\"model\":\"zipvoice_dialog_stereo\",\"voice\":[\"alice\",\"bob\"],\"response_format\":\"$format\",\"stream\":true,\"num_steps\":4,\"seed\":1,\"input\":\"$input\"}"
  grep -i "transfer-encoding" "$work/headers" | tr -d '\r'
  ffprobe -v error -show_entries stream=codec_name,channels,sample_rate:format=duration -of compact "$work/dialogue.$format"
  rate=$(ffprobe -v error -select_streams a:0 -show_entries stream=sample_rate -of csv=p=0 "$work/dialogue.$format")
  bytes=$(ffmpeg -v error -i "$work/dialogue.$format" -f f32le -ac 2 - | wc -c)
  echo "decoded: $(awk -v b="$bytes" -v r="$rate" 'BEGIN { printf "%.3f", b / 8 / r }') s in 2 channels"
done
curl -sf "localhost:$port/v1/audio/speech/captioned" -H 'Content-Type: application/json' \
  -d "{\"model\":\"zipvoice_dialog_stereo\",\"voice\":\"alice+bob\",\"response_format\":\"wav\",\"num_steps\":4,\"seed\":1,\"input\":\"$input\"}" \
  | python3 -c 'import json, sys; print("captions:", [(w["word"], w.get("speaker"), round(w["start_time"], 2), round(w["end_time"], 2)) for w in json.load(sys.stdin)["timestamps"]])'
