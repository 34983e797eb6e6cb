#!/usr/bin/env bash
# Downloads the real model files into models/ (pinned URLs, SHA-256 checked, progress bar).
# Idempotent: files already present with the right checksum are kept. Exit status 1 when anything
# is still missing, so callers can warn; the service itself starts either way.
#   models/download.sh            Kokoro + ZipVoice (distill) + Vocos
#   models/download.sh kokoro     only Kokoro
#   models/download.sh dialog [ZIPVOICE_SRC]
#                                 ZipVoice-Dialog and -Dialog-Stereo: k2-fsa publishes only PyTorch checkpoints,
#                                 so this fetches them into checkpoints/ and exports them with tools/export
#                                 (Debian python3-torch + python3-onnx, installed by apt-get; ~4 min per model).
#                                 ZIPVOICE_SRC: a k2-fsa/ZipVoice checkout or git dir (default: cloned here).
set -uo pipefail
cd "$(dirname "$0")"
only="${1:-all}"

# name|url|sha256 (empty: no independently verified checksum yet; the file's hash is printed and
# recorded in checksums.local so a later download that differs is noticed)
KOKORO=(
  "kokoro/kokoro-v1.0.onnx|https://github.com/thewh1teagle/kokoro-onnx/releases/download/model-files-v1.0/kokoro-v1.0.onnx|7d5df8ecf7d4b1878015a32686053fd0eebe2bc377234608764cc0ef3636a6c5"
  "kokoro/voices-v1.0.bin|https://github.com/thewh1teagle/kokoro-onnx/releases/download/model-files-v1.0/voices-v1.0.bin|bca610b8308e8d99f32e6fe4197e7ec01679264efed0cac9140fe9c29f1fbf7d"
  "kokoro/config.json|https://huggingface.co/hexgrad/Kokoro-82M/resolve/main/config.json|5abb01e2403b072bf03d04fde160443e209d7a0dad49a423be15196b9b43c17f"
  # misaki's English lexicons (hexgrad/misaki, pinned commits): words found there are spoken as Kokoro
  # was trained; espeak-ng reads the rest.
  "kokoro/us_gold.json|https://raw.githubusercontent.com/hexgrad/misaki/bc6b7d2d190fc3c0c773976e2acb3aadb5fb10b1/misaki/data/us_gold.json|"
  "kokoro/us_silver.json|https://raw.githubusercontent.com/hexgrad/misaki/83efcaad14740830c6604025e2e9a7ae431f603c/misaki/data/us_silver.json|"
  "kokoro/gb_gold.json|https://raw.githubusercontent.com/hexgrad/misaki/bc6b7d2d190fc3c0c773976e2acb3aadb5fb10b1/misaki/data/gb_gold.json|"
  "kokoro/gb_silver.json|https://raw.githubusercontent.com/hexgrad/misaki/83efcaad14740830c6604025e2e9a7ae431f603c/misaki/data/gb_silver.json|"
)
ZIPVOICE=(
  "zipvoice_distill/text_encoder.onnx|https://huggingface.co/k2-fsa/ZipVoice/resolve/main/zipvoice_distill/text_encoder.onnx|"
  "zipvoice_distill/fm_decoder.onnx|https://huggingface.co/k2-fsa/ZipVoice/resolve/main/zipvoice_distill/fm_decoder.onnx|"
  "zipvoice_distill/model.json|https://huggingface.co/k2-fsa/ZipVoice/resolve/main/zipvoice_distill/model.json|"
  "zipvoice_distill/tokens.txt|https://huggingface.co/k2-fsa/ZipVoice/resolve/main/zipvoice_distill/tokens.txt|"
  "zipvoice/text_encoder.onnx|https://huggingface.co/k2-fsa/ZipVoice/resolve/main/zipvoice/text_encoder.onnx|"
  "zipvoice/fm_decoder.onnx|https://huggingface.co/k2-fsa/ZipVoice/resolve/main/zipvoice/fm_decoder.onnx|"
  "zipvoice/model.json|https://huggingface.co/k2-fsa/ZipVoice/resolve/main/zipvoice/model.json|"
  "zipvoice/tokens.txt|https://huggingface.co/k2-fsa/ZipVoice/resolve/main/zipvoice/tokens.txt|"
  "vocos/vocos_24khz.onnx|https://github.com/k2-fsa/sherpa-onnx/releases/download/vocoder-models/vocos_24khz.onnx|"
)
# The dialog checkpoints (huggingface k2-fsa/ZipVoice, the files infer_zipvoice_dialog.py downloads). No
# independently verified checksums are known for them: their hashes are recorded in checksums.local.
DIALOG=(
  "checkpoints/zipvoice_dialog/model.pt|https://huggingface.co/k2-fsa/ZipVoice/resolve/main/zipvoice_dialog/model.pt|"
  "checkpoints/zipvoice_dialog/model.json|https://huggingface.co/k2-fsa/ZipVoice/resolve/main/zipvoice_dialog/model.json|"
  "checkpoints/zipvoice_dialog/tokens.txt|https://huggingface.co/k2-fsa/ZipVoice/resolve/main/zipvoice_dialog/tokens.txt|"
  "checkpoints/zipvoice_dialog_stereo/model.pt|https://huggingface.co/k2-fsa/ZipVoice/resolve/main/zipvoice_dialog_stereo/model.pt|"
  "checkpoints/zipvoice_dialog_stereo/model.json|https://huggingface.co/k2-fsa/ZipVoice/resolve/main/zipvoice_dialog_stereo/model.json|"
  "checkpoints/zipvoice_dialog_stereo/tokens.txt|https://huggingface.co/k2-fsa/ZipVoice/resolve/main/zipvoice_dialog_stereo/tokens.txt|"
)
# The upstream commit tools/export was written and tested against.
ZIPVOICE_COMMIT=2f7326fbfe999a3ad179e3f1af82a424d4a62819
case "$only" in
  kokoro) files=("${KOKORO[@]}") ;;
  dialog) files=("${DIALOG[@]}") ;;
  zipvoice) files=("${ZIPVOICE[@]}") ;;
  *) files=("${KOKORO[@]}" "${ZIPVOICE[@]}") ;;
