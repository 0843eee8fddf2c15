//! Weights for `pallet_provider_staking`.
//!
//! PROVISIONAL: these values were NOT produced by the benchmark CLI. They were written by hand,
//! in the layout the CLI generates (frame-umbrella template), so that the runtime can be
//! integrated before benchmarks are run. Reasoning behind them: storage reads/writes are counted
//! exactly from the code of each call (including `Balances::Holds` and `System::Account` touched
//! by holds and releases, and the registry's `Models` read per served model), execution times
//! are set at roughly twice what comparable polkadot-sdk calls measure on reference hardware
//! (pallet-staking `bond_extra`/`unbond`/`withdraw_unbonded`: 30–70 µs), and proof sizes bound a
//! full `ModelProviders` entry (`MaxProvidersPerModel` = 128 accounts of 32 bytes ≈ 8.3 KB) per
//! model touched. The lead replaces this file with the output of
//! `infera-node benchmark pallet --pallet pallet_provider_staking --extrinsic '*' --steps 50
//! --repeat 20 --template <frame-umbrella template> --output pallets/provider-staking/src/weights.rs`
//! once the node builds with `--features runtime-benchmarks`; until then treat these as upper
//! estimates, not measurements.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use frame::weights_prelude::*;

/// Weight functions needed for `pallet_provider_staking`.
pub trait WeightInfo {
	fn register_provider(m: u32, ) -> Weight;
	fn bond_extra() -> Weight;
	fn unbond() -> Weight;
	fn withdraw_unbonded() -> Weight;
	fn set_models(m: u32, ) -> Weight;
	fn set_price() -> Weight;
	fn set_capacity() -> Weight;
	fn rotate_worker_key() -> Weight;
	fn go_offline() -> Weight;
	fn go_online() -> Weight;
	fn deregister(m: u32, ) -> Weight;
}

/// Weights for `pallet_provider_staking` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	/// Storage: `ProviderStaking::WorkerKeys` (r:1 w:1)
	/// Storage: `ProviderStaking::Ledgers` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `ModelRegistry::Models` (r:`m` w:0)
	/// Storage: `ProviderStaking::ModelProviders` (r:`m` w:`m`)
	/// The range of component `m` is `[0, 16]`.
	fn register_provider(m: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			// Per model: index entry of up to `MaxProvidersPerModel` accounts decoded and re-encoded.
			.saturating_add(Weight::from_parts(12_000_000, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(m.into())))
			.saturating_add(T::DbWeight::get().writes(4_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(m.into())))
			.saturating_add(Weight::from_parts(0, 8_300).saturating_mul(m.into()))
	}
	/// Storage: `ProviderStaking::Providers` (r:1 w:0)
	/// Storage: `ProviderStaking::Ledgers` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	fn bond_extra() -> Weight {
		Weight::from_parts(45_000_000, 5_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `ProviderStaking::Providers` (r:1 w:0)
	/// Storage: `ProviderStaking::Ledgers` (r:1 w:1)
	fn unbond() -> Weight {
		Weight::from_parts(35_000_000, 5_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `ProviderStaking::Ledgers` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `ProviderStaking::Providers` (r:1 w:0)
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(50_000_000, 5_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	/// Storage: `ModelRegistry::Models` (r:`m` w:0)
	/// Storage: `ProviderStaking::ModelProviders` (r:`2m` w:`2m`)
	/// The range of component `m` is `[0, 16]`.
	fn set_models(m: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 6_000)
			// Per model: index entry of up to `MaxProvidersPerModel` accounts decoded and re-encoded.
			.saturating_add(Weight::from_parts(12_000_000, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(m.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(m.into())))
			.saturating_add(Weight::from_parts(0, 8_300).saturating_mul(m.into()))
	}
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	fn set_price() -> Weight {
		Weight::from_parts(25_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	fn set_capacity() -> Weight {
		Weight::from_parts(25_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	/// Storage: `ProviderStaking::WorkerKeys` (r:1 w:2)
	fn rotate_worker_key() -> Weight {
		Weight::from_parts(35_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	fn go_offline() -> Weight {
		Weight::from_parts(25_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `ProviderStaking::Ledgers` (r:1 w:0)
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	fn go_online() -> Weight {
		Weight::from_parts(30_000_000, 5_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	/// Storage: `ProviderStaking::Ledgers` (r:1 w:1)
	/// Storage: `ProviderStaking::WorkerKeys` (r:0 w:1)
	/// Storage: `ProviderStaking::ModelProviders` (r:`m` w:`m`)
	/// The range of component `m` is `[0, 16]`.
	fn deregister(m: u32, ) -> Weight {
		Weight::from_parts(50_000_000, 6_000)
			// Per model: index entry of up to `MaxProvidersPerModel` accounts decoded and re-encoded.
			.saturating_add(Weight::from_parts(12_000_000, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(m.into())))
			.saturating_add(T::DbWeight::get().writes(3_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(m.into())))
			.saturating_add(Weight::from_parts(0, 8_300).saturating_mul(m.into()))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn register_provider(m: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			// Per model: index entry of up to `MaxProvidersPerModel` accounts decoded and re-encoded.
			.saturating_add(Weight::from_parts(12_000_000, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(m.into())))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(m.into())))
			.saturating_add(Weight::from_parts(0, 8_300).saturating_mul(m.into()))
	}
	fn bond_extra() -> Weight {
		Weight::from_parts(45_000_000, 5_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn unbond() -> Weight {
		Weight::from_parts(35_000_000, 5_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(50_000_000, 5_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn set_models(m: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 6_000)
			// Per model: index entry of up to `MaxProvidersPerModel` accounts decoded and re-encoded.
			.saturating_add(Weight::from_parts(12_000_000, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(m.into())))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_mul(m.into())))
			.saturating_add(Weight::from_parts(0, 8_300).saturating_mul(m.into()))
	}
	fn set_price() -> Weight {
		Weight::from_parts(25_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn set_capacity() -> Weight {
		Weight::from_parts(25_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn rotate_worker_key() -> Weight {
		Weight::from_parts(35_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn go_offline() -> Weight {
		Weight::from_parts(25_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn go_online() -> Weight {
		Weight::from_parts(30_000_000, 5_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn deregister(m: u32, ) -> Weight {
		Weight::from_parts(50_000_000, 6_000)
			// Per model: index entry of up to `MaxProvidersPerModel` accounts decoded and re-encoded.
			.saturating_add(Weight::from_parts(12_000_000, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(m.into())))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(m.into())))
			.saturating_add(Weight::from_parts(0, 8_300).saturating_mul(m.into()))
	}
}
