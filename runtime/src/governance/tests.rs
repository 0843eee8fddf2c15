//! The origin and track wiring: which origin may change what, and which track decides it.

use super::{
	origins,
	parameters::{dynamic_params::market, RuntimeParameters},
	tracks::{TracksInfo, PARAMETERS_TRACK, ROOT_TRACK},
};
use crate::{tests::with_preset_state, JobEscrow, OriginCaller, RuntimeCall, RuntimeOrigin, DAYS};
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
			Some(value),
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
		assert_eq!(market::DefaultRedundancy::get(), 3);
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
		assert_eq!(market::DefaultRedundancy::get(), 1);
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
