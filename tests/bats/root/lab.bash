# lab.bash - users of a simulated teaching lab or shared node (issue 15),
# for tests/bats/root/260-root-lab.bats and bench/lab-start (run as root).
# Each user gets a home, a sub-id range of LAB_SUBIDS ids that overlaps no
# other entry of /etc/subuid and /etc/subgid (as tests/check.sh gives its
# test user one), and a private dir LAB_TMP/USER (storage, runtime dir).

LAB_SUBIDS=${LAB_SUBIDS:-65536}

# lab ranges start at 3 GiB ids: far above the ranges useradd and the
# test scripts hand out, so that neither lands on the other's later
LAB_SUBID_BASE=${LAB_SUBID_BASE:-3221225472}

# lab_free_start: the first multiple of 65536 (>= LAB_SUBID_BASE) above every range
lab_free_start() {
    awk -F: -v b="$LAB_SUBID_BASE" 'NF>=3 && $2 ~ /^[0-9]+$/ {e = $2 + $3; if (e > m) m = e}
             END {s = (m < b ? b : m); s = int((s + 65535) / 65536) * 65536; printf "%d\n", s}' \
        /etc/subuid /etc/subgid
}

# lab_user_add NAME: the user, with one range in both files (kept when it
# is there already)
lab_user_add() {
    local u=$1 start
    id "$u" >/dev/null 2>&1 || useradd -m -s /bin/bash "$u" || return 1
    touch /etc/subuid /etc/subgid
    if grep -q "^$u:[0-9]*:$LAB_SUBIDS\$" /etc/subuid && grep -q "^$u:[0-9]*:$LAB_SUBIDS\$" /etc/subgid &&
        [ "$(grep "^$u:" /etc/subuid)" = "$(grep "^$u:" /etc/subgid)" ]; then
        return 0
    fi
    sed -i "/^$u:/d" /etc/subuid /etc/subgid
    start=$(lab_free_start)
    echo "$u:$start:$LAB_SUBIDS" >>/etc/subuid
    echo "$u:$start:$LAB_SUBIDS" >>/etc/subgid
}

# lab_names N: wt-lab01 .. wt-labN
lab_names() {
    local i
    for ((i = 1; i <= $1; i++)); do printf 'wt-lab%02d\n' "$i"; done
}

# lab_w USER ARGS...: warren as USER (rootless) on its store under LAB_TMP,
# with a time limit
lab_w() {
    local u=$1 d=$LAB_TMP/$1
    shift
    timeout -k 5 "${LAB_TIMEOUT:-120}" runuser -u "$u" -- env -i PATH=/usr/bin:/bin HOME="$d" XDG_RUNTIME_DIR="$d/xdg" \
        "$WARREN" --root "$d/root" --runroot "$d/runroot" "$@"
}

# lab_prepare USER: its dir (0700, its own) with a runtime dir
lab_prepare() {
    local d=$LAB_TMP/$1
    install -d -m 0700 -o "$1" -g "$(id -g "$1")" "$d" "$d/xdg"
}

# lab_cleanup USER: its containers, its pause process and its files gone
lab_cleanup() {
    local d=$LAB_TMP/$1
    [ -d "$d" ] || return 0
    lab_w "$1" rm -a -f -t 0 >/dev/null 2>&1
    lab_w "$1" unshare rm -rf "$d/root" "$d/runroot" >/dev/null 2>&1
    lab_w "$1" system migrate >/dev/null 2>&1
    rm -rf --one-file-system "$d"
}
