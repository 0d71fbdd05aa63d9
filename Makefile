# gonm: NetworkManager reimplemented in Go.
#   make demo     run the daemon for real in a throwaway namespace
#   make test     run every test tier (needs root: namespaces, private buses),
#                 the kernel VM tier included
#   make test-vm  run only the packages with kernel VM tests
#   make vm-image build (or find cached) the kernel VM guest image
#   make bench    benchmarks against NetworkManager 1.42, side by side

GO        ?= go
PREFIX    ?= /usr
SYSCONFDIR ?= /etc
SBINDIR   ?= $(PREFIX)/sbin
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR   ?=
BIN       := $(CURDIR)/bin
# Packages whose tests start the daemon or touch the kernel are slower; go
# test runs packages in parallel (one per core), each with -race.
TESTFLAGS ?= -race -count=1 -timeout 45m
BENCH_JSON ?= $(CURDIR)/bench.json

PROGRAMS := $(notdir $(wildcard cmd/*))

# Packages whose tests run partly in the kernel VM: their TestMain calls
# testbed.KernelMain.
VM_PKGS := $(sort $(dir $(shell grep -rl --include='*_test.go' 'testbed[.]KernelMain' internal cmd 2>/dev/null)))

.PHONY: all build test test-vm vm-image bench demo sandbox lint install clean

all: build

build:
	@mkdir -p $(BIN)
	$(GO) build -o $(BIN)/ ./cmd/...

test: lint
	$(GO) test $(TESTFLAGS) ./...

test-vm: lint
	$(GO) test $(TESTFLAGS) $(addprefix ./,$(VM_PKGS))

vm-image:
	$(GO) run ./internal/vmtest/cmd/gonm-vm image

bench: build
	BENCH_JSON=$(BENCH_JSON) GONM_BIN_DIR=$(BIN) $(GO) test -run='^$$' -bench=. -benchtime=1x -timeout 60m ./...

demo: build
	GONM_BIN_DIR=$(BIN) $(GO) run ./internal/demo

sandbox: build
	GONM_BIN_DIR=$(BIN) $(GO) run ./internal/demo -shell

lint:
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt -l found unformatted files:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

install: build
	install -D -m 0755 $(BIN)/NetworkManager $(DESTDIR)$(SBINDIR)/NetworkManager
	for p in nmcli nm-online; do \
		if [ -x $(BIN)/$$p ]; then install -D -m 0755 $(BIN)/$$p $(DESTDIR)$(BINDIR)/$$p; fi; \
	done
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g; s|@BINDIR@|$(BINDIR)|g' data/NetworkManager.service \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/NetworkManager.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/NetworkManager.service
	sed 's|@SBINDIR@|$(SBINDIR)|g; s|@BINDIR@|$(BINDIR)|g' data/NetworkManager-wait-online.service \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/NetworkManager-wait-online.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/NetworkManager-wait-online.service
	install -D -m 0644 data/nmcli-completion.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/nmcli
	install -D -m 0644 man/nmcli.1 $(DESTDIR)$(DATADIR)/man/man1/nmcli.1
	install -D -m 0644 man/nm-online.1 $(DESTDIR)$(DATADIR)/man/man1/nm-online.1
	install -D -m 0644 data/org.freedesktop.NetworkManager.conf \
		$(DESTDIR)$(DATADIR)/dbus-1/system.d/org.freedesktop.NetworkManager.conf
	install -D -m 0644 data/org.freedesktop.NetworkManager.service \
		$(DESTDIR)$(DATADIR)/dbus-1/system-services/org.freedesktop.NetworkManager.service
	install -D -m 0644 data/org.freedesktop.NetworkManager.policy \
		$(DESTDIR)$(DATADIR)/polkit-1/actions/org.freedesktop.NetworkManager.policy
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/NetworkManager/conf.d \
		$(DESTDIR)$(SYSCONFDIR)/NetworkManager/system-connections
	[ -e $(DESTDIR)$(SYSCONFDIR)/NetworkManager/NetworkManager.conf ] || \
		install -m 0644 data/NetworkManager.conf $(DESTDIR)$(SYSCONFDIR)/NetworkManager/NetworkManager.conf

clean:
	rm -rf $(BIN) bench.json
	$(GO) clean -testcache
