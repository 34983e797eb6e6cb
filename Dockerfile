# syntax=docker/dockerfile:1
# CPU image:  docker build -t ttsservice .
# GPU image:  docker build -t ttsservice:gpu --build-arg USE_GPU=true \
#               --build-arg RUNTIME_BASE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 .
ARG RUNTIME_BASE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG USE_GPU=false
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props TtsService.sln appsettings.json ./
COPY src/TtsService/TtsService.csproj src/TtsService/
RUN dotnet restore src/TtsService/TtsService.csproj -p:UseGpu=${USE_GPU}
COPY src/ src/
RUN dotnet publish src/TtsService/TtsService.csproj -c Release -o /app --no-restore -p:UseGpu=${USE_GPU}

FROM ${RUNTIME_BASE} AS runtime
ARG USE_GPU=false
# The CUDA base has no .NET: add the ASP.NET runtime there (the default base already has it).
RUN set -eux; apt-get update; \
    apt-get install -y --no-install-recommends libespeak-ng1 espeak-ng-data libmp3lame0 ffmpeg ca-certificates curl; \
    if ! command -v dotnet >/dev/null; then \
      apt-get install -y --no-install-recommends aspnetcore-runtime-10.0 || \
      (curl -fsSL https://dot.net/v1/dotnet-install.sh | bash -s -- --channel 10.0 --runtime aspnetcore --install-dir /usr/share/dotnet && ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet); \
    fi; \
    (apt-get install -y --no-install-recommends libflac12 || apt-get install -y --no-install-recommends libflac12t64 || true); \
    rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
COPY models/download.sh models/README.md /app/models/
ENV ASPNETCORE_URLS=http://0.0.0.0:8880 \
    models_dir=/app/models \
    zipvoice_cache_dir=/data/zipvoice_prompts \
    download_dir=/data/downloads \
    use_gpu=${USE_GPU}
VOLUME ["/app/models", "/data"]
EXPOSE 8880
HEALTHCHECK --interval=30s --timeout=5s CMD curl -fsS http://127.0.0.1:8880/health || exit 1
ENTRYPOINT ["dotnet", "TtsService.dll"]
