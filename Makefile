# warren - rootless-first container engine
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
# warren finds warren-monitor beside itself or in ../libexec/warren
LIBEXECDIR ?= $(PREFIX)/libexec/warren
DESTDIR ?=
CC ?= cc
PKG_CONFIG ?= pkg-config

# (yaml-0.1: libyaml, for registries.d; gpgme is dlopen()ed: image/gpgfn.c)
PKGS := libcap libseccomp json-c libarchive sqlite3 libcrypto yaml-0.1
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
# libsubid (shadow) ships no .pc file on Debian 12: header in
# /usr/include/shadow; it is dlopen()ed when the pause process is created.
SUBID_CFLAGS := -I/usr/include/shadow

# Start-up time is a feature: loading and relocating ~30 shared objects
# (libarchive's compressors, OpenSSL) cost a `run --rm` more than everything
# else together. So the libraries are linked statically by default (their
# .a files come with the same -dev packages); STATIC=0 links dynamically.
STATIC ?= 1
# System libraries stay shared: a static libc/libm in a dynamic binary is
# asking for trouble.
SYS_LIBS := -lm -ldl -lpthread -pthread -lrt -lresolv -lc
# libarchive.pc names libxml2 for its xar format, which warren never enables
# (only tar and raw); libarchive-dev does not even pull in libxml2-dev.
STATIC_UNUSED := -lxml2
# -ldl is warren's own: it dlopen()s libsubid.
ifeq ($(STATIC),1)
STATIC_LIBS := $(shell $(PKG_CONFIG) --static --libs $(PKGS) 2>/dev/null)
PKG_LIBS := -Wl,--as-needed -Wl,-Bstatic $(filter-out $(SYS_LIBS) $(STATIC_UNUSED),$(STATIC_LIBS)) \
            -Wl,-Bdynamic $(sort $(filter $(SYS_LIBS),$(STATIC_LIBS))) -ldl
else
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -ldl
endif

WARN := -Wall -Wextra -Werror -Werror=implicit -Werror=missing-prototypes \
        -Werror=format=2 -Werror=shadow -Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -I. $(PKG_CFLAGS) $(SUBID_CFLAGS) $(CFLAGS) -MMD -MP
LDLIBS := $(PKG_LIBS)
# unit tests use more of libarchive (its writer) and need no fast start-up
UNIT_LDLIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -ldl -lm

