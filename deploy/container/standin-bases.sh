#!/usr/bin/env bash
# Local stand-ins for the Dockerfile's public base images, for machines that cannot reach the registries (the
# test command, CI). The Dockerfile builds unchanged; only its *_IMAGE build arguments point here:
#   debian   Debian bookworm minbase from debootstrap, plus what .NET needs (ICU, OpenSSL, CA certificates)
#   sdk      debian + this machine's .NET SDK and CA bundle        (stands in for mcr.microsoft.com/dotnet/sdk:10.0)
#   aspnet   debian + this machine's ASP.NET Core runtime only,
#            with the "app" user (uid 1654) of the official images  (stands in for mcr.microsoft.com/dotnet/aspnet:10.0)
#   nocuda   debian itself: a "CUDA" base without CUDA libraries   (stands in for nvidia/cuda:…, to build and
#            start the GPU image where there is no GPU)
# Cached: the rootfs tarball in $TTS_CONTAINER_CACHE and the images in its container storage; a second run
# only checks they are there. Prints KEY=VALUE lines (the image names and the storage settings) on stdout.
# Exit code 3: buildah, podman, runc or debootstrap is missing (the caller skips, saying so).
set -euo pipefail
cache="${TTS_CONTAINER_CACHE:-/var/cache/ttsservice-container}"
dotnet_root="${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
for tool in buildah podman runc debootstrap; do
  command -v "$tool" >/dev/null || { echo "standin-bases: $tool is not installed" >&2; exit 3; }
done
mkdir -p "$cache"

# Container engine settings for this sandbox-like machine: overlay storage of our own; runc, as crun refuses the
# hybrid v1/v2 cgroups here; no default rlimits, as root here lacks CAP_SYS_RESOURCE to raise them.
export CONTAINERS_STORAGE_CONF="$cache/storage.conf" CONTAINERS_CONF="$cache/containers.conf"
driver=overlay; grep -qw overlay /proc/filesystems || driver=vfs
printf '[storage]\ndriver = "%s"\ngraphroot = "%s/storage"\nrunroot = "%s/run"\n' "$driver" "$cache" "$cache" > "$CONTAINERS_STORAGE_CONF"
printf '[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = "cgroupfs"\nruntime = "runc"\n' > "$CONTAINERS_CONF"

runtime_version=$(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" | sort -V | tail -1)
tag="${runtime_version}"
debian=localhost/ttsservice-standin/debian:bookworm
sdk=localhost/ttsservice-standin/sdk:$tag
aspnet=localhost/ttsservice-standin/aspnet:$tag
have() { buildah inspect --type image "$1" >/dev/null 2>&1; }

if ! have "$debian"; then
  tarball="$cache/debian-bookworm-minbase.tar"
  if [ ! -f "$tarball" ]; then
    root=$(mktemp -d "$cache/rootfs.XXXX")
    echo "standin-bases: debootstrap bookworm (about a minute)" >&2
    debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3,zlib1g,tzdata,passwd \
      bookworm "$root" "$mirror" > "$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
    rm -rf "$root"
  fi
  podman import --quiet "$tarball" "$debian" >/dev/null
fi


if ! have "$sdk"; then
  echo "standin-bases: sdk stand-in from $dotnet_root" >&2
  ctr=$(buildah from --pull-never "$debian"); mnt=$(buildah mount "$ctr")
  mkdir -p "$mnt/usr/share/dotnet" && cp -a "$dotnet_root/." "$mnt/usr/share/dotnet/"
  ln -sf /usr/share/dotnet/dotnet "$mnt/usr/bin/dotnet"
  # NuGet's TLS chain on these machines ends at a root that Debian's ca-certificates lacks: use the host's bundle.
  rm -rf "$mnt/etc/ssl/certs" && mkdir -p "$mnt/etc/ssl/certs" && cp -aL /etc/ssl/certs/. "$mnt/etc/ssl/certs/"
  buildah umount "$ctr" >/dev/null
  buildah config --env DOTNET_NOLOGO=1 --env DOTNET_CLI_TELEMETRY_OPTOUT=1 --env NUGET_CERT_REVOCATION_MODE=offline \
    --env DOTNET_ROOT=/usr/share/dotnet "$ctr"
  buildah commit --quiet --rm "$ctr" "$sdk" >/dev/null
fi

if ! have "$aspnet"; then
  echo "standin-bases: aspnet stand-in (runtime $runtime_version)" >&2
  ctr=$(buildah from --pull-never "$debian"); mnt=$(buildah mount "$ctr")
  mkdir -p "$mnt/usr/share/dotnet/shared"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$mnt/usr/share/dotnet/"
  for fw in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
    mkdir -p "$mnt/usr/share/dotnet/shared/$fw"
    cp -a "$dotnet_root/shared/$fw/$runtime_version" "$mnt/usr/share/dotnet/shared/$fw/"
  done
  ln -sf /usr/share/dotnet/dotnet "$mnt/usr/bin/dotnet"
  buildah umount "$ctr" >/dev/null
  # As the official images: an "app" user and group, uid/gid 1654, named by APP_UID.
  buildah run --isolation chroot "$ctr" -- sh -c 'groupadd --gid 1654 app && useradd --uid 1654 --gid app --create-home --shell /bin/false app'
  buildah config --env APP_UID=1654 --env DOTNET_VERSION="$runtime_version" --env ASPNET_VERSION="$runtime_version" \
    --env DOTNET_RUNNING_IN_CONTAINER=true "$ctr"
  buildah commit --quiet --rm "$ctr" "$aspnet" >/dev/null
fi

echo "CONTAINERS_STORAGE_CONF=$CONTAINERS_STORAGE_CONF"
echo "CONTAINERS_CONF=$CONTAINERS_CONF"
echo "SDK_IMAGE=$sdk"
echo "ASPNET_IMAGE=$aspnet"
echo "CUDA_IMAGE=$debian"
