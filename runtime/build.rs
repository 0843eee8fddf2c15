//! Builds the runtime's WASM blob, and with `INFERA_UPGRADE_BLOB` set also the same runtime one
//! spec version later (feature `spec-version-bump`), which the runtime-upgrade tests upgrade a
//! running chain to.
//!
//! The second blob is built by this same build script into the same wasm workspace under its
//! own name (`infera_runtime_upgrade.wasm`), so it reuses every dependency the main blob
//! compiled and costs one more compile of this crate for WASM; the main blob is untouched.

/// Set (to anything) to build the upgrade blob too; `scripts/test.sh` does.
const UPGRADE_BLOB_ENV: &str = "INFERA_UPGRADE_BLOB";

fn main() {
	#[cfg(feature = "std")]
	{
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
		println!("cargo:rerun-if-env-changed={UPGRADE_BLOB_ENV}");
		if std::env::var_os(UPGRADE_BLOB_ENV).is_some() {
			substrate_wasm_builder::WasmBuilder::init_with_defaults()
				.enable_feature("spec-version-bump")
				.set_file_name("infera_runtime_upgrade")
				.build();
		}
	}
}
