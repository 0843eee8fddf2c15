//! Runtime-level tests: the genesis presets build the state the chain specs promise, and the
//! metadata that standard clients (polkadot.js, subxt) read decodes.

use crate::{genesis_config_presets, AccountId, Balances, Runtime, RuntimeGenesisConfig};
use codec::Decode;
use polkadot_sdk::{
	frame_support::genesis_builder_helper::build_state, sp_genesis_builder,
	sp_io::TestExternalities, sp_keyring::Sr25519Keyring, *,
};

/// Applies a genesis patch onto a full config, as the node's chain-spec builder does.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		}
		(base, patch) => *base = patch,
	}
}

/// Runs `check` in the state built from the preset `name`.
pub(crate) fn with_preset_state(name: &str, check: impl FnOnce()) {
	let patch = genesis_config_presets::get_preset(&name.into()).expect("preset exists");
	let mut config =
		serde_json::to_value(RuntimeGenesisConfig::default()).expect("default config serializes");
	merge(&mut config, serde_json::from_slice(&patch).expect("preset is JSON"));
	let mut ext = TestExternalities::default();
	ext.execute_with(|| {
		build_state::<RuntimeGenesisConfig>(config.to_string().into_bytes())
			.expect("genesis builds");
		check();
	});
}

fn account(k: Sr25519Keyring) -> AccountId {
	k.to_account_id()
}

#[test]
fn development_genesis_has_alice_as_only_validator_and_sudo() {
	with_preset_state(sp_genesis_builder::DEV_RUNTIME_PRESET, || {
		assert_eq!(pallet_babe::Authorities::<Runtime>::get().len(), 1);
		assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 1);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(account(Sr25519Keyring::Alice)));
		for k in [Sr25519Keyring::Alice, Sr25519Keyring::Ferdie] {
			assert_eq!(Balances::free_balance(account(k)), 1_000_000 * crate::UNIT);
		}
		assert_eq!(
			Balances::free_balance(crate::configs::marketplace::treasury_account()),
			crate::EXISTENTIAL_DEPOSIT
		);
	});
}

#[test]
fn the_treasury_pallet_and_the_job_pallet_pay_the_account_clients_derive() {
	// Governance spends from `pallet_treasury`'s account; the job pallet pays fees and slashes
	// to `TreasuryAccount`; clients and tests read the primitives' derivation. One account.
	assert_eq!(
		pallet_treasury::Pallet::<Runtime>::account_id(),
		crate::configs::marketplace::TreasuryAccount::get()
	);
}

#[test]
fn local_genesis_has_four_validators_so_finality_survives_one_down() {
	with_preset_state(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET, || {
		assert_eq!(pallet_babe::Authorities::<Runtime>::get().len(), 4);
		let voters = pallet_grandpa::Pallet::<Runtime>::grandpa_authorities();
		assert_eq!(voters.len(), 4);
		// GRANDPA's threshold: more than two thirds of the total weight.
		let total: u64 = voters.iter().map(|(_, weight)| weight).sum();
		let without_one = total - voters[3].1;
		assert!(3 * without_one > 2 * total, "three of four voters must finalize");
	});
}

#[test]
fn unknown_preset_is_none() {
	assert!(genesis_config_presets::get_preset(&"mainnet".into()).is_none());
	assert_eq!(genesis_config_presets::preset_names().len(), 2);
}

#[test]
fn metadata_v15_decodes_with_every_pallet() {
	let versions = Runtime::metadata_versions();
	assert!(versions.contains(&14) && versions.contains(&15), "versions: {versions:?}");
	// The referendum tracks in the metadata are read from storage (their timing).
	let bytes = TestExternalities::default()
		.execute_with(|| Runtime::metadata_at_version(15).expect("v15 offered"));
	let prefixed =
		frame_metadata::RuntimeMetadataPrefixed::decode(&mut &bytes[..]).expect("metadata decodes");
	let frame_metadata::RuntimeMetadata::V15(metadata) = prefixed.1 else {
		panic!("asked for v15, got another version");
	};
	let names: Vec<&str> = metadata.pallets.iter().map(|p| p.name.as_str()).collect();
	for expected in [
		"System",
		"Timestamp",
		"Babe",
		"Grandpa",
		"Balances",
		"TransactionPayment",
		"Sudo",
		"ModelRegistry",
		"ProviderStaking",
		"JobEscrow",
		"ProviderOcw",
		"Scheduler",
		"Preimage",
		"Referenda",
		"ConvictionVoting",
		"MarketGovernance",
		"Parameters",
		"Treasury",
	] {
		assert!(names.contains(&expected), "{expected} missing from {names:?}");
	}
}

/// Block 1 of the dev chain authored by Alice in `slot`, its BABE pre-digest carrying a real VRF
/// signature, up to the end of `on_initialize`.
fn start_block_with_vrf(slot: u64) {
	use polkadot_sdk::{
		frame_support::traits::Hooks,
		sp_consensus_babe::{
			digests::{PreDigest, SecondaryVRFPreDigest},
			make_vrf_transcript, Slot, BABE_ENGINE_ID,
		},
		sp_core::crypto::VrfSecret,
		sp_runtime::{Digest, DigestItem},
	};
	let slot = Slot::from(slot);
	let transcript = make_vrf_transcript(&pallet_babe::Randomness::<Runtime>::get(), slot, 0);
	let vrf_signature = Sr25519Keyring::Alice.pair().vrf_sign(&transcript.into_sign_data());
	let pre_digest =
		PreDigest::SecondaryVRF(SecondaryVRFPreDigest { authority_index: 0, slot, vrf_signature });
	let digest = Digest {
		logs: vec![DigestItem::PreRuntime(BABE_ENGINE_ID, codec::Encode::encode(&pre_digest))],
	};
	frame_system::Pallet::<Runtime>::initialize(&1, &Default::default(), &digest);
	pallet_babe::Pallet::<Runtime>::on_initialize(1);
}

#[test]
fn providers_are_drawn_with_the_including_blocks_own_vrf_output() {
	use crate::configs::randomness::BlockVrfRandomness;
	use polkadot_sdk::{
		frame_support::traits::{Hooks, Randomness},
		sp_runtime::traits::{BlakeTwo256, Hash},
	};
	with_preset_state(sp_genesis_builder::DEV_RUNTIME_PRESET, || {
		start_block_with_vrf(1_000);
		// What anyone could read before the block: its parent's VRF output (none at genesis).
		let foreseeable = pallet_babe::AuthorVrfRandomness::<Runtime>::get();
		let (seed, known_since) = BlockVrfRandomness::random(b"subject");
		assert_eq!(known_since, 1);
		pallet_babe::Pallet::<Runtime>::on_finalize(1);
		// pallet-babe records the block's VRF output only now; the draw already used it.
		let vrf = pallet_babe::AuthorVrfRandomness::<Runtime>::get().expect("a VRF block");
		assert_ne!(Some(vrf), foreseeable);
		assert_eq!(seed, BlakeTwo256::hash(&[&b"subject"[..], &vrf[..]].concat()));
	});
}

#[test]
fn another_slot_gives_another_draw() {
	use crate::configs::randomness::BlockVrfRandomness;
	use polkadot_sdk::frame_support::traits::Randomness;
	let seed_in = |slot| {
		let mut seed = None;
		with_preset_state(sp_genesis_builder::DEV_RUNTIME_PRESET, || {
			start_block_with_vrf(slot);
			seed = Some(BlockVrfRandomness::random(b"subject").0);
		});
		seed
	};
	assert_ne!(seed_in(1_000), seed_in(1_001));
}
