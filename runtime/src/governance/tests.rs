//! The origin and track wiring: which origin may change what, and which track decides it.

use super::{
	origins,
	parameters::{dynamic_params::market, RuntimeParameters},
	tracks::{TracksInfo, PARAMETERS_TRACK, ROOT_TRACK},
};
use crate::{tests::with_preset_state, JobEscrow, OriginCaller, RuntimeCall, RuntimeOrigin, DAYS};
use codec::{Decode, Encode};
use infera_primitives::params::{PhaseBlocks, Redundancy, SlashRatio};
use polkadot_sdk::{
	frame_support::traits::Get,
	frame_system::RawOrigin,
	pallet_referenda::TracksInfo as _,
	sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET},
	sp_keyring::Sr25519Keyring,
	sp_runtime::{traits::Dispatchable, DispatchError},
	*,
};

fn parameters_track() -> RuntimeOrigin {
	origins::Origin::MarketParameters.into()
}

fn set_default_redundancy(value: u32) -> RuntimeCall {
	RuntimeCall::Parameters(pallet_parameters::Call::set_parameter {
		key_value: RuntimeParameters::Market(market::Parameters::DefaultRedundancy(
			market::DefaultRedundancy,
			Some(Redundancy::new(value).expect("a redundancy within bounds")),
		)),
	})
}

fn dispatch(call: RuntimeCall, origin: RuntimeOrigin) -> Result<(), DispatchError> {
	call.dispatch(origin).map(|_| ()).map_err(|e| e.error)
}

#[test]
fn parameters_track_sets_market_parameters_that_jobs_use() {
	with_preset_state(DEV_RUNTIME_PRESET, || {
		assert_eq!(JobEscrow::default_redundancy(), 1);
		assert_eq!(dispatch(set_default_redundancy(3), parameters_track()), Ok(()));
		assert_eq!(market::DefaultRedundancy::get().get(), 3);
		assert_eq!(JobEscrow::default_redundancy(), 3);
		// Root (the root track) may as well.
		assert_eq!(dispatch(set_default_redundancy(2), RawOrigin::Root.into()), Ok(()));
		assert_eq!(JobEscrow::default_redundancy(), 2);
	});
}

#[test]
fn parameters_track_cannot_take_root_actions() {
	with_preset_state(DEV_RUNTIME_PRESET, || {
		let root_only = [
			RuntimeCall::System(frame_system::Call::set_storage {
				items: vec![(b"key".to_vec(), b"value".to_vec())],
			}),
			RuntimeCall::System(frame_system::Call::set_code { code: vec![0; 8] }),
			RuntimeCall::Treasury(pallet_treasury::Call::spend_local {
				amount: 1,
				beneficiary: Sr25519Keyring::Bob.to_account_id().into(),
			}),
			RuntimeCall::Referenda(pallet_referenda::Call::kill { index: 0 }),
		];
		for call in root_only {
			assert_eq!(
				dispatch(call.clone(), parameters_track()),
				Err(DispatchError::BadOrigin),
				"{call:?}"
			);
		}
	});
}

#[test]
fn plain_accounts_cannot_set_parameters() {
	with_preset_state(DEV_RUNTIME_PRESET, || {
		let alice = RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id());
		assert_eq!(dispatch(set_default_redundancy(3), alice), Err(DispatchError::BadOrigin));
		assert_eq!(market::DefaultRedundancy::get().get(), 1);
	});
}

#[test]
fn origins_map_to_their_tracks() {
	assert_eq!(TracksInfo::track_for(&OriginCaller::system(RawOrigin::Root)), Ok(ROOT_TRACK));
	assert_eq!(
		TracksInfo::track_for(&OriginCaller::MarketGovernance(origins::Origin::MarketParameters)),
		Ok(PARAMETERS_TRACK)
	);
	let alice = Sr25519Keyring::Alice.to_account_id();
	assert_eq!(TracksInfo::track_for(&OriginCaller::system(RawOrigin::Signed(alice))), Err(()));
	assert_eq!(TracksInfo::track_for(&OriginCaller::system(RawOrigin::None)), Err(()));
}

