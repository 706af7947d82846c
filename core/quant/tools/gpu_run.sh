#!/bin/bash
# Builds core/quant standalone on a GPU machine, runs every test (gpu label included), the
# reference-vs-CUDA identity counts, quantbench on a generated checkpoint, a CPU-vs-CUDA output
# comparison and a torch dequantization check. Logs go to $OUT (default ./gpu-out).
# usage: core/quant/tools/gpu_run.sh [SIZE_GB]   (run from a tree holding core/quant and bench/quant;
#        THIRD_PARTY=dir with include/nlohmann, include/zlib.h, lib/libz.a if the system lacks them)
set -u
SIZE_GB=${1:-7}
OUT=${OUT:-$PWD/gpu-out}
ROOT=$PWD
TP=${THIRD_PARTY:-}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/gpu_run.log") 2>&1
echo "== environment"; date -u; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || true
NVCC=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc); echo "nvcc: $NVCC"; $NVCC --version | tail -1
command -v cmake && cmake --version | head -1; g++ --version | head -1; nproc; free -g | head -2
BUILD=$ROOT/build-quant-gpu
EXTRA=()
if [ -n "$TP" ]; then
  [ -f /usr/include/nlohmann/json.hpp ] || EXTRA+=("-DNLOHMANN_JSON_INCLUDE_DIR=$TP/include")
  [ -f /usr/include/zlib.h ] || EXTRA+=("-DZLIB_INCLUDE_DIR=$TP/include" "-DZLIB_LIBRARY=$TP/lib/libz.a")
fi
manual_build() {
  # No usable CMake (>= 3.25): the same targets with the compilers directly.
  echo "== build (manual: g++ + nvcc)"
  local CUDA_HOME; CUDA_HOME=$(dirname "$(dirname "$NVCC")")
  local INC=(-I"$ROOT/core" -I"$ROOT/core/quant" -I"$CUDA_HOME/include"); [ -n "$TP" ] && INC+=(-I"$TP/include")
  local ZLIB=-lz; [ -f /usr/include/zlib.h ] || ZLIB="$TP/lib/libz.a"
  mkdir -p "$BUILD/obj" "$BUILD/tests" "$BUILD/bench-quant"
  local objs=()
  for f in quanterror dtype safetensors modelrules bnblayout dynamicmap rcpapprox threadpool reference cpuquant cpusimd_avx512 cpusimd_avx2 \
           asyncwriter quantizer syntheticcheckpoint cuda/cudaquantizer; do
    g++ -O3 -std=c++20 -DNDEBUG -DMISTUDIO_QUANT_CUDA=1 "-DMISTUDIO_RCP_TABLE_GZ=$ROOT/core/quant/data/rcp_approx_minus_rn_sm90.int8.gz" \
      "${INC[@]}" -c "core/quant/$f.cpp" -o "$BUILD/obj/$(basename $f).o" & objs+=("$BUILD/obj/$(basename $f).o")
  done
  "$NVCC" -O3 -std=c++17 -gencode arch=compute_90,code=sm_90 -gencode arch=compute_75,code=compute_75 \
    -I"$ROOT/core" -I"$ROOT/core/quant" -c core/quant/cuda/cudakernels.cu -o "$BUILD/obj/cudakernels.o" &
  objs+=("$BUILD/obj/cudakernels.o"); wait
  local LIBS=(-L"$CUDA_HOME/lib64" -lcudart_static -ldl -lrt -lpthread $ZLIB)
  for t in safetensors modelrules formats quantizer cuda; do
    g++ -O3 -std=c++20 "${INC[@]}" -Icore/quant/tests "core/quant/tests/tst_$t.cpp" "${objs[@]}" "${LIBS[@]}" -o "$BUILD/tests/tst_quant_$t" &
  done
  g++ -O3 -std=c++20 "${INC[@]}" bench/quant/quantbench.cpp "${objs[@]}" "${LIBS[@]}" -o "$BUILD/bench-quant/quantbench" &
  wait
  for t in safetensors modelrules formats quantizer; do "$BUILD/tests/tst_quant_$t" | tail -3; done
}
CMAKE_OK=0
if command -v cmake >/dev/null && cmake --version | head -1 | awk '{split($3,v,"."); exit !(v[1]>3 || (v[1]==3 && v[2]>=25))}'; then
  echo "== build (cmake)"
  if cmake -S core/quant -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DMISTUDIO_REQUIRE_GPU=ON -DMISTUDIO_CUDA=ON -DMISTUDIO_TORCH=OFF \
      -DCMAKE_CUDA_COMPILER="$NVCC" "${EXTRA[@]}" > "$OUT/configure.log" 2>&1 \
     && cmake --build "$BUILD" -j"$(nproc)" > "$OUT/build.log" 2>&1; then
    CMAKE_OK=1; grep "core/quant:" "$OUT/configure.log"
  else
    echo "cmake build failed:"; tail -30 "$OUT/configure.log"; tail -30 "$OUT/build.log" 2>/dev/null
  fi
fi
if [ $CMAKE_OK = 1 ]; then
  echo "== tests"
  (cd "$BUILD" && ctest --output-on-failure -j4 2>&1 | tail -15)
else
  rm -rf "$BUILD"; manual_build
fi
echo "== identity, reference vs CUDA (16.7M random values per dtype + thresholds)"
"$BUILD/tests/tst_quant_cuda"
echo "== quantbench ${SIZE_GB} GB bf16 nf4+dq"
BENCH=/tmp/quantbench-gpu
"$BUILD/bench-quant/quantbench" --size-gb "$SIZE_GB" --dir "$BENCH" --paths io,kernels,cpu,cuda --keep --repeat 2 \
  --label "$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1), $(nproc) CPU threads" --results "$OUT/RESULTS-gpu.md"
echo "== CPU and CUDA outputs byte-identical?"
for f in $(cd "$BENCH/out-cpu" && ls); do cmp "$BENCH/out-cpu/$f" "$BENCH/out-cuda/$f" && echo "identical: $f"; done
echo "== dequantization error (torch, no bitsandbytes)"
python3 core/quant/tools/check_dequant.py "$BENCH/src" "$BENCH/out-cuda" 8 || true
rm -rf "$BENCH"
echo "== int8 pipeline, 2 GB"
"$BUILD/bench-quant/quantbench" --size-gb 2 --dir "$BENCH" --mode int8 --paths io,cpu,cuda --keep \
  --label "int8, $(nproc) CPU threads" --results "$OUT/RESULTS-gpu.md"
for f in $(cd "$BENCH/out-cpu" && ls); do cmp "$BENCH/out-cpu/$f" "$BENCH/out-cuda/$f" && echo "identical: $f"; done
python3 core/quant/tools/check_dequant.py "$BENCH/src" "$BENCH/out-cuda" 4 || true
rm -rf "$BENCH"
echo "== done"; date -u
