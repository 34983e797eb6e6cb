# syntax=docker/dockerfile:1
# CPU image:  docker build -t ttsservice .
# GPU image:  docker build -t ttsservice:gpu --build-arg FLAVOR=gpu .
# Japanese:   add --build-arg WITH_JAPANESE=true (MeCab + UniDic, about 5 GB more; without it Japanese answers 503)
# The base images are arguments so that a machine without registry access can build this file unchanged on
# local stand-ins (deploy/container/standin-bases.sh; tests/TtsService.Tests/Deploy/ContainerImageTests.cs).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG ASPNET_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0
# The CUDA major must be the one Microsoft.ML.OnnxRuntime.Gpu's CUDA provider links against (1.31: CUDA 13 and
# cuDNN 9). CudaBaseImageTests reads the provider's NEEDED entries and fails when this line names another major.
ARG CUDA_IMAGE=nvidia/cuda:13.0.2-cudnn-runtime-ubuntu24.04
ARG FLAVOR=cpu

FROM ${SDK_IMAGE} AS build
ARG FLAVOR
# Set by BuildKit/buildah for the platform being built (amd64, arm64): publish for that runtime only, which leaves
# out the native libraries of every other platform (about 210 MB).
ARG TARGETARCH
WORKDIR /src
# Restore in its own layer: it is redone only when the project or the package versions change.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/TtsService/TtsService.csproj src/TtsService/
RUN use_gpu=false; [ "$FLAVOR" = gpu ] && use_gpu=true; rid=linux-x64; [ "$TARGETARCH" = arm64 ] && rid=linux-arm64; \
    dotnet restore src/TtsService/TtsService.csproj -r $rid -p:UseGpu=$use_gpu
COPY appsettings.json ./
COPY src/ src/
# The OpenAPI document is committed (src/TtsService/TtsService.json); the image build does not regenerate it.
RUN use_gpu=false; [ "$FLAVOR" = gpu ] && use_gpu=true; rid=linux-x64; [ "$TARGETARCH" = arm64 ] && rid=linux-arm64; \
    dotnet publish src/TtsService/TtsService.csproj -c Release -o /app --no-restore -r $rid --self-contained false -p:UseGpu=$use_gpu \
      -p:OpenApiGenerateDocumentsOnBuild=false

# The runtime base: the ASP.NET image, or for the GPU flavor the CUDA image with the same ASP.NET runtime copied in.
FROM ${ASPNET_IMAGE} AS aspnet
FROM aspnet AS base-cpu
ENV use_gpu=false
FROM ${CUDA_IMAGE} AS base-gpu
COPY --from=aspnet /usr/share/dotnet /usr/share/dotnet
# The CUDA image has no .NET and no "app" user: add both as the ASP.NET image has them (uid/gid 1654).
RUN ln -sf /usr/share/dotnet/dotnet /usr/bin/dotnet; \
    getent group 1654 >/dev/null || groupadd --gid 1654 app; \
    getent passwd 1654 >/dev/null || useradd --uid 1654 --gid 1654 --create-home --shell /bin/false app
ENV use_gpu=true DOTNET_RUNNING_IN_CONTAINER=true APP_UID=1654

FROM base-${FLAVOR} AS runtime
ARG WITH_JAPANESE=false
# espeak-ng (phonemes), LAME (mp3), libFLAC (flac), ffmpeg (aac), curl (HEALTHCHECK); MeCab + UniDic on request.
# libFLAC's package is libflac12t64 on Ubuntu 24.04 (the official .NET 10 and CUDA images) and libflac12 on Debian 12.
RUN set -eux; apt-get update; \
    flac=libflac12t64; apt-cache show libflac12t64 >/dev/null 2>&1 || flac=libflac12; \
    japanese=""; [ "$WITH_JAPANESE" = true ] && japanese="libmecab2 unidic-mecab"; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libespeak-ng1 espeak-ng-data libmp3lame0 "$flac" ffmpeg curl ca-certificates $japanese; \
    rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
COPY models/download.sh models/README.md /app/models/
# /data is the only place the service writes (registered voices, download copies): owned by the app user, so the
# image runs as uid 1654 with a read-only root file system (the Kubernetes manifests do both). Models are
# mounted at /app/models (read-only is fine); it is not a VOLUME, so files copied in at build time stay visible.
RUN mkdir -p /data/zipvoice_prompts /data/downloads && chown -R 1654:1654 /data
ENV ASPNETCORE_URLS=http://0.0.0.0:8880 \
    models_dir=/app/models \
    zipvoice_cache_dir=/data/zipvoice_prompts \
    download_dir=/data/downloads
VOLUME ["/data"]
USER 1654:1654
EXPOSE 8880
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD curl -fsS http://127.0.0.1:8880/health || exit 1
ENTRYPOINT ["dotnet", "TtsService.dll"]
