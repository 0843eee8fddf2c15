//! Test runtime: system, balances and the model registry.

use crate as pallet_model_registry;
use frame::testing_prelude::*;
use polkadot_sdk::pallet_balances;

type Block = frame_system::mocking::MockBlock<Test>;

construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		ModelRegistry: pallet_model_registry,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
	pub const DepositBase: u64 = 10;
	pub const DepositPerByte: u64 = 1;
	pub const MaxNameLen: u32 = 16;
	pub const MaxUriLen: u32 = 32;
	pub const MaxInputBytes: u32 = 1024;
	pub const MaxOutputBytes: u32 = 64;
	pub const MaxVersions: u32 = 3;
}

impl pallet_model_registry::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type DepositBase = DepositBase;
	type DepositPerByte = DepositPerByte;
	type MaxNameLen = MaxNameLen;
	type MaxUriLen = MaxUriLen;
	type MaxInputBytes = MaxInputBytes;
	type MaxOutputBytes = MaxOutputBytes;
	type MaxVersions = MaxVersions;
	type WeightInfo = ();
}

/// Model author.
pub const ALICE: u64 = 1;
/// Another author.
pub const BOB: u64 = 2;
/// An account with too little to pay a deposit.
pub const POOR: u64 = 3;
/// Starting balance of ALICE and BOB.
pub const INITIAL: u64 = 10_000;
/// Starting balance of POOR.
pub const POOR_INITIAL: u64 = 50;

/// Builds test state; `build_and_execute` checks the pallet's invariants after the test.
#[derive(Default)]
pub struct ExtBuilder;

impl ExtBuilder {
	/// Genesis state: funded accounts, block 1.
	pub fn build(self) -> TestState {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: vec![(ALICE, INITIAL), (BOB, INITIAL), (POOR, POOR_INITIAL)],
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = TestState::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Runs `test`, then `do_try_state`.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			ModelRegistry::do_try_state().expect("invariants hold");
		})
	}
}
