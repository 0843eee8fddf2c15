//! Chain specifications: `dev` (Alice alone, sudo) and `local` (Alice, Bob, Charlie, One).
//! Both are built from the runtime's genesis presets, so the runtime owns the genesis state.

use infera_runtime::WASM_BINARY;
use polkadot_sdk::{sc_service::ChainType, sp_genesis_builder, *};

/// A chain spec of this runtime (no extensions).
pub type ChainSpec = sc_service::GenericChainSpec;

/// Token symbol, decimals and address format shown by wallets such as polkadot.js.
fn properties() -> sc_service::Properties {
	let mut properties = sc_service::Properties::new();
	properties.insert("tokenSymbol".into(), "INF".into());
	properties.insert("tokenDecimals".into(), 12.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| "the runtime's WASM blob was not built (SKIP_WASM_BUILD set?)".into())
}

/// One node, Alice authoring and finalizing: for development and end-to-end tests.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Infera Development")
		.with_id("infera_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// Four validators (Alice, Bob, Charlie, One) with BABE + GRANDPA: a local multi-node network
/// whose finality survives one validator down.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Infera Local Testnet")
		.with_id("infera_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}
