# shellcheck shell=bash
# Environment shared by every script of the project: source it, don't run it.
# Paths live outside the clone so builds and the PyTorch venv survive fresh clones (CI reuses them).
# The wasm builder runs outside the workspace; point it at our Cargo.lock so it builds the
# runtime blob with exactly the locked dependency versions.
export WASM_BUILD_WORKSPACE_HINT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export INFER_CACHE="${INFER_CACHE:-$HOME/.cache/inference-market}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$INFER_CACHE/target}"
export INFER_VENV="${INFER_VENV:-$INFER_CACHE/venv}"
# substrate-wasm-builder: build the runtime blob with Debian's rustc-web and its prebuilt wasm32v1-none sysroot.
export WASM_BUILD_TOOLCHAIN="${WASM_BUILD_TOOLCHAIN:-debian-web}"
export CARGO_TARGET_WASM32V1_NONE_LINKER="${CARGO_TARGET_WASM32V1_NONE_LINKER:-/usr/lib/llvm-22/bin/wasm-ld}"
# frame-benchmarking-cli carries a test runtime (with XCM) for `benchmark storage --enable-pov-recorder`
# only; building its WASM blob would add minutes to every clean build, so it is skipped.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1
# tch / torch-sys: link against the libtorch that ships inside the venv's PyTorch 2.13.0.
export LIBTORCH_USE_PYTORCH=1
export PATH="$INFER_VENV/bin:$HOME/.cargo/bin:$PATH"
_torch_lib="$(ls -d "$INFER_VENV"/lib/python3*/site-packages/torch/lib 2>/dev/null | head -n1 || true)"
if [ -n "$_torch_lib" ]; then
	export LD_LIBRARY_PATH="$_torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
unset _torch_lib
# Link native code with mold when it is installed (much faster links of the node binary).
if command -v mold >/dev/null 2>&1; then
	export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="${CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS:--C link-arg=-fuse-ld=mold}"
fi
