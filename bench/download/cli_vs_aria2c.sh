#!/usr/bin/env bash
# bench/download: the whole `mistudio models download org/big --connections 8` (what a user waits
# for: start-up, catalogue, preview, the Hub's metadata, the transfer, verification, the durable
# publish, exit) against `aria2c -x8 -s8 -k1M` given the CDN URL resolved beforehand, on the fake
# Hub with its CDN capped per connection. Each run times both back to back, alternating which goes
# first; ratio = aria2c time / ours (≥ 1: ours is as fast or faster). BASELINE (another mistudio
# binary, e.g. one built from main) is timed in the same runs too. Where our time goes comes from
# the product's own timing log (QT_LOGGING_RULES=mistudio.download.timing.debug=true).
# Usage: bench/download/cli_vs_aria2c.sh [BUILD_DIR] [SIZE_BYTES] [CDN_BYTES_PER_SEC] [RUNS] [BASELINE]
# Appends a dated section to bench/RESULTS.md. Not a ctest.
set -euo pipefail
BUILD=${1:-build/ci}
SIZE=${2:-400000000}
RATE=${3:-8000000}
RUNS=${4:-3}
BASELINE=${5:-}
WORK=$(mktemp -d /tmp/dlcli.XXXXXX)
trap 'kill $HUB_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$BUILD/bin/fakehub" --big-size "$SIZE" --cdn-rate "$RATE" > "$WORK/hub.out" 2> "$WORK/hub.err" &
HUB_PID=$!
for _ in $(seq 100); do [ -s "$WORK/hub.out" ] && break; sleep 0.1; done
EP=$(head -1 "$WORK/hub.out")

python3 - "$EP" "$WORK" "$BUILD/bin/mistudio" "$RUNS" "$RATE" "$BASELINE" <<'PY' | tee -a bench/RESULTS.md
import datetime, json, os, re, shutil, subprocess, sys, time, urllib.request
ep, work, ours, runs, rate, baseline = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]

info = json.load(urllib.request.urlopen(f"{ep}/api/models/org/big/revision/main?blobs=true"))
sha = info["sha"]
size = [s for s in info["siblings"] if s["rfilename"] == "model.safetensors"][0]["size"]
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
try:
    urllib.request.build_opener(NoRedirect).open(urllib.request.Request(f"{ep}/org/big/resolve/{sha}/model.safetensors", method="HEAD"))
    sys.exit("the resolve HEAD was not redirected to the CDN")
except urllib.error.HTTPError as e:
    cdn = e.headers["Location"]

def aria():
    out = os.path.join(work, "aria")
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.monotonic()
    subprocess.run(["aria2c", "-q", "-x8", "-s8", "-k1M", "--file-allocation=falloc", "--allow-overwrite=true",
                    "-d", out, "-o", "f", cdn], check=True)
    t = time.monotonic() - t0
    assert os.path.getsize(os.path.join(out, "f")) == size
    return t, {}

def mistudio(binary):
    home = os.path.join(work, "home")
    shutil.rmtree(home, ignore_errors=True)
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, "config"), HF_HOME=os.path.join(home, "hf"),
               MISTUDIO_DATA_DIR=os.path.join(home, "data"), HF_ENDPOINT=ep,
               QT_LOGGING_RULES="mistudio.download.timing.debug=true", QT_MESSAGE_PATTERN="%{time boot} %{message}")
    for v in ("HF_TOKEN", "HF_TOKEN_PATH", "MISTUDIO_DATABASE_URL"):
        env.pop(v, None)
    t0 = time.monotonic()
    p = subprocess.run([binary, "models", "download", "org/big", "--connections", "8", "--json-progress"],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    t = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f"{binary} failed: {p.stderr[-2000:]}")
    assert os.path.getsize(os.path.join(home, "data/models/org--big/model.safetensors")) == size
    marks = {}
    for line in p.stderr.splitlines():
        m = re.match(r"\s*([\d.]+) (.*)", line)
        if m:
            marks.setdefault(m.group(2), float(m.group(1)) - t0)
    marks["exit"] = t
    return t, marks

def mark(marks, pattern):
    for k, v in marks.items():
        if re.search(pattern, k):
            return v
    return None

rows, phases = [], []
for i in range(runs):
    order = ["aria", "ours"] if i % 2 == 0 else ["ours", "aria"]
    r = {}
    for who in order:
        r[who] = aria() if who == "aria" else mistudio(ours)
    if baseline:
        r["base"] = mistudio(baseline)
    rows.append(r)
    m = r["ours"][1]
    job, prepared = mark(m, r"org/big: job starts"), mark(m, r"model\.safetensors: prepared")
    written, published = mark(m, r"model\.safetensors: every byte written"), mark(m, r"model\.safetensors: published")
    back = mark(m, r"returned to the job")
    phases.append((job, prepared, written, published, back, m["exit"]))

ideal = size / (8 * rate)
print(f"\n## download: `mistudio models download` vs aria2c, {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC "
      f"(bench/download/cli_vs_aria2c.sh, {os.cpu_count()} CPUs)\n")
print(f"File: org/big's model.safetensors, {size/1e9:.2f} GB, fake Hub CDN capped at {rate/1e6:.0f} MB/s per "
      f"connection, 8 connections each (the transfer alone: {ideal:.2f} s at best). Ours: a fresh data dir and "
      f"catalogue per run, sha256 verified, durable (fdatasync) journal and publish; aria2c: `-x8 -s8 -k1M "
      f"--file-allocation=falloc`, given the resolved CDN URL, no verification, no sync. Load average at the "
      f"start: {os.getloadavg()[0]:.1f}.\n")
head = "| run | aria2c (s) | ours (s) | **ratio** |" + (" baseline (s) | baseline ratio |" if baseline else "")
print(head)
print("|---" * (head.count("|") - 1) + "|")
for i, r in enumerate(rows):
    a, o = r["aria"][0], r["ours"][0]
    line = f"| {i+1} | {a:.2f} | {o:.2f} | **{a/o:.3f}×** |"
    if baseline:
        line += f" {r['base'][0]:.2f} | {a/r['base'][0]:.3f}× |"
    print(line)
print("\nWhere ours spends its time (s, from its start; each run):\n")
print("| run | start-up to the job (process, catalogue, claim) | job to the file open (Hub metadata, HEAD, partial) | transfer (to the last byte) | last byte to published (final checkpoint, digest tail, rename) | to the job's end | to exit |")
print("|---|---|---|---|---|---|---|")
fmt = lambda x: "-" if x is None else f"{x:.3f}"
for i, (job, prep, wr, pub, back, ex) in enumerate(phases):
    d = lambda b, a: None if a is None or b is None else b - a
    print(f"| {i+1} | {fmt(job)} | {fmt(d(prep, job))} | {fmt(d(wr, prep))} | {fmt(d(pub, wr))} | {fmt(d(back, pub))} | {fmt(d(ex, back))} |")
PY
