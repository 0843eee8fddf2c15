#!/usr/bin/env bash
# One-time (idempotent) setup of everything the project needs on a fresh Debian 12 machine:
# Debian packages, the `debian-web` rustup toolchain with a wasm32v1-none sysroot for the runtime
# blob, and a Python venv with PyTorch 2.13.0 (libtorch for `tch`), numpy and scikit-learn.
# A second run only checks and takes seconds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$here/env.sh"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup]\033[0m %s\n' "$*" >&2; exit 1; }

# chromium and chromium-driver: the console's browser test (headless, through WebDriver).
APT_PACKAGES=(rustc-web rust-web-src lld-22 protobuf-compiler clang libclang-dev mold python3-venv pkg-config libssl-dev curl
	chromium chromium-driver)
TORCH_VERSION=2.13.0
SYSROOT=/usr/lib/rustlib/wasm32v1-none/lib

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
		die "need root (or sudo) to run: $*"; fi
}

install_apt_packages() {
	local missing=()
	for p in "${APT_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && { log "Debian packages present"; return; }
	if ! command -v apt-get >/dev/null 2>&1; then
		die "no apt-get here. Install by hand: a Rust toolchain with rust-src and the wasm32v1-none target \
(or wasm32-unknown-unknown), protoc, clang/libclang, lld (wasm-ld), mold, Python 3 venv, and PyTorch ${TORCH_VERSION}; \
then set WASM_BUILD_TOOLCHAIN / CARGO_TARGET_WASM32V1_NONE_LINKER as in scripts/env.sh."
	fi
	log "installing Debian packages: ${missing[*]}"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

link_debian_toolchain() {
	if rustup toolchain list | grep -q '^debian-web'; then log "rustup toolchain debian-web linked"; return; fi
	log "linking /usr (rustc-web) as rustup toolchain debian-web"
	rustup toolchain link debian-web /usr
}

build_wasm_sysroot() {
	if ls "$SYSROOT"/libcore-*.rlib >/dev/null 2>&1 && [ -f "$SYSROOT/.embed-bitcode" ]; then
		log "wasm32v1-none sysroot present"; return
	fi
	log "building the wasm32v1-none sysroot (core, alloc, compiler_builtins with embedded bitcode)"
	local d; d="$(mktemp -d)"; mkdir -p "$d/src"
	cat >"$d/Cargo.toml" <<'T'
[package]
name = "sysroot-dummy"
version = "0.1.0"
edition = "2021"
[lib]
crate-type = ["rlib"]
[profile.release]
panic = "abort"
[workspace]
T
	printf '#![no_std]\nextern crate alloc;\n' >"$d/src/lib.rs"
	(cd "$d" && env -u CARGO_TARGET_DIR RUSTFLAGS="-Cembed-bitcode=yes" RUSTC_BOOTSTRAP=1 \
		cargo +debian-web build -q --release --target wasm32v1-none -Zbuild-std=core,alloc)
	# Never leave two copies of core in the sysroot.
	as_root rm -rf "$(dirname "$SYSROOT")"
	as_root mkdir -p "$SYSROOT"
	as_root cp "$d"/target/wasm32v1-none/release/deps/lib{core,alloc,compiler_builtins}-*.rlib "$SYSROOT/"
	as_root touch "$SYSROOT/.embed-bitcode"
	rm -rf "$d"
}

# Test clients of the gateway: an unmodified Triton client, and Selenium's WebDriver client for
# the console's browser test.
PY_TEST_PACKAGES=("tritonclient[http]" selenium)

install_test_packages() {
	if "$INFER_VENV/bin/python3" -c "import tritonclient.http, selenium" 2>/dev/null; then
		log "venv test clients present (tritonclient, selenium)"; return
	fi
	log "installing the venv's test clients: ${PY_TEST_PACKAGES[*]}"
	"$INFER_VENV/bin/pip" install -q "${PY_TEST_PACKAGES[@]}"
}

create_venv() {
	if [ -x "$INFER_VENV/bin/python3" ] && "$INFER_VENV/bin/python3" -c \
		"import torch, numpy, sklearn, sys; sys.exit(torch.__version__.split('+')[0] != '${TORCH_VERSION}')" 2>/dev/null; then
		log "venv with torch ${TORCH_VERSION} present at $INFER_VENV"; install_test_packages; return
	fi
	log "creating venv at $INFER_VENV with torch==${TORCH_VERSION}, numpy, scikit-learn (~5 GB, a few minutes)"
	mkdir -p "$(dirname "$INFER_VENV")"
	python3 -m venv "$INFER_VENV"
	"$INFER_VENV/bin/pip" install -q --upgrade pip
	"$INFER_VENV/bin/pip" install -q "torch==${TORCH_VERSION}" numpy scikit-learn
	install_test_packages
}

install_apt_packages
link_debian_toolchain
build_wasm_sysroot
create_venv
mkdir -p "$CARGO_TARGET_DIR"
log "ready (target dir $CARGO_TARGET_DIR)"
