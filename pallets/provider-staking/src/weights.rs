
//! Weights for `pallet_provider_staking`, measured by `infera-node benchmark pallet` (CLI 64.0.0).
//!
//! Measured on 2026-11-27: 50 steps, 20 repeats, `Compiled`
//! WASM execution, chain `Some("dev")`, host `vm` (AMD EPYC).
//! Regenerate with `scripts/benchmark.sh`; never edit by hand.
//!
//! Command:
//! /root/.cache/inference-market/target-bench/release/infera-node
//! benchmark
//! pallet
//! --chain
//! dev
//! --wasm-execution
//! compiled
//! --pallet
//! pallet_provider_staking
//! --extrinsic
//! *
//! --steps
//! 50
//! --repeat
//! 20
//! --output-analysis
//! max
//! --template
//! scripts/weights/pallet-weights.hbs
//! --output
//! pallets/provider-staking/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame::weights_prelude::*;

/// What the calls and hooks of `pallet_provider_staking` weigh.
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
	fn set_operator() -> Weight;
	fn renounce_operator() -> Weight;
}

/// Measured weights, with the runtime's own database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::OperatorOf` (r:1 w:0)
	/// Proof: `ProviderStaking::OperatorOf` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	/// Storage: `Parameters::Parameters` (r:1 w:0)
	/// Proof: `Parameters::Parameters` (`max_values`: None, `max_size`: Some(36), added: 2511, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::WorkerKeys` (r:1 w:1)
	/// Proof: `ProviderStaking::WorkerKeys` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `ModelRegistry::Models` (r:16 w:0)
	/// Proof: `ModelRegistry::Models` (`max_values`: None, `max_size`: Some(532), added: 3007, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::ModelProviders` (r:16 w:16)
	/// Proof: `ProviderStaking::ModelProviders` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Ledgers` (r:1 w:1)
	/// Proof: `ProviderStaking::Ledgers` (`max_values`: None, `max_size`: Some(385), added: 2860, mode: `MaxEncodedLen`)
	/// Component `m` ranges over `[0, 16]`.
	fn register_provider(m: u32, ) -> Weight {
		// Proof size (bytes), measured: `4334 + m * (286 ±0)`
		// Proof size (bytes), estimated: `3850 + m * (6585 ±0)`
		// Fastest run: 89_394_000 ps.
		Weight::from_parts(99_352_000, 3850)
			// Standard error: 21_495
			.saturating_add(Weight::from_parts(11_682_769, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(m.into())))
			.saturating_add(T::DbWeight::get().writes(4_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(m.into())))
			.saturating_add(Weight::from_parts(0, 6585).saturating_mul(m.into()))
	}
	/// Storage: `ProviderStaking::Providers` (r:1 w:0)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Ledgers` (r:1 w:1)
	/// Proof: `ProviderStaking::Ledgers` (`max_values`: None, `max_size`: Some(385), added: 2860, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
	fn bond_extra() -> Weight {
		// Proof size (bytes), measured: `326`
		// Proof size (bytes), estimated: `3850`
		// Fastest run: 48_973_000 ps.
		Weight::from_parts(51_356_000, 3850)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `ProviderStaking::Providers` (r:1 w:0)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Ledgers` (r:1 w:1)
	/// Proof: `ProviderStaking::Ledgers` (`max_values`: None, `max_size`: Some(385), added: 2860, mode: `MaxEncodedLen`)
	/// Storage: `Parameters::Parameters` (r:2 w:0)
	/// Proof: `Parameters::Parameters` (`max_values`: None, `max_size`: Some(36), added: 2511, mode: `MaxEncodedLen`)
	fn unbond() -> Weight {
		// Proof size (bytes), measured: `578`
		// Proof size (bytes), estimated: `6012`
		// Fastest run: 18_057_000 ps.
		Weight::from_parts(20_681_000, 6012)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `ProviderStaking::Ledgers` (r:1 w:1)
	/// Proof: `ProviderStaking::Ledgers` (`max_values`: None, `max_size`: Some(385), added: 2860, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
	fn withdraw_unbonded() -> Weight {
		// Proof size (bytes), measured: `582`
		// Proof size (bytes), estimated: `3850`
		// Fastest run: 41_261_000 ps.
		Weight::from_parts(44_006_000, 3850)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `ModelRegistry::Models` (r:16 w:0)
	/// Proof: `ModelRegistry::Models` (`max_values`: None, `max_size`: Some(532), added: 3007, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::ModelProviders` (r:32 w:32)
	/// Proof: `ProviderStaking::ModelProviders` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Component `m` ranges over `[0, 16]`.
	fn set_models(m: u32, ) -> Weight {
		// Proof size (bytes), measured: `9615 + m * (302 ±0)`
		// Proof size (bytes), estimated: `106350 + m * (6585 ±0)`
		// Fastest run: 86_839_000 ps.
		Weight::from_parts(102_535_000, 106350)
			// Standard error: 67_241
			.saturating_add(Weight::from_parts(10_966_336, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(17_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(m.into())))
			.saturating_add(T::DbWeight::get().writes(17_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(m.into())))
			.saturating_add(Weight::from_parts(0, 6585).saturating_mul(m.into()))
	}
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	fn set_price() -> Weight {
		// Proof size (bytes), measured: `210`
		// Proof size (bytes), estimated: `3635`
		// Fastest run: 8_993_000 ps.
		Weight::from_parts(10_605_000, 3635)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	fn set_capacity() -> Weight {
		// Proof size (bytes), measured: `210`
		// Proof size (bytes), estimated: `3635`
		// Fastest run: 8_933_000 ps.
		Weight::from_parts(9_944_000, 3635)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::WorkerKeys` (r:1 w:2)
	/// Proof: `ProviderStaking::WorkerKeys` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	fn rotate_worker_key() -> Weight {
		// Proof size (bytes), measured: `369`
		// Proof size (bytes), estimated: `3635`
		// Fastest run: 52_538_000 ps.
		Weight::from_parts(56_304_000, 3635)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	fn go_offline() -> Weight {
		// Proof size (bytes), measured: `210`
		// Proof size (bytes), estimated: `3635`
		// Fastest run: 9_054_000 ps.
		Weight::from_parts(10_025_000, 3635)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `ProviderStaking::Ledgers` (r:1 w:0)
	/// Proof: `ProviderStaking::Ledgers` (`max_values`: None, `max_size`: Some(385), added: 2860, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `Parameters::Parameters` (r:1 w:0)
	/// Proof: `Parameters::Parameters` (`max_values`: None, `max_size`: Some(36), added: 2511, mode: `MaxEncodedLen`)
	fn go_online() -> Weight {
		// Proof size (bytes), measured: `304`
		// Proof size (bytes), estimated: `3850`
		// Fastest run: 14_742_000 ps.
		Weight::from_parts(16_144_000, 3850)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Ledgers` (r:1 w:1)
	/// Proof: `ProviderStaking::Ledgers` (`max_values`: None, `max_size`: Some(385), added: 2860, mode: `MaxEncodedLen`)
	/// Storage: `Parameters::Parameters` (r:1 w:0)
	/// Proof: `Parameters::Parameters` (`max_values`: None, `max_size`: Some(36), added: 2511, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::ModelProviders` (r:16 w:16)
	/// Proof: `ProviderStaking::ModelProviders` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Operators` (r:1 w:0)
	/// Proof: `ProviderStaking::Operators` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::WorkerKeys` (r:0 w:1)
	/// Proof: `ProviderStaking::WorkerKeys` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	/// Component `m` ranges over `[0, 16]`.
	fn deregister(m: u32, ) -> Weight {
		// Proof size (bytes), measured: `4394 + m * (51 ±0)`
		// Proof size (bytes), estimated: `3850 + m * (6585 ±0)`
		// Fastest run: 21_071_000 ps.
		Weight::from_parts(24_570_513, 3850)
			// Standard error: 8_539
			.saturating_add(Weight::from_parts(5_213_000, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(m.into())))
			.saturating_add(T::DbWeight::get().writes(3_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(m.into())))
			.saturating_add(Weight::from_parts(0, 6585).saturating_mul(m.into()))
	}
	/// Storage: `ProviderStaking::Providers` (r:2 w:0)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::OperatorOf` (r:1 w:2)
	/// Proof: `ProviderStaking::OperatorOf` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Operators` (r:1 w:1)
	/// Proof: `ProviderStaking::Operators` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	fn set_operator() -> Weight {
		// Proof size (bytes), measured: `385`
		// Proof size (bytes), estimated: `6280`
		// Fastest run: 19_850_000 ps.
		Weight::from_parts(21_432_000, 6280)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `ProviderStaking::OperatorOf` (r:1 w:1)
	/// Proof: `ProviderStaking::OperatorOf` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Operators` (r:0 w:1)
	/// Proof: `ProviderStaking::Operators` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	fn renounce_operator() -> Weight {
		// Proof size (bytes), measured: `248`
		// Proof size (bytes), estimated: `3545`
		// Fastest run: 10_546_000 ps.
		Weight::from_parts(11_568_000, 3545)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
}

/// The same measurements with RocksDB database weights, for mock runtimes in tests.
impl WeightInfo for () {
	fn register_provider(m: u32, ) -> Weight {
		Weight::from_parts(99_352_000, 3850)
			.saturating_add(Weight::from_parts(11_682_769, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(7_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(m.into())))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(m.into())))
			.saturating_add(Weight::from_parts(0, 6585).saturating_mul(m.into()))
	}
	fn bond_extra() -> Weight {
		Weight::from_parts(51_356_000, 3850)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn unbond() -> Weight {
		Weight::from_parts(20_681_000, 6012)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(44_006_000, 3850)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn set_models(m: u32, ) -> Weight {
		Weight::from_parts(102_535_000, 106350)
			.saturating_add(Weight::from_parts(10_966_336, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(17_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(m.into())))
			.saturating_add(RocksDbWeight::get().writes(17_u64))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(m.into())))
			.saturating_add(Weight::from_parts(0, 6585).saturating_mul(m.into()))
	}
	fn set_price() -> Weight {
		Weight::from_parts(10_605_000, 3635)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn set_capacity() -> Weight {
		Weight::from_parts(9_944_000, 3635)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn rotate_worker_key() -> Weight {
		Weight::from_parts(56_304_000, 3635)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn go_offline() -> Weight {
		Weight::from_parts(10_025_000, 3635)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn go_online() -> Weight {
		Weight::from_parts(16_144_000, 3850)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn deregister(m: u32, ) -> Weight {
		Weight::from_parts(24_570_513, 3850)
			.saturating_add(Weight::from_parts(5_213_000, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(m.into())))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(m.into())))
			.saturating_add(Weight::from_parts(0, 6585).saturating_mul(m.into()))
	}
	fn set_operator() -> Weight {
		Weight::from_parts(21_432_000, 6280)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn renounce_operator() -> Weight {
		Weight::from_parts(11_568_000, 3545)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
}
