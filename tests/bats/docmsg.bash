# docmsg.bash - compares a message warren printed with the one
# docs/rootless/troubleshooting.md quotes (issue 10: "every documented
# message and fix gets a test that triggers it and compares the text").
# The page marks each message with <!-- msg:ID --> on the line before it.

DOC_TROUBLE=${WT_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}/docs/rootless/troubleshooting.md

# doc_msg ID: the quoted message after the marker msg:ID (the first
# `...` span of the next line)
doc_msg() {
    awk -v id="<!-- msg:$1 -->" 'found {print; exit} index($0, id) == 1 {found = 1}' "$DOC_TROUBLE" |
        sed -E 's/^[^`]*`([^`]*)`.*$/\1/'
}

# assert_doc_msg ID TEXT [WORD=VALUE...]: TEXT (a line warren printed: its
# "Error: ", "rootless setup: " and warning wrapping are taken off) is the
# page's message ID with each WORD replaced by VALUE (a regex when it
# starts with "re:") and "..." matching anything
assert_doc_msg() {
    local id=$1 text=$2 doc re
    shift 2
    doc=$(doc_msg "$id")
    [ -n "$doc" ] || fail "troubleshooting.md has no message msg:$id"
    text=${text#Error: }
    text=${text#rootless setup: }
    if [[ $text =~ level=warning\ msg=\"(.*)\"$ ]]; then text=${BASH_REMATCH[1]//\\\"/\"}; fi
    text=${text#WARN\[0000\] }
    re=$(DOC="$doc" python3 - "$@" <<'PY'
import os, re, sys
doc = os.environ["DOC"]
subs = dict(a.split("=", 1) for a in sys.argv[1:])
out, i = "", 0
words = sorted(subs, key=len, reverse=True)
while i < len(doc):
    if doc.startswith("...", i):
        out += ".*"; i += 3; continue
    for w in words:
        before = doc[i - 1] if i > 0 else " "
        after = doc[i + len(w)] if i + len(w) < len(doc) else " "
        if doc.startswith(w, i) and not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            v = subs[w]
            out += v[3:] if v.startswith("re:") else re.escape(v); i += len(w); break
    else:
        out += re.escape(doc[i]); i += 1
print(out)
PY
)
    python3 -c 'import re, sys; sys.exit(0 if re.fullmatch(sys.argv[1], sys.argv[2], re.S) else 1)' "$re" "$text" ||
        fail "the message differs from troubleshooting.md (msg:$id)
  doc:    $doc
  warren: $text"
}

DOC_HPC=${WT_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}/docs/rootless/hpc.md

# doc_script ID FILE: the fenced script after <!-- script:ID --> in
# docs/rootless/hpc.md into FILE (executable): the tests run what the page shows
doc_script() {
    awk -v id="<!-- script:$1 -->" 'found && /^```/ {if (in_) exit; in_ = 1; next}
        in_ {print} index($0, id) == 1 {found = 1}' "$DOC_HPC" >"$2"
    [ -s "$2" ] || fail "hpc.md has no script:$1"
    chmod 0755 "$2"
}

# warren_wrapper DIR: DIR/warren runs $WARREN on the current store (for doc
# scripts that call plain `warren`)
warren_wrapper() {
    mkdir -p "$1"
    printf '#!/bin/sh\nexec %q --root %q --runroot %q "$@"\n' "$WARREN" "$WT_ROOT" "$WT_RUNROOT" >"$1/warren"
    chmod 0755 "$1" "$1/warren"
}
