#!/usr/bin/env bash
# Builds llama.cpp at the pinned commit (cmake/llama-cpp-pin.cmake) with mtmd as shared libraries,
# stages them for the natives jar, and builds llama.cpp's own tools from the same tree and flags.
#
#   ./build-native.sh                 the shippable CPU build: GGML_BACKEND_DL, and on x86-64 every CPU
#                                     variant (x64 ... zen4, sapphirerapids) as a module ggml picks at run time
#   ./build-native.sh --native        -march=native, one CPU backend for this machine only (not shippable)
#   ./build-native.sh --portable      no backend modules and no SIMD beyond the baseline
#   ./build-native.sh --vulkan        GPU add-on: only libggml-vulkan, classifier <os>-<arch>-vulkan
#                                     (likewise --cuda); with --native, a full GPU build as before
#   ./build-native.sh --metal         GGML_METAL=ON (macOS)
#   ./build-native.sh --no-tools      the natives for the jar only, without llama.cpp's tools
#   ./build-native.sh --debian11      the portable build (glibc 2.28): inside a Debian 11 root made with
#                                     debootstrap and kept in the cache, with clang 16, the C++
#                                     runtime linked statically and libomp bundled; needs root.
#                                     What CI ships and tests
#   ./build-native.sh --static-runtime  the same settings on this machine's compiler and glibc (the
#                                     release workflow runs it in the manylinux_2_28 image)
#   ./build-native.sh --reference     llama-mtmd-cli from the unpatched pinned tree with GGML_NATIVE=ON,
#                                     in <cache>/build/reference/bin: bench's image-encode reference
#   ./build-native.sh -DGGML_AVX512=OFF ...   extra CMake options pass through
#   ./build-native.sh --bindings      regenerate bindings/ with jextract ($JEXTRACT or --jextract PATH)
#
# Environment:
#   LLAMA_CPP_GIT        git URL or local mirror to fetch llama.cpp from (default: upstream)
#   LLAMA_PANAMA_CACHE   cache for the checkout, the CMake build and the staged natives
#                        (default: ~/.cache/llama-panama); kept between runs so rebuilds are incremental
#   JEXTRACT             jextract launcher for --bindings
#   DEBIAN_MIRROR        Debian mirror for --debian11's root (default: http://deb.debian.org/debian)
set -euo pipefail
orig_args=("$@")

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pin_value() { sed -n "s/^set($1 \"\(.*\)\")$/\1/p" "$here/cmake/llama-cpp-pin.cmake"; }
commit=$(pin_value LLAMA_CPP_COMMIT)
git_url=${LLAMA_CPP_GIT:-$(pin_value LLAMA_CPP_DEFAULT_GIT_URL)}
cache=${LLAMA_PANAMA_CACHE:-$HOME/.cache/llama-panama}

die() { echo "build-native.sh: $*" >&2; exit 1; }

variant=""
debian_suite=""
static_runtime=false
mode=variants
no_tools=false
allow_unpinned=OFF
bindings=false
jobs=$(nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)
jextract=${JEXTRACT:-}
cmake_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cuda)   variant=cuda;   cmake_args+=(-DGGML_CUDA=ON) ;;
    --vulkan) variant=vulkan; cmake_args+=(-DGGML_VULKAN=ON) ;;
    --metal)  cmake_args+=(-DGGML_METAL=ON -DGGML_METAL_EMBED_LIBRARY=ON) ;;
    --native) mode=native ;;
    --no-tools) no_tools=true ;;
    --debian11) debian_suite=bullseye ;;
    --static-runtime) static_runtime=true ;;
    --portable) mode=portable ;;
    --reference) mode=reference ;;
    --variant) variant=$2; shift ;;
    --allow-unpinned) allow_unpinned=ON ;;
    --bindings) bindings=true ;;
    --jextract) jextract=$2; shift ;;
    -j) jobs=$2; shift ;;
    -D*) cmake_args+=("$1") ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done

