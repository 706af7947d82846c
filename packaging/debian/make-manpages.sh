#!/usr/bin/env bash
# Generates the package's man pages from the programs' own --help with help2man, at build time:
#   mistudio.1, one mistudio-<command words>.1 per subcommand listed by `mistudio --help`
#   (e.g. mistudio-models-list.1), and mistudio-bin2safetensors.1 when that tool is built.
# Pages are gzip -9n compressed (no timestamp: reproducible), as Debian wants them.
#   make-manpages.sh OUT_DIR VERSION MISTUDIO_BINARY [BIN2SAFETENSORS_BINARY]
set -euo pipefail
out=${1:?usage: make-manpages.sh OUT_DIR VERSION MISTUDIO [BIN2SAFETENSORS]}
version=${2:?}
mistudio=${3:?}
bin2st=${4:-}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The commands must not read or write a user's settings or data while the pages are made.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share"
export MISTUDIO_DATA_DIR="$work/data" QT_QPA_PLATFORM=offscreen LC_ALL=C.UTF-8
mkdir -p "$HOME" "$out"
rm -f "$out"/*.1 "$out"/*.1.gz

page() { # page NAME DESCRIPTION PROGRAM SEE_ALSO_PAGES...
  local name=$1 desc=$2 prog=$3
  shift 3
  local include="$work/$name.h2m" sep
  {
    echo "[SEE ALSO]"
    for ((i = 1; i <= $#; i++)); do
      sep=","; [ "$i" -eq $# ] && sep=""
      echo ".BR ${!i} (1)$sep"
    done
  } >"$include"
  help2man --no-info --no-discard-stderr --section=1 --version-string="$version" \
    --name="$desc" --include="$include" --output="$out/$name.1" "$prog"
  gzip -9n "$out/$name.1"
}

# "  models list             List the models of the catalogue" -> words + summary
commands=()
while IFS= read -r line; do
  words=$(sed -E 's/^  (([a-z-]+ ?)+)  +.*/\1/; s/ +$//' <<<"$line")
  summary=$(sed -E 's/^  ([a-z-]+ ?)+  +//' <<<"$line")
  name="mistudio-${words// /-}"
  commands+=("$name")
  # help2man runs PROGRAM --help: a wrapper named after the page runs the command's own help.
  printf '#!/bin/sh\nexec "%s" %s "$@"\n' "$mistudio" "$words" >"$work/$name"
  chmod +x "$work/$name"
  page "$name" "$summary" "$work/$name" mistudio
done < <("$mistudio" --help | sed -n '/^Commands:/,/^$/p' | sed '1d;/^$/d')
[ ${#commands[@]} -gt 0 ] || { echo "make-manpages: no command found in 'mistudio --help'" >&2; exit 1; }

tools=()
if [ -n "$bin2st" ]; then
  page mistudio-bin2safetensors "convert PyTorch .bin weights to safetensors" "$bin2st" mistudio mistudio-models-quantize
  tools=(mistudio-bin2safetensors)
fi
page mistudio "Hugging Face model manager for interpretability work" "$mistudio" "${commands[@]}" "${tools[@]}"