#[test]
fn dev_chain_decides_in_seconds_and_local_testnet_in_days() {
	with_preset_state(DEV_RUNTIME_PRESET, || {
		assert_eq!(TracksInfo::check_integrity(), Ok(()));
		let info = TracksInfo::info(PARAMETERS_TRACK).expect("track exists");
		assert!(info.prepare_period + info.confirm_period + info.min_enactment_period <= 60);
		assert_eq!(info.decision_period, 60);
	});
	with_preset_state(LOCAL_TESTNET_RUNTIME_PRESET, || {
		for id in [ROOT_TRACK, PARAMETERS_TRACK] {
			let info = TracksInfo::info(id).expect("track exists");
			assert_eq!(info.decision_period, 7 * DAYS);
			assert_eq!(info.confirm_period, DAYS);
		}
	});
}

/// `call` encoded, with its last four bytes (a trailing `u32` or `Perbill` value) replaced by
/// `value`: a call carrying a value its type would not let us build.
fn with_raw_value(call: &RuntimeCall, value: u32) -> Vec<u8> {
	let mut bytes = call.encode();
	let at = bytes.len() - 4;
	bytes[at..].copy_from_slice(&value.to_le_bytes());
	bytes
}

fn set_commit_period(blocks: u32) -> RuntimeCall {
	RuntimeCall::Parameters(pallet_parameters::Call::set_parameter {
		key_value: RuntimeParameters::Market(market::Parameters::CommitPeriod(
			market::CommitPeriod,
			Some(PhaseBlocks::clamped(blocks)),
		)),
	})
}

fn set_timeout_slash(percent: u32) -> RuntimeCall {
	RuntimeCall::Parameters(pallet_parameters::Call::set_parameter {
		key_value: RuntimeParameters::Market(market::Parameters::TimeoutSlash(
			market::TimeoutSlash,
			Some(SlashRatio::from_percent(percent)),
		)),
	})
}

#[test]
fn out_of_bounds_parameters_cannot_be_dispatched_by_sudo_or_a_referendum() {
	with_preset_state(DEV_RUNTIME_PRESET, || {
		// In bounds: the calls decode and dispatch.
		let ok = set_commit_period(30);
		assert_eq!(RuntimeCall::decode(&mut &ok.encode()[..]).as_ref(), Ok(&ok));
		assert_eq!(dispatch(ok, RawOrigin::Root.into()), Ok(()));
		// A commit period of 0 or 1 block (every provider slashed) and a 100% slash do not
		// decode: neither a sudo transaction nor a referendum's preimage carrying them can be
		// dispatched.
		for bad in [
			with_raw_value(&set_commit_period(30), 0),
			with_raw_value(&set_commit_period(30), 1),
			with_raw_value(&set_timeout_slash(1), 1_000_000_000),
			with_raw_value(&set_timeout_slash(1), 500_000_001),
		] {
			assert!(RuntimeCall::decode(&mut &bad[..]).is_err());
			let sudo = RuntimeCall::Sudo(pallet_sudo::Call::sudo {
				call: Box::new(set_commit_period(30)),
			});
			let mut sudo_bytes = sudo.encode();
			let inner = set_commit_period(30).encode();
			sudo_bytes.truncate(sudo_bytes.len() - inner.len());
			sudo_bytes.extend_from_slice(&bad);
			assert!(RuntimeCall::decode(&mut &sudo_bytes[..]).is_err());
		}
		// The largest allowed slash decodes.
		let half = with_raw_value(&set_timeout_slash(1), 500_000_000);
		assert!(RuntimeCall::decode(&mut &half[..]).is_ok());
	});
}

#[test]
fn a_job_keeps_the_terms_it_was_submitted_under() {
	with_preset_state(DEV_RUNTIME_PRESET, || {
		let before = JobEscrow::current_terms();
		assert_eq!(dispatch(set_timeout_slash(40), parameters_track()), Ok(()));
		let after = JobEscrow::current_terms();
		assert_eq!(after.timeout_slash, sp_runtime::Perbill::from_percent(40));
		assert_ne!(before.timeout_slash, after.timeout_slash);
	});
}
