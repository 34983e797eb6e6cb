#!/usr/bin/env bash
# Installs the Debian packages TtsService needs, idempotently; sudo only when not root.
#   scripts/install-deps.sh runtime   espeak-ng library/data, native codecs, MeCab + UniDic for Japanese (to run the service)
#   scripts/install-deps.sh test      runtime + sox/opus-tools/espeak-ng CLI, chromium for the /web page's headless
#                                     browser tests, Node.js for the OpenAPI and manifest validators, nginx for the
#                                     two-replica load-balancer test, kubectl (kustomize) when none is on PATH, and
#                                     buildah, podman, runc and debootstrap to build and run the container images
#                                     (binutils' readelf reads the CUDA provider's needs)
set -euo pipefail
mode="${1:-runtime}"
runtime=(libespeak-ng1 espeak-ng-data libmp3lame0 libflac12 ffmpeg)
# Japanese for Kokoro (misaki's route: MeCab with UniDic). unidic-mecab is a 1 GB download (5 GB installed,
# 0.8 GB of it the compiled dictionary); TTS_SKIP_JAPANESE=1 leaves it out and Japanese answers 503.
[ "${TTS_SKIP_JAPANESE:-0}" = "1" ] || runtime+=(libmecab2 unidic-mecab)
test_only=(espeak-ng sox opus-tools chromium nodejs nginx buildah podman runc debootstrap binutils)
command -v kubectl >/dev/null || test_only+=(kubernetes-client)
wanted=("${runtime[@]}")
[ "$mode" = "test" ] && wanted+=("${test_only[@]}")
# Debian ships npm apart from nodejs; NodeSource's nodejs includes it (and conflicts with Debian's npm package).
[ "$mode" = "test" ] && ! command -v npm >/dev/null && wanted+=(npm)

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "install-deps: not a Debian/Ubuntu system; please install: ${missing[*]}" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
