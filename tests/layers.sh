#!/bin/bash
# layers.sh - `make check-layers`: the folders include each other only
# downwards (DESIGN.md "The shape"; issue 5 item 16: lib/ used to open the
# store through lib/engine.c, a lib <-> storage cycle). Prints one line per
# violation and exits 1 when there is any.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

# folder: the folders its files may include (besides its own)
declare -A ALLOWED=(
    [lib]=""
    [userns]="lib"
    [net]="lib"
    [storage]="lib engine"
    [rootless]="lib userns engine"
    [engine]="lib storage"
    [image]="lib engine storage"
    [runtime]="lib engine storage image net rootless userns monitor"
    # api/: a second front end over the engine calls the CLI makes (DESIGN.md)
    [api]="lib engine storage image net rootless userns runtime"
    [cli]="lib engine storage image net rootless userns runtime api"
    # the monitor links libc only (its idle memory is every detached container's cost)
    [monitor]=""
)
# below engine/: these may read struct engine but never call engine_*()
# (engine_store opens the store, which would be a cycle)
BELOW_ENGINE="lib userns net storage rootless"

bad=0
for dir in "${!ALLOWED[@]}"; do
    for f in "$dir"/*.[ch]; do
        [ -e "$f" ] || continue
        while IFS= read -r inc; do
            [ "$inc" = "$dir" ] && continue
            case " ${ALLOWED[$dir]} " in
            *" $inc "*) ;;
            *) echo "layers: $f includes $inc/ (allowed: ${ALLOWED[$dir]:-nothing})"; bad=1 ;;
            esac
        done < <(sed -n 's|^#include "\([a-z_]*\)/.*|\1|p' "$f" | sort -u)
    done
done
for dir in $BELOW_ENGINE; do
    if grep -Hn '\bengine_[a-z_]*(' "$dir"/*.c 2>/dev/null; then
        echo "layers: $dir/ calls engine functions (above it)"
        bad=1
    fi
done
# engine.h itself is plain data for the layers below: it includes only lib/
if grep -n '^#include "' engine/engine.h | grep -v '"lib/'; then
    echo "layers: engine/engine.h includes more than lib/"
    bad=1
fi
if [ -n "$(find . -path ./.git -prune -o -path ./build -prune -o -path ./tests -prune -o \
    -name '*.c' -print | sed 's|^\./||; s|/.*||' | sort -u | grep -vxE "$(IFS='|'; echo "${!ALLOWED[*]}")")" ]; then
    echo "layers: a source folder is missing from the table in tests/layers.sh"
    bad=1
fi
[ "$bad" = 0 ] && echo "layers: ok"
exit "$bad"
