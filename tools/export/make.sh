#!/usr/bin/env bash
# Export ZipVoice-Dialog (mono) and ZipVoice-Dialog-Stereo to ONNX for the service.
#
#   make.sh ZIPVOICE_GIT_DIR CKPT_ROOT OUT
#       CKPT_ROOT/zipvoice_dialog/{model.pt,model.json,tokens.txt} and/or
#       CKPT_ROOT/zipvoice_dialog_stereo/{...} (models/download.sh --dialog fetches them)
#       -> OUT/zipvoice_dialog/, OUT/zipvoice_dialog_stereo/ (text_encoder.onnx, fm_decoder.onnx,
#          tokens.txt, model.json, export_stats.json)
#   make.sh --random-weights ZIPVOICE_GIT_DIR TOKENS_TXT OUT [--tiny]
#       architecture-true random-weight graphs of both variants from the same code path
#       (TOKENS_TXT: any ZipVoice emilia tokens.txt, e.g. shared/tools/realshape's; [S1]/[S2] appended).
#
# ZIPVOICE_GIT_DIR: a k2-fsa/ZipVoice git directory (a bare mirror is fine) or a source folder; the
# patch beside this script makes upstream's modules import without the training-only packages.
# Uses Debian's python3-torch 1.13 and python3-onnx (installed with apt-get unless NO_APT=1).
# env: WORK (default /tmp/tts-export), SEED (default 1234), VARIANTS (default "zipvoice_dialog zipvoice_dialog_stereo").
# Full size: about 4 minutes and 6 GiB RAM per variant on 2 cores.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RANDOM_WEIGHTS=0
if [[ "${1:-}" == "--random-weights" ]]; then RANDOM_WEIGHTS=1; shift; fi
if [[ $# -lt 3 ]]; then sed -n '2,20p' "$0" >&2; exit 2; fi
ZV_SRC="$1"; SECOND="$2"; OUT="$3"; shift 3
EXTRA=("$@")
WORK="${WORK:-/tmp/tts-export}"
SEED="${SEED:-1234}"
VARIANTS="${VARIANTS:-zipvoice_dialog zipvoice_dialog_stereo}"
PY=/usr/bin/python3
log() { echo "[export $(date +%H:%M:%S)] $*"; }

if [[ "${NO_APT:-0}" != 1 ]] && ! $PY -c 'import torch, onnx' 2>/dev/null; then
  log "apt-get install python3-torch python3-onnx"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-onnx python3-numpy python3-packaging >/dev/null
fi

FILES=(zipvoice/__init__.py zipvoice/models/zipvoice.py zipvoice/models/zipvoice_distill.py
  zipvoice/models/zipvoice_dialog.py zipvoice/models/modules/scaling.py zipvoice/models/modules/solver.py
  zipvoice/models/modules/zipformer.py zipvoice/models/modules/zipformer_two_stream.py
  zipvoice/utils/common.py zipvoice/utils/scaling_converter.py zipvoice/bin/onnx_export.py
  egs/zipvoice/conf/zipvoice_base.json)
SRC="$WORK/src"
rm -rf "$SRC"; mkdir -p "$SRC"
if git --git-dir="$ZV_SRC" rev-parse --verify -q HEAD >/dev/null 2>&1 && [[ ! -e "$ZV_SRC/zipvoice" ]]; then
  log "sources from git dir $ZV_SRC ($(git --git-dir="$ZV_SRC" rev-parse HEAD))"
  git --git-dir="$ZV_SRC" archive HEAD "${FILES[@]}" | tar -x -C "$SRC"
else
  log "sources from folder $ZV_SRC"
  (cd "$ZV_SRC" && cp --parents "${FILES[@]}" "$SRC/")
fi
(cd "$SRC" && patch -p1 -s < "$HERE/zipvoice.patch")

mkdir -p "$OUT"
for m in $VARIANTS; do
  log "exporting $m"
  if [[ $RANDOM_WEIGHTS == 1 ]]; then
    $PY "$HERE/export_dialog.py" --src "$SRC" --model-name "$m" --random-weights --tokens "$SECOND" \
      --seed "$SEED" --out "$OUT/$m" "${EXTRA[@]}"
  else
    if [[ ! -d "$SECOND/$m" ]]; then log "no $SECOND/$m: skipped"; continue; fi
    $PY "$HERE/export_dialog.py" --src "$SRC" --model-name "$m" --model-dir "$SECOND/$m" --out "$OUT/$m" "${EXTRA[@]}"
  fi
done
log "done: $OUT"