esac

sha() { sha256sum "$1" | cut -d' ' -f1; }
failed=0
for entry in "${files[@]}"; do
  IFS='|' read -r name url want <<<"$entry"
  if [ -f "$name" ] && { [ -z "$want" ] || [ "$(sha "$name")" = "$want" ]; }; then
    continue
  fi
  mkdir -p "$(dirname "$name")"
  echo "download: $name"
  if ! curl -fL --connect-timeout 10 --retry 2 --progress-bar -o "$name.part" "$url"; then
    echo "download: FAILED $url (no network?). Put the file at models/$name by hand." >&2
    rm -f "$name.part"; failed=1; continue
  fi
  got="$(sha "$name.part")"
  if [ -n "$want" ] && [ "$got" != "$want" ]; then
    echo "download: CHECKSUM MISMATCH for $name: expected $want, got $got; file discarded." >&2
    rm -f "$name.part"; failed=1; continue
  fi
  [ -z "$want" ] && echo "$got  $name" >> checksums.local && echo "download: $name has no pinned checksum; recorded sha256 $got in models/checksums.local"
  mv "$name.part" "$name"
done
if [ "$only" = dialog ] && [ $failed = 0 ]; then
  src="${2:-}"
  if [ -z "$src" ]; then
    src=checkpoints/ZipVoice-src
    if [ ! -d "$src/.git" ]; then
      git clone --quiet https://github.com/k2-fsa/ZipVoice.git "$src" || { echo "download: cannot clone k2-fsa/ZipVoice; pass a checkout as the second argument" >&2; exit 1; }
    fi
    git -C "$src" checkout --quiet "$ZIPVOICE_COMMIT" || { echo "download: commit $ZIPVOICE_COMMIT not found in $src" >&2; exit 1; }
  fi
  # Exports into models/zipvoice/zipvoice_dialog{,_stereo}/, where the service looks for them.
  bash ../tools/export/make.sh "$src" checkpoints zipvoice || failed=1
fi
exit $failed
