#!/usr/bin/env bash
# Builds llama-cpp-python (the built-in model's server) for any machine of this architecture,
# not just this one, and installs it.
#
# pip's default build compiles llama.cpp with -march=native: on a CPU that advertises AVX-512
# or AMX the server then dies with SIGILL on its first request on another machine, or even on
# the same one under some hypervisors. On x86-64 this build targets AVX2 + FMA + F16C (every
# Intel CPU since Haswell, 2013, and every AMD CPU since Zen) and leaves AVX-512 and AMX out.
# On other architectures it only turns native tuning off.
#
# The wheel is kept in a folder named after the version and the flags: pip's own cache keys a
# built wheel by version only and would hand back an earlier native build.
set -euo pipefail
python=${1:-.venv/bin/python}
version=${LLAMA_CPP_VERSION:-0.3.36}

if [ "$(uname -m)" = "x86_64" ]; then
  flags="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
  flags="$flags -DGGML_AVX512=OFF -DGGML_AVX_VNNI=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF"
else
  flags="-DGGML_NATIVE=OFF"
fi
tag=$(printf '%s %s' "$version" "$flags" | sha256sum | cut -c1-12)
wheels="${XDG_CACHE_HOME:-$HOME/.cache}/summarizer/wheels/llama-cpp-python-$version-$tag"

if ! ls "$wheels"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  echo "building llama-cpp-python $version for any $(uname -m) machine (several minutes on two cores)" >&2
  mkdir -p "$wheels.tmp"
  CMAKE_ARGS="$flags" "$python" -m pip wheel --quiet --no-deps --no-cache-dir \
    --no-binary llama-cpp-python -w "$wheels.tmp" "llama-cpp-python==$version"
  rm -rf "$wheels" && mv "$wheels.tmp" "$wheels"
fi
wheel=$(ls "$wheels"/llama_cpp_python-*.whl | head -n1)
"$python" -m pip install --quiet "${wheel}[server]"
