# setup_suite.bash - once per `bats tests/bats` run: fixtures, shared store, base image.
# shellcheck source=tests/bats/helpers.bash
. "$(dirname "${BASH_SOURCE[0]}")/helpers.bash"

setup_suite() {
    wt_suite_setup
}

teardown_suite() {
    wt_suite_teardown
}
