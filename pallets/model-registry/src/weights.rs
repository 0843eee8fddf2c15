
//! Weights for `pallet_model_registry`, measured by `infera-node benchmark pallet` (CLI 64.0.0).
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
//! pallet_model_registry
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
//! pallets/model-registry/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame::weights_prelude::*;

/// What the calls and hooks of `pallet_model_registry` weigh.
pub trait WeightInfo {
	fn register_model() -> Weight;
	fn publish_version() -> Weight;
	fn deprecate() -> Weight;
	fn set_fee() -> Weight;
	fn transfer_ownership(v: u32, ) -> Weight;
	fn remove() -> Weight;
}

/// Measured weights, with the runtime's own database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `ModelRegistry::ModelByName` (r:1 w:1)
	/// Proof: `ModelRegistry::ModelByName` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `ModelRegistry::NextModelId` (r:1 w:1)
	/// Proof: `ModelRegistry::NextModelId` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
	/// Storage: `ModelRegistry::Models` (r:0 w:1)
	/// Proof: `ModelRegistry::Models` (`max_values`: None, `max_size`: Some(532), added: 3007, mode: `MaxEncodedLen`)
	fn register_model() -> Weight {
		// Proof size (bytes), measured: `42`
		// Proof size (bytes), estimated: `3599`
		// Fastest run: 47_831_000 ps.
		Weight::from_parts(50_546_000, 3599)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `ModelRegistry::Models` (r:1 w:2)
	/// Proof: `ModelRegistry::Models` (`max_values`: None, `max_size`: Some(532), added: 3007, mode: `MaxEncodedLen`)
	/// Storage: `ModelRegistry::NextModelId` (r:1 w:1)
	/// Proof: `ModelRegistry::NextModelId` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
	/// Storage: `ModelRegistry::ModelByName` (r:0 w:1)
	/// Proof: `ModelRegistry::ModelByName` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	fn publish_version() -> Weight {
		// Proof size (bytes), measured: `705`
		// Proof size (bytes), estimated: `3997`
		// Fastest run: 53_740_000 ps.
		Weight::from_parts(57_165_000, 3997)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `ModelRegistry::Models` (r:1 w:1)
	/// Proof: `ModelRegistry::Models` (`max_values`: None, `max_size`: Some(532), added: 3007, mode: `MaxEncodedLen`)
	fn deprecate() -> Weight {
		// Proof size (bytes), measured: `650`
		// Proof size (bytes), estimated: `3997`
		// Fastest run: 9_504_000 ps.
		Weight::from_parts(10_245_000, 3997)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `ModelRegistry::Models` (r:1 w:1)
	/// Proof: `ModelRegistry::Models` (`max_values`: None, `max_size`: Some(532), added: 3007, mode: `MaxEncodedLen`)
	fn set_fee() -> Weight {
		// Proof size (bytes), measured: `650`
		// Proof size (bytes), estimated: `3997`
		// Fastest run: 9_425_000 ps.
		Weight::from_parts(10_285_000, 3997)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `ModelRegistry::Models` (r:64 w:64)
	/// Proof: `ModelRegistry::Models` (`max_values`: None, `max_size`: Some(532), added: 3007, mode: `MaxEncodedLen`)
	/// Storage: `ModelRegistry::ModelByName` (r:2 w:2)
	/// Proof: `ModelRegistry::ModelByName` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
	/// Component `v` ranges over `[1, 64]`.
	fn transfer_ownership(v: u32, ) -> Weight {
		// Proof size (bytes), measured: `470 + v * (539 ±0)`
		// Proof size (bytes), estimated: `6208 + v * (3007 ±0)`
		// Fastest run: 93_089_000 ps.
		Weight::from_parts(87_699_000, 6208)
			// Standard error: 10_139
			.saturating_add(Weight::from_parts(9_042_049, 0).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(v.into())))
			.saturating_add(T::DbWeight::get().writes(5_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(v.into())))
			.saturating_add(Weight::from_parts(0, 3007).saturating_mul(v.into()))
	}
	/// Storage: `ModelRegistry::Models` (r:3 w:3)
	/// Proof: `ModelRegistry::Models` (`max_values`: None, `max_size`: Some(532), added: 3007, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
	fn remove() -> Weight {
		// Proof size (bytes), measured: `1788`
		// Proof size (bytes), estimated: `10011`
		// Fastest run: 48_082_000 ps.
		Weight::from_parts(50_716_000, 10011)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
}

/// The same measurements with RocksDB database weights, for mock runtimes in tests.
impl WeightInfo for () {
	fn register_model() -> Weight {
		Weight::from_parts(50_546_000, 3599)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn publish_version() -> Weight {
		Weight::from_parts(57_165_000, 3997)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn deprecate() -> Weight {
		Weight::from_parts(10_245_000, 3997)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn set_fee() -> Weight {
		Weight::from_parts(10_285_000, 3997)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn transfer_ownership(v: u32, ) -> Weight {
		Weight::from_parts(87_699_000, 6208)
			.saturating_add(Weight::from_parts(9_042_049, 0).saturating_mul(v.into()))
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(v.into())))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(v.into())))
			.saturating_add(Weight::from_parts(0, 3007).saturating_mul(v.into()))
	}
	fn remove() -> Weight {
		Weight::from_parts(50_716_000, 10011)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
}