# --- source: a checkout in the cache, at the pinned commit -------------------------------------
src="$cache/llama.cpp"
# The build needs no vocab GGUFs from models/; skipping most keeps the checkout small. The tests
# read three of them (with llama.cpp's own .inp/.out tokenizer cases), tools/mtmd/test-1.jpeg and
# test-2.mp3 and models/templates/ from this checkout, so the repository needs nothing beside it.
sparse=('/*' '!/models/*.gguf' '/models/ggml-vocab-gpt-2.gguf' '/models/ggml-vocab-bert-bge.gguf'
        '/models/ggml-vocab-llama-spm.gguf')
ensure_source() {
  if [ ! -d "$src/.git" ]; then
    echo "== fetching llama.cpp $commit from $git_url"
    rm -rf "$src.tmp" && git init -q "$src.tmp"
    local g=(git -C "$src.tmp")
    "${g[@]}" sparse-checkout set --no-cone "${sparse[@]}"
    "${g[@]}" remote add origin "$git_url"
    if [ -d "$git_url" ]; then
      # A local mirror: let it serve a bare SHA and a blob filter, as GitHub does.
      "${g[@]}" config remote.origin.uploadpack \
        'git -c uploadpack.allowFilter=true -c uploadpack.allowAnySHA1InWant=true upload-pack'
    fi
    # Blobs come lazily at checkout, so only the files the sparse checkout keeps are fetched.
    if ! "${g[@]}" fetch -q --depth 1 --filter=blob:none origin "$commit"; then
      echo "   shallow fetch of the bare commit refused; fetching all branches" >&2
      "${g[@]}" fetch -q --filter=blob:none origin '+refs/heads/*:refs/remotes/origin/*' \
        || die "cannot fetch llama.cpp from '$git_url'. Set LLAMA_CPP_GIT to a reachable mirror."
    fi
    "${g[@]}" -c advice.detachedHead=false checkout -q "$commit" \
      || die "cannot check out $commit from '$git_url'"
    mv "$src.tmp" "$src"
  fi
  # An older checkout skipped every vocab GGUF: widen it (the blobs come from the same remote).
  if [ "$(git -C "$src" sparse-checkout list)" != "$(printf '%s\n' "${sparse[@]}")" ]; then
    echo "== widening the llama.cpp checkout to the test data the tests read"
    git -C "$src" sparse-checkout set --no-cone "${sparse[@]}" \
      || die "cannot check out the test data from '$(git -C "$src" remote get-url origin)'"
  fi
  local head
  head=$(git -C "$src" rev-parse HEAD)
  if [ "$head" != "$commit" ]; then
    if [ "$allow_unpinned" = ON ]; then
      echo "!! WARNING: $src is at $head, not the pinned $commit (--allow-unpinned)" >&2
    else
      die "$src is at $head, not the pinned $commit. Remove it, or pass --allow-unpinned."
    fi
  fi
}

# --- bindings: jextract over llama.h, mtmd.h, mtmd-helper.h ------------------------------------
regen_bindings() {
  [ -n "$jextract" ] || die "--bindings needs jextract: set JEXTRACT or pass --jextract PATH"
  local out="$here/bindings/src/main/java"
  local args="$here/bindings/jextract.args"
  local includes=(-I "$src/include" -I "$src/ggml/include" -I "$src/tools/mtmd")
  rm -rf "$out/io/github/llamapanama/internal/ffm"
  mkdir -p "$out"
  # One umbrella header, so that all three headers share one set of ggml/llama types.
  local umbrella
  umbrella=$(mktemp -d)/llama_panama.h
  printf '#include "llama.h"\n#include "mtmd.h"\n#include "mtmd-helper.h"\n#include "gguf.h"\n' > "$umbrella"
  echo "== jextract -> $out"
  (cd "$(dirname "$umbrella")" && env -u JAVA_TOOL_OPTIONS "$jextract" "${includes[@]}" --output "$out" @"$args" llama_panama.h)
  # Two deterministic rewrites, so the output is machine-independent and compiles with --release 22:
  # - jextract writes header paths into comments: make them relative to the llama.cpp tree;
  # - current jextract emits SymbolLookup.findOrThrow, which is JDK 23+: use find().orElseThrow().
  find "$out/io/github/llamapanama/internal/ffm" -name '*.java' -exec sed -i \
    -e "s#$(dirname "$umbrella")/##g" -e "s#$src/##g" \
    -e 's/SYMBOL_LOOKUP\.findOrThrow(\("[^"]*"\))/SYMBOL_LOOKUP.find(\1).orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + \1))/g' \
    {} +
  echo "== bindings regenerated; 'git diff --exit-code bindings/' shows any change"
}

