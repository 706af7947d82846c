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

request() { # $1 = connections, $2 = chunk bytes, $3 = durable → writes $WORK/req.json, prints the CDN URL
  python3 - "$EP" "$WORK" "$1" "${2:-16777216}" "${3:-true}" <<'PY'
import json, sys, urllib.request
ep, work, conns, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
durable = sys.argv[5] == "true"
info = json.load(urllib.request.urlopen(f"{ep}/api/models/org/big/revision/main?blobs=true"))
sha = info["sha"]
f = [e for e in info["siblings"] if e["rfilename"] == "model.safetensors"][0]
req = {"endpoint": ep, "repo": "org/big", "commit": sha, "target": f"{work}/ours",
       "files": [{"path": f["rfilename"], "size": f["size"], "sha256": f["lfs"]["sha256"], "git_oid": f["blobId"]}],
       "options": {"connections": conns, "files": 1, "chunk": chunk, "durable": durable}}
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
request 16 > /dev/null
OURS_CAP=$(run_ours); echo "ours (16 connections): $OURS_CAP"
request 8 > /dev/null
OURS_CAP8=$(run_ours); echo "ours (8 connections, default): $OURS_CAP8"
SIZE_ACTUAL=$(stat -c %s "$WORK/ours/model.safetensors")
stop_hub

echo "== uncapped loopback"
start_hub 0
CDN=$(request 8)
T_CURL=$(run_curl "$CDN"); echo "curl (1 stream): ${T_CURL}s"
OURS=$(run_ours); echo "ours (8 connections, 16 MiB chunks, sha256 on): $OURS"
request 8 16777216 false > /dev/null
OURS_ND=$(run_ours); echo "ours (8 connections, durable off): $OURS_ND"
CHUNKS=""
for c in 4194304 67108864; do
  request 8 $c > /dev/null
  R=$(run_ours); echo "ours (8 connections, chunk $c): $R"
  CHUNKS="$CHUNKS $c=$(echo "$R" | python3 -c 'import json,sys; print(json.load(sys.stdin)["wall_ms"])')"
done
T0=$(now); dd if=/dev/zero of="$WORK/dd" bs=16M count=$((SIZE / 16777216)) conv=fdatasync 2>/dev/null; T_DD=$(secs $T0 $(now))
rm -f "$WORK/dd"; echo "dd conv=fdatasync of the same size: ${T_DD}s"
stop_hub

python3 - "$SIZE_ACTUAL" "$CAP" "$T_CURL_CAP" "$T_ARIA_CAP" "$OURS_CAP" "$T_CURL" "$OURS" "$OURS_CAP8" "$CHUNKS" "$OURS_ND" "$T_DD" <<'PY' | tee -a bench/RESULTS.md
import json, sys, datetime, os
size, cap = int(sys.argv[1]), int(sys.argv[2])
tcc, tac, oc, tcu, ou = float(sys.argv[3]), float(sys.argv[4]), json.loads(sys.argv[5]), float(sys.argv[6]), json.loads(sys.argv[7])
oc8 = json.loads(sys.argv[8])
chunks = dict((int(k), int(v)) for k, v in (x.split("=") for x in sys.argv[9].split()))
ond, tdd = json.loads(sys.argv[10]), float(sys.argv[11])
mb = lambda t: size / t / 1e6
toc, tou = oc["wall_ms"] / 1000, ou["wall_ms"] / 1000
print(f"\n## download — {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC (bench/download/run_bench.sh, {os.cpu_count()} CPUs)\n")
print(f"File: {size/1e9:.2f} GB LFS file of the fake Hub (org/big), sha256 verified by ours in every run.\n")
print("| run | time (s) | MB/s | ratio |")
print("|---|---|---|---|")
print(f"| capped {cap/1e6:.0f} MB/s per connection: curl, 1 stream | {tcc:.2f} | {mb(tcc):.1f} | |")
print(f"| capped: aria2c -x16 -s16 | {tac:.2f} | {mb(tac):.1f} | |")
print(f"| capped: ours, 16 connections | {toc:.2f} | {mb(toc):.1f} | **{tac/toc:.2f}× aria2c**, {tcc/toc:.2f}× curl |")
toc8 = oc8["wall_ms"] / 1000
print(f"| capped: ours, 8 connections (default) | {toc8:.2f} | {mb(toc8):.1f} | {tac/toc8:.2f}× aria2c |")
print(f"| uncapped loopback: curl, 1 stream | {tcu:.2f} | {mb(tcu):.1f} | |")
print(f"| uncapped loopback: ours, 8 connections, verification on | {tou:.2f} | {mb(tou):.1f} | **{tcu/tou:.2f}× curl** |")
tnd = ond["wall_ms"] / 1000
print(f"| uncapped: ours, durable off (no fdatasync; kill -9-safe only) | {tnd:.2f} | {mb(tnd):.1f} | {tcu/tnd:.2f}× curl |")
print(f"| reference: dd of the same size with conv=fdatasync (the disk) | {tdd:.2f} | {mb(tdd):.1f} | |")
for c, ms in sorted(chunks.items()):
    print(f"| uncapped: ours, 8 connections, {c >> 20} MiB chunks | {ms/1000:.2f} | {mb(ms/1000):.1f} | {tcu/(ms/1000):.2f}× curl |")
print()
print(f"Ours: CPU {oc['cpu_ms']/ (size/1e9):.0f} ms per GB capped, {ou['cpu_ms']/(size/1e9):.0f} ms per GB uncapped; "
      f"peak RSS {oc['peak_rss_kb']/1024:.0f} MiB capped, {ou['peak_rss_kb']/1024:.0f} MiB uncapped "
      f"(for a {size/1e9:.1f} GB file).")
PY
