//! Weights for `pallet_model_registry`.
//!
//! PROVISIONAL: these values were NOT produced by the benchmark CLI. They were written by hand,
//! in the layout the CLI generates (frame-umbrella template), so that the runtime can be
//! integrated before benchmarks are run. Reasoning behind them: storage reads/writes are counted
//! exactly from the code of each call (including `Balances::Holds` and `System::Account` touched
//! by holds/releases), execution times are set at roughly twice what comparable polkadot-sdk
//! calls measure on reference hardware (pallet-nis `place_bid`/`retract_bid`, pallet-referenda
//! `submit`: 20–60 µs), and proof sizes bound the largest `Models` entry (~700 bytes) and a holds
//! entry. The lead replaces this file with the output of
//! `infera-node benchmark pallet --pallet pallet_model_registry --extrinsic '*' --steps 50
//! --repeat 20 --template <frame-umbrella template> --output pallets/model-registry/src/weights.rs`
//! once the node builds with `--features runtime-benchmarks`; until then treat these as upper
//! estimates, not measurements.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use frame::weights_prelude::*;

/// Weight functions needed for `pallet_model_registry`.
pub trait WeightInfo {
	fn register_model() -> Weight;
	fn publish_version() -> Weight;
	fn deprecate() -> Weight;
	fn set_fee() -> Weight;
	fn transfer_ownership(v: u32, ) -> Weight;
	fn remove() -> Weight;
}

/// Weights for `pallet_model_registry` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `ModelRegistry::ModelByName` (r:1 w:1)
	/// Storage: `ModelRegistry::NextModelId` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `ModelRegistry::Models` (r:0 w:1)
	fn register_model() -> Weight {
		Weight::from_parts(120_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `ModelRegistry::Models` (r:2 w:2)
	/// Storage: `ModelRegistry::NextModelId` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `ModelRegistry::ModelByName` (r:0 w:1)
	fn publish_version() -> Weight {
		Weight::from_parts(130_000_000, 7_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `ModelRegistry::Models` (r:1 w:1)
	fn deprecate() -> Weight {
		Weight::from_parts(30_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `ModelRegistry::Models` (r:1 w:1)
	fn set_fee() -> Weight {
		Weight::from_parts(30_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `ModelRegistry::Models` (r:65 w:64)
	/// Storage: `ModelRegistry::ModelByName` (r:2 w:2)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Storage: `System::Account` (r:2 w:2)
	/// The range of component `v` is `[1, 64]`.
	fn transfer_ownership(v: u32, ) -> Weight {
		Weight::from_parts(90_000_000, 9_000)
			// Standard Error: provisional
			.saturating_add(Weight::from_parts(15_000_000, 0).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(v.into())))
			.saturating_add(T::DbWeight::get().writes(6_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(v.into())))
			.saturating_add(Weight::from_parts(0, 3_700).saturating_mul(v.into()))
	}
	/// Storage: `ModelRegistry::Models` (r:3 w:3)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `ModelRegistry::ModelByName` (r:0 w:1)
	fn remove() -> Weight {
		Weight::from_parts(100_000_000, 11_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn register_model() -> Weight {
		Weight::from_parts(120_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn publish_version() -> Weight {
		Weight::from_parts(130_000_000, 7_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn deprecate() -> Weight {
		Weight::from_parts(30_000_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn set_fee() -> Weight {
		Weight::from_parts(30_000_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn transfer_ownership(v: u32, ) -> Weight {
		Weight::from_parts(90_000_000, 9_000)
			.saturating_add(Weight::from_parts(15_000_000, 0).saturating_mul(v.into()))
			.saturating_add(RocksDbWeight::get().reads(7_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(v.into())))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(v.into())))
			.saturating_add(Weight::from_parts(0, 3_700).saturating_mul(v.into()))
	}
	fn remove() -> Weight {
		Weight::from_parts(100_000_000, 11_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
}
