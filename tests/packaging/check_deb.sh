#!/usr/bin/env bash
# Builds the .deb from a built tree with CPack and checks what a user installs: files, package
# metadata and dependencies, a valid .desktop file and AppStream metadata, a binary that runs,
# and Debian's conventions as lintian checks them (no error, no warning).
#   check_deb.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: check_deb.sh BUILD_DIR}
work=$(mktemp -d /tmp/mistudio-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; fail=1; fi
}

(cd "$build" && cpack -G DEB -B "$work/out" --config "$build/CPackConfig.cmake" >"$work/cpack.log" 2>&1) || {
  cat "$work/cpack.log" >&2; exit 1; }
deb=$(ls "$work"/out/*.deb)
echo "package: $(basename "$deb") ($(stat -c %s "$deb") bytes)"

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/files"
dpkg-deb -I "$deb" >"$work/info"
cat "$work/info" | sed -n '/Package:/,$p'

check "contains the GUI module" grep -qE '^/usr/lib/([a-z0-9_]+-linux-gnu/)?mistudio/mistudio-gui.so$' "$work/files"
for f in /usr/bin/mistudio \
         /usr/share/applications/io.mistudio.Models.desktop \
         /usr/share/icons/hicolor/scalable/apps/io.mistudio.Models.svg \
         /usr/share/metainfo/io.mistudio.Models.metainfo.xml \
         /usr/share/mistudio/translations/mistudio_de.qm \
         /usr/share/mistudio/translations/mistudio_zh_CN.qm \
         /usr/lib/systemd/system/mistudio-serve.service \
         /usr/lib/systemd/system/mistudio-worker@.service \
         /usr/share/man/man1/mistudio-worker.1.gz \
         /usr/share/doc/mistudio-models/copyright \
         /usr/share/doc/mistudio-models/changelog.gz \
         /usr/share/man/man1/mistudio.1.gz \
         /usr/share/man/man1/mistudio-models-download.1.gz \
         /usr/share/man/man1/mistudio-serve.1.gz; do
  check "contains $f" grep -qx "$f" "$work/files"
done
# Nothing from the build or test trees (tests, benchmarks, static libraries, headers).
check "no test, bench or development files" \
  bash -c "! grep -E '/(tst_|bench_)|\\.a$|\\.h$|/include/' '$work/files'"

depends=$(sed -n 's/^ Depends: //p' "$work/info")
for d in libqt6core6 libqt6sql6 libqt6widgets6 libqt6sql6-sqlite libqt6sql6-psql qt6-qpa-plugins libc6; do
  check "Depends on $d" grep -qE "(^|, )$d( |,|$)" <<<"$depends"
done
check "Package is mistudio-models" grep -q '^ Package: mistudio-models$' "$work/info"
check "Architecture is set" grep -qE '^ Architecture: [a-z0-9]+$' "$work/info"
check "Maintainer is set" grep -qE '^ Maintainer: .+<.+@.+>' "$work/info"

# Every program in /usr/bin has a man page, generated from its --help.
for b in $(grep -E '^/usr/bin/[^/]+$' "$work/files"); do
  check "man page for $b" grep -qx "/usr/share/man/man1/$(basename "$b").1.gz" "$work/files"
done
# Nothing runs at install or removal: the package has no maintainer scripts (the GUI module is
# not a shared library in ld.so's path, so there is no ldconfig to call).
dpkg-deb --ctrl-tarfile "$deb" | tar -t | sed 's|^\./||' | grep -v '^$' | sort >"$work/control-files"
check "no maintainer scripts (control holds: $(tr '\n' ' ' <"$work/control-files"))" \
  bash -c "! grep -qE '^(preinst|postinst|prerm|postrm|triggers)$' '$work/control-files'"

# lintian with Debian's profile: any error or warning fails. An override would need a written
# reason in packaging/debian/ (there is none today).
if command -v lintian >/dev/null; then
  lrc=0
  lintian --fail-on error,warning --no-tag-display-limit "$deb" >"$work/lintian.out" 2>"$work/lintian.err" || lrc=$?
  tags=$(grep -cE '^[EW]: ' "$work/lintian.out" || true)
  check "lintian: no error or warning (exit $lrc, $tags tags)" test "$lrc" -eq 0 -a "$tags" -eq 0
  grep -E '^[EW]: ' "$work/lintian.out" >&2 || true
else
  check "lintian is installed (packaging/debian/install-deps.sh)" false
fi

dpkg-deb -x "$deb" "$work/root"
check "man page renders" bash -c "MANWIDTH=80 man -l '$work/root/usr/share/man/man1/mistudio-models-list.1.gz' 2>&1 | grep -q -- '--status'"
check "desktop file is valid" desktop-file-validate "$work/root/usr/share/applications/io.mistudio.Models.desktop"
check "AppStream metadata is valid" appstreamcli validate --no-net \
  "$work/root/usr/share/metainfo/io.mistudio.Models.metainfo.xml"
check "serve unit raises the open-file limit" \
  grep -qE '^LimitNOFILE=[0-9]+$' "$work/root/usr/lib/systemd/system/mistudio-serve.service"
check "worker unit drains before systemd kills it" \
  grep -qE '^TimeoutStopSec=[0-9]+$' "$work/root/usr/lib/systemd/system/mistudio-worker@.service"
check "installed binary runs" bash -c "'$work/root/usr/bin/mistudio' --version | grep -q '^mistudio '"
# The installed binary must find the installed GUI module (not the build tree's): with an
# offscreen display the window opens and keeps running until `timeout` ends it (124); a missing
# or broken module ends it at once with an error instead.
mkdir -p "$work/home"
set +e
HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" MISTUDIO_DATA_DIR="$work/home/data" \
  QT_QPA_PLATFORM=offscreen timeout 8 "$work/root/usr/bin/mistudio" >"$work/gui.log" 2>&1
rc=$?
set -e
check "installed binary opens the window from the installed module (rc $rc)" test $rc -eq 124
[[ $rc -eq 124 ]] || cat "$work/gui.log" >&2

exit $fail