# --- --debian11: the same build, run inside an old Debian root -----------------------------------
# The libraries then need glibc 2.28 at most (native/glibc-2.28.h pins the four libm functions that
# 2.29 versioned anew; RHEL 8, Debian 10, Ubuntu 20.04). Debian 11's GCC 10
# cannot compile the AMX and AVX-VNNI variants, so the root builds with its clang 16. libstdc++ and
# libgcc are linked statically and hidden (native/CMakeLists.txt), and LLVM's OpenMP runtime is
# bundled like libgomp (cmake/stage-natives.cmake), so the libraries need nothing but glibc.
# (ggml's own thread pool, GGML_OPENMP=OFF, spins at its barriers without yielding: two computes
# at once on two cores then took seconds a token, where OpenMP runtimes yield.)
root_packages=clang-16,libomp-16-dev,libvulkan-dev,cmake,make,git,patchelf,binutils
# The Vulkan add-on: Debian 11's Vulkan headers (1.2.162) are older than ggml-vulkan needs and it
# has no glslc, so the root gets this machine's headers and runs this machine's glslc through this
# machine's dynamic loader and libraries, copied in. Both only shape the compile (C++ declarations,
# SPIR-V data): the library is still linked in the root, against Debian 11's glibc and libvulkan.
host_vulkan_tools() {
  local dir="$1/opt/host-vulkan" glslc
  glslc=$(command -v glslc) && [ -e /usr/include/vulkan/vulkan.hpp ] \
    || die "--debian11 --vulkan runs this machine's glslc with its Vulkan headers: apt-get install glslc libvulkan-dev"
  rm -rf "$dir" && mkdir -p "$dir/lib" "$dir/include"
  cp -a /usr/include/vulkan "$dir/include/"
  [ ! -d /usr/include/vk_video ] || cp -a /usr/include/vk_video "$dir/include/"
  cp "$glslc" "$dir/glslc.bin"
  local lib loader=""
  for lib in $(ldd "$glslc" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /ld-linux/ {print $1}'); do
    cp -L "$lib" "$dir/lib/"
    case "$lib" in */ld-linux*) loader=$(basename "$lib") ;; esac
  done
  [ -n "$loader" ] || die "no dynamic loader in 'ldd $glslc'"
  printf '#!/bin/sh\nexec /opt/host-vulkan/lib/%s --library-path /opt/host-vulkan/lib /opt/host-vulkan/glslc.bin "$@"\n' \
    "$loader" > "$dir/glslc"
  chmod +x "$dir/glslc"
}
run_in_debian_root() {
  [ "$(id -u)" = 0 ] || die "--debian11 builds in a chroot and needs root"
  command -v debootstrap >/dev/null || die "--debian11 needs debootstrap (apt-get install debootstrap)"
  local root="$cache/roots/$debian_suite-build"
  if [ "$(cat "$root/.llama-panama-packages" 2>/dev/null)" != "$root_packages" ]; then
    echo "== making a Debian $debian_suite root in $root (debootstrap, a minute or two)"
    rm -rf "$root.tmp" && mkdir -p "$(dirname "$root")"
    debootstrap --variant=minbase --include="$root_packages" "$debian_suite" "$root.tmp" \
        "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" > "$root.log" 2>&1 \
      || { tail -20 "$root.log" >&2; die "debootstrap of Debian $debian_suite failed (log: $root.log)"; }
    echo "$root_packages" > "$root.tmp/.llama-panama-packages"
    rm -rf "$root" && mv "$root.tmp" "$root"
  fi
  # The repository and the cache appear in the root at their own paths, so the build there writes
  # the same staging folders as a build here, and CMake's paths mean the same inside and out.
  mounted=()
  unmount_all() { local m; for m in ${mounted[@]+"${mounted[@]}"}; do umount -l "$m" || true; done; }
  trap unmount_all EXIT
  local d
  for d in "$here" "$cache"; do
    mkdir -p "$root$d"
    if ! mountpoint -q "$root$d"; then
      mount --bind "$d" "$root$d" && mounted=("$root$d" "${mounted[@]}")
    fi
  done
  mountpoint -q "$root/proc" || { mount -t proc proc "$root/proc" && mounted=("$root/proc" "${mounted[@]}"); }
  [ "$variant" != vulkan ] || host_vulkan_tools "$root"
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    LLAMA_PANAMA_CACHE="$cache" LLAMA_PANAMA_IN_ROOT="$debian_suite" CC=clang-16 CXX=clang++-16 \
    /bin/bash "$here/build-native.sh" "${orig_args[@]}"
}
if [ -n "$debian_suite" ] && [ -z "${LLAMA_PANAMA_IN_ROOT:-}" ]; then
  $bindings && die "--bindings runs here, not in a Debian root"
  ensure_source
  run_in_debian_root
  exit 0
