//! Genesis states the node's chain specs are built from: `development` (one validator, Alice,
//! referenda in seconds) and `local_testnet` (Alice, Bob, Charlie and One as BABE + GRANDPA
//! validators, referenda in days). Both name Alice as sudo; a production chain spec names none.

use crate::{
	configs::marketplace::treasury_account, governance::origins::Timing, AccountId, BalancesConfig,
	BlockNumber, MarketGovernanceConfig, RuntimeGenesisConfig, SudoConfig, EXISTENTIAL_DEPOSIT,
	UNIT,
};
use alloc::{string::String, vec, vec::Vec};
use polkadot_sdk::{
	frame_support::build_struct_json_patch,
	sp_consensus_babe::AuthorityId as BabeId,
	sp_consensus_grandpa::AuthorityId as GrandpaId,
	sp_genesis_builder::{self, PresetId},
	sp_keyring::{Ed25519Keyring, Sr25519Keyring},
	*,
};
use serde_json::Value;

/// Every well-known dev account starts with a million INF.
const ENDOWMENT: u128 = 1_000_000 * UNIT;

/// The well-known dev accounts endowed at genesis: Alice to Ferdie.
fn endowed_accounts() -> Vec<AccountId> {
	[
		Sr25519Keyring::Alice,
		Sr25519Keyring::Bob,
		Sr25519Keyring::Charlie,
		Sr25519Keyring::Dave,
		Sr25519Keyring::Eve,
		Sr25519Keyring::Ferdie,
	]
	.iter()
	.map(|k| k.to_account_id())
	.collect()
}

/// BABE and GRANDPA keys of a well-known dev validator.
fn authority_keys(sr: Sr25519Keyring, ed: Ed25519Keyring) -> (BabeId, GrandpaId) {
	(sr.public().into(), ed.public().into())
}

/// Referendum timing of the dev chain, in one-second blocks: a referendum submitted with its
/// decision deposit passes about 20 s after a majority votes for it (prepare 5, confirm 10,
/// enactment 5) and fails after 60 s without one, so end-to-end tests can run both.
const DEV_GOVERNANCE_TIMING: Timing<BlockNumber> = Timing {
	prepare_period: 5,
	decision_period: 60,
	confirm_period: 10,
	min_enactment_period: 5,
	vote_locking_period: 10,
};

/// A genesis patch with the given validators, endowed accounts, sudo key and referendum timing
/// (`None`: the runtime's realistic default).
fn testnet_genesis(
	initial_authorities: Vec<(BabeId, GrandpaId)>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
	governance_timing: Option<Timing<BlockNumber>>,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts
				.into_iter()
				.map(|k| (k, ENDOWMENT))
				// The treasury exists from the start, so fees and slashes of any size can land.
				.chain(core::iter::once((treasury_account(), EXISTENTIAL_DEPOSIT)))
				// So does the audit reserve, which collects audit fees and pays auditors.
				.chain(core::iter::once((
					crate::configs::marketplace::AuditReserveAccount::get(),
					EXISTENTIAL_DEPOSIT,
				)))
				.collect::<Vec<_>>(),
		},
		babe: pallet_babe::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| (x.0.clone(), 1)).collect::<Vec<_>>(),
			epoch_config: crate::BABE_GENESIS_EPOCH_CONFIG,
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| (x.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		market_governance: MarketGovernanceConfig { timing: governance_timing },
	})
}

/// The `development` preset: Alice alone authors and finalizes.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		endowed_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		Some(DEV_GOVERNANCE_TIMING),
	)
}

/// The `local_testnet` preset: Alice, Bob, Charlie and One share authoring and finality.
///
/// Four validators, because GRANDPA finalizes with more than two thirds of its voters: four
/// voters tolerate one down (3 > 8/3), three would need all three. One (the dev keyring's
/// `//One`, node flag `--one`) is the fourth so that Dave, Eve and Ferdie stay plain provider
/// accounts in the testnet.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority_keys(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority_keys(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			authority_keys(Sr25519Keyring::One, Ed25519Keyring::One),
		],
		endowed_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		None,
	)
}

/// The JSON genesis patch of a named preset, or `None` for an unknown name.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	serde_json::to_string(&patch).ok().map(String::into_bytes)
}

/// Names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