ENGINE_SRC := $(wildcard lib/*.c userns/*.c rootless/*.c storage/*.c engine/*.c image/*.c runtime/*.c \
              net/*.c api/*.c) monitor/k8sfile.c
CLI_SRC := $(wildcard cli/*.c)
# warren-monitor: libc only, linked statically (its idle memory is the cost
# of every detached container: issue 8 asks for under 1 MiB). Its k8s-file
# log writer is the engine's too (a foreground run's log).
MONITOR_SRC := $(wildcard monitor/*.c)
# B: where objects and test binaries go (sanitize-unit and fuzz build their
# own copies under build/san and build/fuzz)
B ?= build
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(B)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FORMAT_SRC := $(ENGINE_SRC) $(CLI_SRC) $(MONITOR_SRC) $(wildcard */*.h) $(UNIT_SRC) tests/unit/unit.h \
              $(wildcard tests/tools/*.c) $(wildcard tests/fuzz/*.[ch])

.PHONY: all check check-unit sanitize-unit fuzz fuzz-build check-bats check-clang check-format check-layers test-tools install \
        reference check-reference \
        uninstall format lint bench deps demo clean

all: bin/warren bin/warren-monitor

bin/warren: $(CLI_OBJ) $(B)/libwarren.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(B)/libwarren.a $(LDFLAGS) $(LDLIBS)

bin/warren-monitor: $(MONITOR_SRC)
	@mkdir -p $(@D)
	$(CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -static -o $@ $(MONITOR_SRC) $(LDFLAGS)

$(B)/libwarren.a: $(ENGINE_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/tests/%: tests/unit/%.c tests/unit/unit.h $(B)/libwarren.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libwarren.a $(LDFLAGS) $(UNIT_LDLIBS)

# test_help walks the command tables: it links the whole front end, main.c
# with its main() renamed
CLI_LIB_OBJ := $(filter-out $(B)/cli/main.o,$(CLI_OBJ)) $(B)/tests/cli_main.o
$(B)/tests/cli_main.o: cli/main.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Dmain=warren_main -Wno-missing-prototypes -c -o $@ $<
$(B)/tests/test_help: tests/unit/test_help.c tests/unit/unit.h $(CLI_LIB_OBJ) $(B)/libwarren.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(CLI_LIB_OBJ) $(B)/libwarren.a $(LDFLAGS) $(UNIT_LDLIBS)
# test_remote: the remote client's URIs and connections (cli/remote.c, cli/connection.c)
$(B)/tests/test_remote: tests/unit/test_remote.c tests/unit/unit.h $(CLI_LIB_OBJ) $(B)/libwarren.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(CLI_LIB_OBJ) $(B)/libwarren.a $(LDFLAGS) $(UNIT_LDLIBS)

check-unit: $(UNIT_BIN)
	@tests/unit/run-all $(UNIT_BIN)

# sanitize-unit: the unit tests built with ASan+UBSan (build/san) and run;
# any sanitizer report fails the run. Not part of check (time). gcc warns
# more with the sanitizers (false format-truncation): shown, not fatal.
SAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
              -Wno-error -Wno-error=format-truncation
sanitize-unit:
	$(MAKE) B=build/san CFLAGS="$(SAN_CFLAGS)" check-unit

# fuzz: libFuzzer drivers (tests/fuzz/fuzz_*.c, clang) over the parsers that
# read untrusted bytes, each run FUZZ_SECONDS from its seed corpus
# (tests/fuzz/corpus/NAME); crashing inputs land in build/fuzz/crash/.
FUZZ_SECONDS ?= 30
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzzers/%)
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link \
               -fno-sanitize-recover=all -Wno-error
fuzz:
	$(MAKE) B=build/fuzz CC=$(CLANG) CFLAGS="$(FUZZ_CFLAGS)" fuzz-build
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/fuzzers/%)
fuzz-build: $(FUZZ_BIN)
$(B)/fuzzers/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(CLI_LIB_OBJ) $(B)/libwarren.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(CLI_LIB_OBJ) $(B)/libwarren.a $(LDFLAGS) $(UNIT_LDLIBS)

# Programs the bats tests use (tests/tools): enosys runs a command with
# syscalls failing with ENOSYS (old kernels); uring_probe, portecho and
# icmp_ping (ping through an unprivileged ICMP socket) are static so that
# they run inside any image.
TOOLS := build/tools/enosys build/tools/uring_probe build/tools/portecho build/tools/icmp_ping
test-tools: $(TOOLS)

build/tools/enosys: tests/tools/enosys.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS) $(shell $(PKG_CONFIG) --libs libseccomp)

build/tools/uring_probe: tests/tools/uring_probe.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -static -o $@ $< $(LDFLAGS)

# portecho: UDP echo, TCP sink and sender for the -p tests and
# bench/port-throughput (static: it runs inside the busybox image)
build/tools/portecho: tests/tools/portecho.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -static -o $@ $< $(LDFLAGS)

build/tools/icmp_ping: tests/tools/icmp_ping.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -static -o $@ $< $(LDFLAGS)

# check: the README's test command. As root on a fresh Debian 12 machine it
# installs what is missing, prepares the host, builds and runs every test.
check:
	tests/check.sh

check-bats: bin/warren test-tools
	bats tests/bats

install: bin/warren bin/warren-monitor
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 bin/warren $(DESTDIR)$(BINDIR)/warren
	install -m 0755 bin/warren-monitor $(DESTDIR)$(LIBEXECDIR)/warren-monitor

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/warren $(DESTDIR)$(LIBEXECDIR)/warren-monitor

deps:
	tests/deps.sh

# demo: the README's first command. As root: installs the dependencies,
# builds and installs warren, and runs a rootless container as a user.
demo:
	tests/quickstart.sh

format:
	clang-format -i $(FORMAT_SRC)

# check-format: fails (and shows where) when `make format` would change a file
check-format:
	clang-format --dry-run -Werror $(FORMAT_SRC)

# check-clang: every file compiles with clang and the same -Werror flags
# (front end only: quick, and it writes nothing)
CLANG ?= clang
check-clang:
	@for f in $(ENGINE_SRC) $(CLI_SRC) $(MONITOR_SRC) $(UNIT_SRC); do \
	    $(CLANG) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -fsyntax-only $$f || exit 1; done

# check-layers: folders include each other only downwards (tests/layers.sh)
check-layers:
	tests/layers.sh

# reference: docs/reference.md, every command's --help as one page;
# check-reference fails when it differs from what bin/warren prints
reference: bin/warren
	bin/warren help --reference > docs/reference.md

check-reference: bin/warren
	@bin/warren help --reference | diff -u docs/reference.md - >/dev/null || \
	  { echo "docs/reference.md is out of date: run 'make reference'" >&2; exit 1; }

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --std=c11 \
	  --suppress=missingIncludeSystem --suppress=unknownMacro -I. $(ENGINE_SRC) $(CLI_SRC) $(MONITOR_SRC)

bench: bin/warren
	bench/run-latency
	bench/list-latency

clean:
	rm -rf build bin

-include $(ENGINE_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_BIN:=.d) $(FUZZ_BIN:=.d)
