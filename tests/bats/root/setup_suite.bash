# setup_suite.bash - root-mode subset (`bats tests/bats/root`, run as root).
# shellcheck source=tests/bats/helpers.bash
. "$(dirname "${BASH_SOURCE[0]}")/../helpers.bash"

setup_suite() {
    if [ "$(id -u)" != 0 ]; then
        echo "tests/bats/root must run as root" >&2
        return 1
    fi
    wt_suite_setup
}

teardown_suite() {
    wt_suite_teardown
}