fi
if [ -n "${LLAMA_PANAMA_IN_ROOT:-}" ]; then
  cmake_args+=(-DCMAKE_C_COMPILER=clang-16 -DCMAKE_CXX_COMPILER=clang++-16)
  [ "$variant" != vulkan ] || cmake_args+=(-DVulkan_INCLUDE_DIR=/opt/host-vulkan/include
                                           -DVulkan_GLSLC_EXECUTABLE=/opt/host-vulkan/glslc)
  static_runtime=true
else
  ensure_source
fi
if $static_runtime; then
  cmake_args+=(-DLLAMA_PANAMA_STATIC_CXX_RUNTIME=ON -DGGML_OPENMP=ON)
fi
if $bindings; then
  regen_bindings
  exit 0
fi

command -v cmake >/dev/null || die "cmake is required (3.16 or newer)"

# --- --reference: what llama.cpp itself offers at the pin, for bench's image-encode ratio --------
# A second worktree of the same checkout, left as upstream wrote it (none of cmake/llama-cpp-fixes),
# configured with llama.cpp's own CMake and GGML_NATIVE=ON; only llama-mtmd-cli is built.
if [ "$mode" = reference ]; then
  ref_src="$cache/llama.cpp-reference"
  if [ ! -f "$ref_src/include/llama.h" ]; then
    rm -rf "$ref_src"
    git -C "$src" worktree prune
    git -C "$src" worktree add -q --no-checkout --detach "$ref_src" "$commit" \
      || die "cannot add a worktree of $src at $commit"
    git -C "$ref_src" sparse-checkout set --no-cone '/*' '!/models/*.gguf'
    git -C "$ref_src" -c advice.detachedHead=false checkout -q --detach "$commit" \
      || die "cannot check out $commit into $ref_src"
  fi
  [ -z "$(git -C "$ref_src" status --porcelain --untracked-files=no)" ] \
    || die "$ref_src differs from the pinned commit: remove it and run again"
  ref_build="$cache/build/reference"
  echo "== configuring $ref_build (unpatched, GGML_NATIVE=ON)"
  cmake -S "$ref_src" -B "$ref_build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DLLAMA_CURL=OFF \
    -DLLAMA_BUILD_TESTS=OFF ${cmake_args[@]+"${cmake_args[@]}"} > "$ref_build.configure.log" 2>&1 \
    || { tail -40 "$ref_build.configure.log" >&2; die "CMake configure failed (full log: $ref_build.configure.log)"; }
  cmake --build "$ref_build" --config Release --target llama-mtmd-cli -j "$jobs"
  echo "== reference llama-mtmd-cli: $ref_build/bin"
  exit 0
