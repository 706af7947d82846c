#!/usr/bin/env bash
# mirrorbench: the library commands and the LAN mirror on one big file, in one run:
#   1. an HF-cache snapshot with one SIZE_GB pseudo-random LFS file (+ config.json) is written;
#   2. `mistudio models import-hf-cache` imports it (bytes copied, time);
#   3. `mistudio models verify` re-hashes it, against `sha256sum` of the same file (page cache
#      warm for both: sha256sum reads it once first);
#   4. `mistudio serve --mirror` serves it; `mistudio models download --connections 8` of
#      another data dir with HF_ENDPOINT pointed at it, then `curl` of the same resolve URL into
#      a file, from the same server; the server's CPU time (utime+stime from /proc) per GB for each.
# Appends a section to RESULTS (default bench/RESULTS.md).
#   mirrorbench.sh MISTUDIO_BINARY [SIZE_GB=2] [RESULTS=bench/RESULTS.md]
set -euo pipefail
bin=$(realpath "${1:?usage: mirrorbench.sh MISTUDIO_BINARY [SIZE_GB] [RESULTS]}")
size_gb=${2:-2}
results=${3:-bench/RESULTS.md}
work=$(mktemp -d /tmp/mirrorbench.XXXXXX)
serve_pid=
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config
unset HF_TOKEN HF_HOME HF_HUB_CACHE MISTUDIO_DATABASE_URL
mkdir -p "$HOME"

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tck=$(getconf CLK_TCK)

# --- 1. the HF cache: blobs named by their hashes, relative snapshot links, refs/main ---------
repo=models--bench--big
commit=0123456789abcdef0123456789abcdef01234567
cache=$work/hfcache
mkdir -p "$cache/$repo/blobs" "$cache/$repo/snapshots/$commit" "$cache/$repo/refs"
src=$cache/$repo/blobs/tmp
# A valid safetensors file (a preview reads its header): one U8 tensor of random bytes.
total=$((size_gb * 1024 * 1024 * 1024))
python3 - "$src" "$total" <<'PY'
import json, struct, sys
path, total = sys.argv[1], int(sys.argv[2])
n = total - 8 - 128
header = json.dumps({"weight": {"dtype": "U8", "shape": [n], "data_offsets": [0, n]}}).encode().ljust(128)
with open(path, "wb") as f:
    f.write(struct.pack("<Q", len(header)) + header)
PY
head -c $((total - 8 - 128)) /dev/urandom >>"$src"
t0=$(now); sha=$(sha256sum "$src" | cut -d' ' -f1); t1=$(now)   # warms the page cache
t0=$(now); sha256sum "$src" >/dev/null; t1=$(now); sha_s=$(secs "$t0" "$t1")
mv "$src" "$cache/$repo/blobs/$sha"
ln -s "../../blobs/$sha" "$cache/$repo/snapshots/$commit/model.safetensors"
printf '{"model_type": "bench"}\n' >"$work/config.json"
oid=$(git hash-object "$work/config.json")
mv "$work/config.json" "$cache/$repo/blobs/$oid"
ln -s "../../blobs/$oid" "$cache/$repo/snapshots/$commit/config.json"
printf '%s' "$commit" >"$cache/$repo/refs/main"
bytes=$(stat -c %s "$cache/$repo/blobs/$sha")
gb=$(echo "$bytes / 1000000000" | bc -l)

# --- 2. import ------------------------------------------------------------------------------
t0=$(now)
import_json=$("$bin" models import-hf-cache bench/big --path "$cache" --json --data-dir "$work/a")
t1=$(now); import_s=$(secs "$t0" "$t1")
copied=$(echo "$import_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["imported"][0]["import"]["bytes_copied"])')
links=$(echo "$import_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["imported"][0]["import"]["hard_linked"])')

# --- 3. verify vs sha256sum (both warm) -------------------------------------------------------
t0=$(now); "$bin" models verify bench/big --data-dir "$work/a" >"$work/verify.txt"; t1=$(now)
verify_s=$(secs "$t0" "$t1")

# --- 4. the mirror ---------------------------------------------------------------------------
"$bin" serve --mirror --port 0 --data-dir "$work/a" >"$work/serve.out" 2>&1 &
serve_pid=$!
for _ in $(seq 100); do grep -q HF_ENDPOINT "$work/serve.out" && break; sleep 0.1; done
port=$(grep -o '127\.0\.0\.1:[0-9]*' "$work/serve.out" | head -1 | cut -d: -f2)
url=http://127.0.0.1:$port

c0=$(cpu_ticks "$serve_pid"); t0=$(now)
HF_ENDPOINT=$url "$bin" models download bench/big --connections 8 --data-dir "$work/b" 2>"$work/download.err" || { tail -5 "$work/download.err"; exit 1; }
t1=$(now); c1=$(cpu_ticks "$serve_pid")
dl_s=$(secs "$t0" "$t1"); dl_cpu=$(echo "($c1 - $c0) / $tck" | bc -l)
dl_sha=$(sha256sum "$work/b/models/bench--big/model.safetensors" | cut -d' ' -f1)
rm -rf "$work/b"   # the page cache and disk as they were for curl

c0=$(cpu_ticks "$serve_pid"); t0=$(now)
curl -sf -o "$work/curl.bin" "$url/bench/big/resolve/main/model.safetensors"
t1=$(now); c1=$(cpu_ticks "$serve_pid")
curl_s=$(secs "$t0" "$t1"); curl_cpu=$(echo "($c1 - $c0) / $tck" | bc -l)
curl_sha=$(sha256sum "$work/curl.bin" | cut -d' ' -f1)

[ "$dl_sha" = "$sha" ] && dl_ok=yes || dl_ok=NO
[ "$curl_sha" = "$sha" ] && curl_ok=yes || curl_ok=NO
rate() { printf %.2f "$(echo "$gb / $1" | bc -l)"; }
per_gb() { printf %.2f "$(echo "$1 / $gb" | bc -l)"; }

{
  echo
  echo "## LAN mirror, import, verify — $(date -u '+%Y-%m-%d %H:%M') UTC (bench/mirror/mirrorbench.sh, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo "One ${size_gb} GiB pseudo-random LFS file ($bytes bytes) and a config.json in a generated HF-cache snapshot; loopback; page cache warm."
  echo
  echo "| step | time s | GB/s | notes |"
  echo "|---|---|---|---|"
  echo "| \`models import-hf-cache\` | $(printf %.2f "$import_s") | $(rate "$import_s") | bytes copied $copied, $links hard links; every file hashed against its blob name |"
  echo "| \`models verify\` | $(printf %.2f "$verify_s") | $(rate "$verify_s") | $(head -1 "$work/verify.txt") |"
  echo "| \`sha256sum\` (same file) | $(printf %.2f "$sha_s") | $(rate "$sha_s") | GNU coreutils, one process |"
  echo "| mirror → \`models download --connections 8\` | $(printf %.2f "$dl_s") | $(rate "$dl_s") | server CPU $(printf %.2f "$dl_cpu") s = $(per_gb "$dl_cpu") s/GB; bytes match: $dl_ok (process start, catalogue and hashing of the download included) |"
  echo "| mirror → \`curl -o\` (same server) | $(printf %.2f "$curl_s") | $(rate "$curl_s") | server CPU $(printf %.2f "$curl_cpu") s = $(per_gb "$curl_cpu") s/GB; bytes match: $curl_ok |"
} | tee -a "$results"
