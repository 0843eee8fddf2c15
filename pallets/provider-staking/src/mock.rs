//! Test runtime: system, balances, the real model registry and provider staking.

use crate as pallet_provider_staking;
use frame::deps::sp_core::{sr25519, Pair};
use frame::testing_prelude::*;
use infera_primitives::{
	attestation::{WorkerKeyProof, WorkerPublic, WorkerSignature},
	model::{AgreementRule, DType, TensorSpec},
};
use polkadot_sdk::{
	pallet_balances,
	sp_keystore::{testing::MemoryKeystore, KeystoreExt},
};

type Block = frame_system::mocking::MockBlock<Test>;

construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		ModelRegistry: pallet_model_registry,
		ProviderStaking: pallet_provider_staking,
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

/// The treasury account slashes go to.
pub const TREASURY: u64 = 99;

parameter_types! {
	pub const Treasury: u64 = TREASURY;
	pub const MinProviderStake: u64 = 100;
	pub const UnbondingPeriod: u64 = 10;
	pub const MaxUnbondingChunks: u32 = 2;
	pub const MaxModelsPerProvider: u32 = 3;
	pub const MaxProvidersPerModel: u32 = 2;
}

impl pallet_provider_staking::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Models = ModelRegistry;
	type Treasury = Treasury;
	type MinProviderStake = MinProviderStake;
	type UnbondingPeriod = UnbondingPeriod;
	type MaxUnbondingChunks = MaxUnbondingChunks;
	type MaxModelsPerProvider = MaxModelsPerProvider;
	type MaxProvidersPerModel = MaxProvidersPerModel;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ModelRegistry;
}

/// Model author of the genesis models.
pub const AUTHOR: u64 = 1;
/// Providers.
pub const P1: u64 = 10;
/// Providers.
pub const P2: u64 = 11;
/// Providers.
pub const P3: u64 = 12;
/// An account too poor for the minimum bond.
pub const POOR: u64 = 13;
/// Starting balance of the author and providers.
pub const INITIAL: u64 = 10_000;
/// Starting balance of the treasury (the existential deposit).
pub const TREASURY_INITIAL: u64 = 1;

/// Active models 0, 1, 2 and deprecated model 3, registered by [`AUTHOR`] at genesis.
pub const DEPRECATED_MODEL: u32 = 3;

/// A distinct sr25519 worker key pair per seed (deterministic).
pub fn worker_pair(seed: u8) -> sr25519::Pair {
	sr25519::Pair::from_seed(&[seed; 32])
}

/// The public worker key of seed `seed`.
pub fn worker(seed: u8) -> WorkerPublic {
	worker_pair(seed).public()
}

/// The proof that `who` holds worker key `seed` on the test chain, signed by that key.
pub fn proof(seed: u8, who: u64) -> WorkerSignature {
	WorkerKeyProof { genesis_hash: ProviderStaking::genesis_hash(), provider: &who }
		.sign(&worker_pair(seed))
}

/// Builds test state; `build_and_execute` checks both pallets' invariants after the test.
#[derive(Default)]
pub struct ExtBuilder;

impl ExtBuilder {
	/// Funded accounts, four models (the last deprecated), block 1, a keystore.
	pub fn build(self) -> TestState {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: vec![
				(AUTHOR, INITIAL),
				(P1, INITIAL),
				(P2, INITIAL),
				(P3, INITIAL),
				(POOR, 50),
				(TREASURY, TREASURY_INITIAL),
			],
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = TestState::new(storage);
		// The benchmarks keep their worker keys in a keystore, as the benchmark CLI provides.
		ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
		ext.execute_with(|| {
			System::set_block_number(1);
			let spec = |shape: &[u32]| TensorSpec {
				dtype: DType::F32,
				shape: shape.to_vec().try_into().unwrap(),
			};
			for name in [&b"a"[..], b"b", b"c", b"d"] {
				ModelRegistry::register_model(
					RuntimeOrigin::signed(AUTHOR),
					name.to_vec(),
					[0u8; 32],
					b"https://h/m.pt".to_vec(),
					spec(&[4]),
					spec(&[4]),
					AgreementRule::TopK { k: 1 },
					1,
				)
				.unwrap();
			}
			ModelRegistry::deprecate(RuntimeOrigin::signed(AUTHOR), DEPRECATED_MODEL).unwrap();
			System::reset_events();
		});
		ext
	}

	/// Runs `test`, then `do_try_state` (the registry's own is only compiled for its tests).
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			ProviderStaking::do_try_state().expect("staking invariants hold");
		})
	}
}
