//! The client's generated types (`infera_client::runtime`) come from the checked-in
//! `client/metadata/infera.scale`. This test fails when that file no longer matches the
//! runtime the workspace builds; refresh it with
//! `INFERA_UPDATE_METADATA=1 cargo test --workspace --test metadata` and rebuild.

use infera_runtime::Runtime;
use polkadot_sdk::sp_io::TestExternalities;

#[test]
fn checked_in_metadata_matches_the_runtime() {
	// The referendum tracks in the metadata read their timing from storage.
	let fresh = TestExternalities::default()
		.execute_with(|| Runtime::metadata_at_version(15))
		.expect("the runtime offers metadata v15");
	let path = concat!(env!("CARGO_MANIFEST_DIR"), "/metadata/infera.scale");
	if std::env::var_os("INFERA_UPDATE_METADATA").is_some() {
		std::fs::write(path, &*fresh).expect("metadata file is writable");
	}
	let checked_in = std::fs::read(path).unwrap_or_default();
	assert!(
		checked_in == *fresh,
		"{path} is stale against the runtime ({} bytes checked in, {} built): run \
		 `INFERA_UPDATE_METADATA=1 cargo test --workspace --test metadata`",
		checked_in.len(),
		fresh.len()
	);
}
