#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # templates in single quotes; status/output/stderr come from bats
# Issue 6 "The template engine": --format runs Go's text/template (lib/gotmpl)
# with Podman's error words and exit code, through the CLI.

load helpers

@test "format: Go template constructs and functions through --format" {
    # guards: issue 6 template engine (pipelines, printf, if/else, functions) in the CLI
    run_warren 0 version --format '{{.Client.OsArch | printf "%q"}} {{if .Client.Version}}{{upper "ok"}}{{else}}no{{end}}'
    assert_output --regexp '^"linux/[a-z0-9_]+" OK$'
    run_warren 0 version --format '{{with .Client}}{{len .Version | printf "%d"}}{{end}}\t{{json .Client.OsArch}}'
    assert_output --regexp $'^[0-9]+\t"linux/'
}

@test "format: template errors are Go's, name the command and position, exit 125" {
    # guards: issue 6 "errors name the template position and the missing field, in Podman's words, exit 125"
    run_warren 125 version --format '{{.Client.Nope}}'
    assert_error 'template: version:1:9: executing "version" at <.Client.Nope>: can'"'"'t evaluate field Nope'
    run_warren 125 version --format '{{.Client'
    assert_error 'template: version:1: unclosed action'
    run_warren 125 version --format '{{nosuch .}}'
    assert_error 'template: version:1: function "nosuch" not defined'
}
