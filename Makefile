# valgkit: the two commands a newcomer runs are `make demo` and `make test`.
# Both install what is missing (Debian 12, as root or with sudo, no questions
# asked), build, and then run.

BUILD ?= build
ASAN_BUILD ?= build-asan
DATA ?= ../shared/data/kv2025
RV_DATA ?= ../shared/data/rv2025
DEMO_OUT ?= demo-out

DEB_PACKAGES = build-essential meson ninja-build pkg-config gettext \
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libsqlite3-dev libsodium-dev \
  libhpdf-dev libqrencode-dev libsoup-3.0-dev libjson-glib-dev libpng-dev \
  xvfb xauth dbus-daemon poppler-utils zbar-tools python3 python3-cbor2 python3-nacl python3-jsonschema \
  fonts-dejavu-core clang-format openssl

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Options::=--force-confold

.PHONY: all deps build demo test test-full test-asan bench format clean

all: build

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(APT) update < /dev/null && $(APT) install --no-install-recommends $$missing < /dev/null; \
	else \
	  echo "All Debian packages present."; \
	fi

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	@if [ -d "$(DATA)/Aarhus" ]; then \
	  if [ -d "$(RV_DATA)/Region_Midtjylland" ]; then \
	    ./$(BUILD)/app/valgkit demo --data "$(DATA)/Aarhus" --rv "$(RV_DATA)/Region_Midtjylland" --out "$(DEMO_OUT)"; \
	  else \
	    ./$(BUILD)/app/valgkit demo --data "$(DATA)/Aarhus" --out "$(DEMO_OUT)"; \
	  fi; \
	else \
	  ./$(BUILD)/app/valgkit demo --out "$(DEMO_OUT)"; \
	fi

# The full suite, then the same tests under AddressSanitizer and UBSan.
# The sanitizer build compiles at the lowest CPU priority while the first
# suite runs (the suite leaves part of a core idle: its tests wait for
# fsyncs, subprocesses and Xvfb), so that it is mostly done when needed.
test: build $(ASAN_BUILD)/build.ninja
	@nice -n 19 ninja -C $(ASAN_BUILD) > $(ASAN_BUILD)/background-build.log 2>&1 & pid=$$!; \
	./test/run-suite $(BUILD); status=$$?; \
	wait $$pid || { cat $(ASAN_BUILD)/background-build.log; exit 1; }; \
	exit $$status
	$(MAKE) --no-print-directory test-asan

# The nightly size: the same suite with Aarhus added to the official-result
# replays (VK_DEMO_ALL=1; test/demo_official.py), no sanitizer run.
test-full: build
	VK_DEMO_ALL=1 ./test/run-suite $(BUILD)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

# Under the sanitizers the whole-election demo runs on two small municipalities only.
test-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	VK_DEMO_ONLY=Læsø,Albertslund ./test/run-suite $(ASAN_BUILD)

bench: build
	./bench/run $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(DEMO_OUT)
