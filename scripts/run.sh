#!/usr/bin/env bash
# The one run command (README): installs what the service needs, fetches missing models when the
# network allows, and starts the service on port 8880 (pass --urls to change it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh runtime
models/download.sh || echo "run: some models could not be downloaded; the service starts anyway and /ready says what is missing." >&2
# The repository root is the content root: models/, data/, appsettings.json and .env are found there
# (dotnet run would otherwise start in src/TtsService).
exec dotnet run --project src/TtsService -c Release -- --contentRoot "$(pwd)" "$@"
