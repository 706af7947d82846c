#!/usr/bin/env bash
# bench/download: our engine vs curl (one stream) and aria2c -x16 -s16 on the same ~2 GB file of
# the fake Hub, in the same run: with a per-connection CDN cap, and uncapped on loopback.
# Usage: bench/download/run_bench.sh [BUILD_DIR] [SIZE_BYTES] [CAP_BYTES_PER_SEC]
# Appends a dated section to bench/RESULTS.md. Not a ctest.
set -euo pipefail
BUILD=${1:-build/ci}
SIZE=${2:-2000000000}
CAP=${3:-40000000}
BIN="$BUILD/bin"
WORK=$(mktemp -d /tmp/dlbench.XXXXXX)
trap 'kill $HUB_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

start_hub() { # $1 = cap (0 = none)
  local args=(--big-size "$SIZE")
  [ "$1" != 0 ] && args+=(--cdn-rate "$1")
  "$BIN/fakehub" "${args[@]}" > "$WORK/hub.out" 2> "$WORK/hub.err" &
  HUB_PID=$!
  for _ in $(seq 100); do [ -s "$WORK/hub.out" ] && break; sleep 0.1; done
  EP=$(head -1 "$WORK/hub.out")
}
stop_hub() { kill $HUB_PID; wait $HUB_PID 2>/dev/null || true; }

request() { # $1 = connections → writes $WORK/req.json and prints the CDN URL
  python3 - "$EP" "$WORK" "$1" <<'PY'
import json, sys, urllib.request
ep, work, conns = sys.argv[1], sys.argv[2], int(sys.argv[3])
info = json.load(urllib.request.urlopen(f"{ep}/api/models/org/big/revision/main?blobs=true"))
sha = info["sha"]
f = [e for e in info["siblings"] if e["rfilename"] == "model.safetensors"][0]
req = {"endpoint": ep, "repo": "org/big", "commit": sha, "target": f"{work}/ours",
       "files": [{"path": f["rfilename"], "size": f["size"], "sha256": f["lfs"]["sha256"], "git_oid": f["blobId"]}],
       "options": {"connections": conns, "files": 1}}
json.dump(req, open(f"{work}/req.json", "w"))
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
op = urllib.request.build_opener(NoRedirect)
try:
    op.open(urllib.request.Request(f"{ep}/org/big/resolve/{sha}/model.safetensors", method="HEAD"))
except urllib.error.HTTPError as e:
    print(e.headers["Location"])
PY
}

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2-$1:.2f}')"; }

run_curl() { local t0 t1; rm -f "$WORK/curl.out"; t0=$(now); curl -s -o "$WORK/curl.out" "$1"; t1=$(now); secs $t0 $t1; }
run_aria() { local t0 t1; rm -rf "$WORK/aria"; t0=$(now); aria2c -q -x16 -s16 -k1M --file-allocation=falloc \
  --allow-overwrite=true -d "$WORK/aria" -o f "$1"; t1=$(now); secs $t0 $t1; }
run_ours() { rm -rf "$WORK/ours"; "$BIN/download_helper" "$WORK/req.json" | tail -1; }

SIZE_ACTUAL=""
echo "== capped CDN: $CAP B/s per connection"
start_hub "$CAP"
CDN=$(request 16)
T_CURL_CAP=$(run_curl "$CDN"); echo "curl (1 stream): ${T_CURL_CAP}s"
CDN=$(request 16)
T_ARIA_CAP=$(run_aria "$CDN"); echo "aria2c -x16 -s16: ${T_ARIA_CAP}s"
OURS_CAP=$(run_ours); echo "ours (16 connections): $OURS_CAP"
SIZE_ACTUAL=$(stat -c %s "$WORK/ours/model.safetensors")
stop_hub

echo "== uncapped loopback"
start_hub 0
CDN=$(request 8)
T_CURL=$(run_curl "$CDN"); echo "curl (1 stream): ${T_CURL}s"
OURS=$(run_ours); echo "ours (8 connections, sha256 on): $OURS"
stop_hub

python3 - "$SIZE_ACTUAL" "$CAP" "$T_CURL_CAP" "$T_ARIA_CAP" "$OURS_CAP" "$T_CURL" "$OURS" <<'PY' | tee -a bench/RESULTS.md
import json, sys, datetime, os
size, cap = int(sys.argv[1]), int(sys.argv[2])
tcc, tac, oc, tcu, ou = float(sys.argv[3]), float(sys.argv[4]), json.loads(sys.argv[5]), float(sys.argv[6]), json.loads(sys.argv[7])
mb = lambda t: size / t / 1e6
toc, tou = oc["wall_ms"] / 1000, ou["wall_ms"] / 1000
print(f"\n## download — {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC (bench/download/run_bench.sh, {os.cpu_count()} CPUs)\n")
print(f"File: {size/1e9:.2f} GB LFS file of the fake Hub (org/big), sha256 verified by ours in every run.\n")
print("| run | time (s) | MB/s | ratio |")
print("|---|---|---|---|")
print(f"| capped {cap/1e6:.0f} MB/s per connection: curl, 1 stream | {tcc:.2f} | {mb(tcc):.1f} | |")
print(f"| capped: aria2c -x16 -s16 | {tac:.2f} | {mb(tac):.1f} | |")
print(f"| capped: ours, 16 connections | {toc:.2f} | {mb(toc):.1f} | **{tac/toc:.2f}× aria2c**, {tcc/toc:.2f}× curl |")
print(f"| uncapped loopback: curl, 1 stream | {tcu:.2f} | {mb(tcu):.1f} | |")
print(f"| uncapped loopback: ours, 8 connections, verification on | {tou:.2f} | {mb(tou):.1f} | **{tcu/tou:.2f}× curl** |")
print()
print(f"Ours: CPU {oc['cpu_ms']/ (size/1e9):.0f} ms per GB capped, {ou['cpu_ms']/(size/1e9):.0f} ms per GB uncapped; "
      f"peak RSS {oc['peak_rss_kb']/1024:.0f} MiB capped, {ou['peak_rss_kb']/1024:.0f} MiB uncapped "
      f"(for a {size/1e9:.1f} GB file).")
PY