fi

# The CPU feature flags of each mode. The default matches llama.cpp's own release binaries.
case "$mode" in
  variants)
    mode_args=(-DGGML_BACKEND_DL=ON -DGGML_NATIVE=OFF)
    case "$(uname -m)" in
      x86_64|amd64|AMD64) mode_args+=(-DGGML_CPU_ALL_VARIANTS=ON) ;;
      *) mode_args+=(-DGGML_CPU_ALL_VARIANTS=OFF) ;;  # not offered for other CPUs at the pinned commit
    esac ;;
  native)   mode_args=(-DGGML_BACKEND_DL=OFF -DGGML_CPU_ALL_VARIANTS=OFF -DGGML_NATIVE=ON) ;;
  portable) mode_args=(-DGGML_BACKEND_DL=OFF -DGGML_CPU_ALL_VARIANTS=OFF -DGGML_NATIVE=OFF) ;;
esac
# A GPU backend in the default mode is an add-on: only its module is built and staged.
target=stage
if [ -n "$variant" ] && [ "$mode" = variants ]; then
  target=stage-addon
fi
if $no_tools && [ "$target" = stage ]; then
  target=stage-libs
fi
suffix=""
[ "$mode" = variants ] || suffix="-$mode"
[ -z "$debian_suite" ] || suffix="$suffix-$debian_suite"
[ -n "$debian_suite" ] || ! $static_runtime || suffix="$suffix-static"
build="$cache/build/${variant:-cpu}$suffix"
mkdir -p "$build"
# CMake ties a build directory to its source directory. Configure from a copy of native/ and
# cmake/ kept in the cache, so clones in other folders (CI) reuse the same incremental build.
native_src="$cache/native-src"
mkdir -p "$native_src/native" "$native_src/cmake"
sync_file() { cmp -s "$1" "$2" || cp "$1" "$2"; }
while IFS= read -r f; do
  mkdir -p "$(dirname "$native_src/native/$f")"
  sync_file "$here/native/$f" "$native_src/native/$f"
done < <(cd "$here/native" && find . -type f | sed 's#^\./##')
while IFS= read -r f; do
  mkdir -p "$(dirname "$native_src/cmake/$f")"
  sync_file "$here/cmake/$f" "$native_src/cmake/$f"
done < <(cd "$here/cmake" && find . -type f | sed 's#^\./##')
if [ -f "$build/CMakeCache.txt" ] \
   && ! grep -qx "CMAKE_HOME_DIRECTORY:INTERNAL=$native_src/native" "$build/CMakeCache.txt"; then
  echo "== $build was configured from another source directory; starting it over"
  rm -rf "$build" && mkdir -p "$build"
fi
echo "== configuring $build"
cmake -S "$native_src/native" -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DLLAMA_CPP_SOURCE_DIR="$src" \
  -DLLAMA_PANAMA_VARIANT="$variant" \
  -DLLAMA_PANAMA_ALLOW_UNPINNED="$allow_unpinned" \
  -DLLAMA_PANAMA_STAGE_ROOT="$cache/natives" \
  -DLLAMA_PANAMA_TOOLS_ROOT="$cache/tools" \
  "${mode_args[@]}" ${cmake_args[@]+"${cmake_args[@]}"} > "$build/configure.log" 2>&1 \
  || { tail -40 "$build/configure.log" >&2; die "CMake configure failed (full log: $build/configure.log)"; }
classifier=$(cat "$build/classifier.txt")

echo "== building $classifier ($mode) with $jobs jobs"
cmake --build "$build" --config Release --target "$target" -j "$jobs"
echo "== natives: $cache/natives/$classifier"
[ "$target" != stage ] || echo "== tools:   $cache/tools/$classifier"
