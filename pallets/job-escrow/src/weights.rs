
//! Weights for `pallet_job_escrow`, measured by `infera-node benchmark pallet` (CLI 64.0.0).
//!
//! Measured on 2026-11-26: 25 steps, 10 repeats, `Compiled`
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
//! pallet_job_escrow
//! --extrinsic
//! *
//! --steps
//! 25
//! --repeat
//! 10
//! --output-analysis
//! max
//! --template
//! scripts/weights/pallet-weights.hbs
//! --output
//! pallets/job-escrow/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame::weights_prelude::*;

/// What the calls and hooks of `pallet_job_escrow` weigh.
pub trait WeightInfo {
	fn submit_job(c: u32, ) -> Weight;
	fn submit_job_providers(r: u32, ) -> Weight;
	fn submit_job_input(i: u32, ) -> Weight;
	fn commit_result(r: u32, ) -> Weight;
	fn reveal_result(o: u32, r: u32, ) -> Weight;
	fn cancel_job(r: u32, ) -> Weight;
	fn process_deadlines(n: u32, ) -> Weight;
	fn expire_jobs(n: u32, ) -> Weight;
}

/// Measured weights, with the runtime's own database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `ModelRegistry::Models` (r:1 w:1)
	/// Proof: `ModelRegistry::Models` (`max_values`: None, `max_size`: Some(532), added: 3007, mode: `MaxEncodedLen`)
	/// Storage: `Parameters::Parameters` (r:6 w:0)
	/// Proof: `Parameters::Parameters` (`max_values`: None, `max_size`: Some(36), added: 2511, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::ModelProviders` (r:1 w:0)
	/// Proof: `ProviderStaking::ModelProviders` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Providers` (r:128 w:1)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Ledgers` (r:128 w:0)
	/// Proof: `ProviderStaking::Ledgers` (`max_values`: None, `max_size`: Some(385), added: 2860, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::NextJobId` (r:1 w:1)
	/// Proof: `JobEscrow::NextJobId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `RandomnessCollectiveFlip::RandomMaterial` (r:1 w:0)
	/// Proof: `RandomnessCollectiveFlip::RandomMaterial` (`max_values`: Some(1), `max_size`: Some(2594), added: 3089, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Deadlines` (r:1 w:1)
	/// Proof: `JobEscrow::Deadlines` (`max_values`: None, `max_size`: Some(18446), added: 20921, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Jobs` (r:0 w:1)
	/// Proof: `JobEscrow::Jobs` (`max_values`: None, `max_size`: Some(813), added: 3288, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::AssignedJobs` (r:0 w:1)
	/// Proof: `JobEscrow::AssignedJobs` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::UserJobs` (r:0 w:1)
	/// Proof: `JobEscrow::UserJobs` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `MaxEncodedLen`)
	/// Component `c` ranges over `[1, 128]`.
	fn submit_job(c: u32, ) -> Weight {
		// Proof size (bytes), measured: `800 + c * (224 ±0)`
		// Proof size (bytes), estimated: `21911 + c * (2860 ±0)`
		// Fastest run: 365_055_000 ps.
		Weight::from_parts(446_801_756, 21911)
			// Standard error: 677_904
			.saturating_add(Weight::from_parts(21_009_925, 0).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes(8_u64))
			.saturating_add(Weight::from_parts(0, 2860).saturating_mul(c.into()))
	}
	/// Storage: `RandomnessCollectiveFlip::RandomMaterial` (r:1 w:0)
	/// Proof: `RandomnessCollectiveFlip::RandomMaterial` (`max_values`: Some(1), `max_size`: Some(2594), added: 3089, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Providers` (r:7 w:7)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::AssignedJobs` (r:0 w:7)
	/// Proof: `JobEscrow::AssignedJobs` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Component `r` ranges over `[1, 7]`.
	fn submit_job_providers(r: u32, ) -> Weight {
		// Proof size (bytes), measured: `836 + r * (219 ±0)`
		// Proof size (bytes), estimated: `4079 + r * (2645 ±0)`
		// Fastest run: 68_418_000 ps.
		Weight::from_parts(93_521_000, 4079)
			// Standard error: 1_095_872
			.saturating_add(Weight::from_parts(17_498_000, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(r.into())))
			.saturating_add(Weight::from_parts(0, 2645).saturating_mul(r.into()))
	}
	/// Component `i` ranges over `[1, 262144]`.
	fn submit_job_input(i: u32, ) -> Weight {
		// Proof size (bytes), measured: `0`
		// Proof size (bytes), estimated: `0`
		// Fastest run: 3_477_000 ps.
		Weight::from_parts(3_878_000, 0)
			// Standard error: 9
			.saturating_add(Weight::from_parts(9_054, 0).saturating_mul(i.into()))
	}
	/// Storage: `JobEscrow::Jobs` (r:1 w:1)
	/// Proof: `JobEscrow::Jobs` (`max_values`: None, `max_size`: Some(813), added: 3288, mode: `MaxEncodedLen`)
	/// Storage: `Parameters::Parameters` (r:1 w:0)
	/// Proof: `Parameters::Parameters` (`max_values`: None, `max_size`: Some(36), added: 2511, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Deadlines` (r:1 w:1)
	/// Proof: `JobEscrow::Deadlines` (`max_values`: None, `max_size`: Some(18446), added: 20921, mode: `MaxEncodedLen`)
	/// Component `r` ranges over `[2, 7]`.
	fn commit_result(r: u32, ) -> Weight {
		// Proof size (bytes), measured: `335 + r * (81 ±0)`
		// Proof size (bytes), estimated: `21911`
		// Fastest run: 47_018_000 ps.
		Weight::from_parts(85_033_545, 21911)
			// Standard error: 273_386
			.saturating_add(Weight::from_parts(1_904_000, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `JobEscrow::Jobs` (r:1 w:1)
	/// Proof: `JobEscrow::Jobs` (`max_values`: None, `max_size`: Some(813), added: 3288, mode: `MaxEncodedLen`)
	/// Storage: `Parameters::Parameters` (r:1 w:0)
	/// Proof: `Parameters::Parameters` (`max_values`: None, `max_size`: Some(36), added: 2511, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Providers` (r:7 w:7)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::PendingOutputs` (r:1 w:1)
	/// Proof: `JobEscrow::PendingOutputs` (`max_values`: None, `max_size`: Some(4146), added: 6621, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:8 w:8)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::ProviderRecords` (r:7 w:7)
	/// Proof: `JobEscrow::ProviderRecords` (`max_values`: None, `max_size`: Some(76), added: 2551, mode: `MaxEncodedLen`)
	/// Storage: `ModelRegistry::Models` (r:1 w:1)
	/// Proof: `ModelRegistry::Models` (`max_values`: None, `max_size`: Some(532), added: 3007, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::ExpiryQueueBounds` (r:1 w:1)
	/// Proof: `JobEscrow::ExpiryQueueBounds` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Results` (r:0 w:1)
	/// Proof: `JobEscrow::Results` (`max_values`: None, `max_size`: Some(4114), added: 6589, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::ExpiryQueue` (r:0 w:1)
	/// Proof: `JobEscrow::ExpiryQueue` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::AssignedJobs` (r:0 w:7)
	/// Proof: `JobEscrow::AssignedJobs` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Component `o` ranges over `[1, 4096]`.
	/// Component `r` ranges over `[2, 7]`.
	fn reveal_result(_o: u32, r: u32, ) -> Weight {
		// Proof size (bytes), measured: `1072 + o * (1 ±0) + r * (319 ±0)`
		// Proof size (bytes), estimated: `7611 + r * (2645 ±0)`
		// Fastest run: 583_114_000 ps.
		Weight::from_parts(1_173_188_512, 7611)
			// Standard error: 9_528_844
			.saturating_add(Weight::from_parts(46_488_505, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes(8_u64))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(r.into())))
			.saturating_add(Weight::from_parts(0, 2645).saturating_mul(r.into()))
	}
	/// Storage: `JobEscrow::Jobs` (r:1 w:1)
	/// Proof: `JobEscrow::Jobs` (`max_values`: None, `max_size`: Some(813), added: 3288, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Providers` (r:7 w:7)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `ModelRegistry::Models` (r:1 w:1)
	/// Proof: `ModelRegistry::Models` (`max_values`: None, `max_size`: Some(532), added: 3007, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::ExpiryQueueBounds` (r:1 w:1)
	/// Proof: `JobEscrow::ExpiryQueueBounds` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::ExpiryQueue` (r:0 w:1)
	/// Proof: `JobEscrow::ExpiryQueue` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::AssignedJobs` (r:0 w:7)
	/// Proof: `JobEscrow::AssignedJobs` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Component `r` ranges over `[1, 7]`.
	fn cancel_job(r: u32, ) -> Weight {
		// Proof size (bytes), measured: `885 + r * (199 ±0)`
		// Proof size (bytes), estimated: `4278 + r * (2645 ±0)`
		// Fastest run: 111_008_000 ps.
		Weight::from_parts(137_442_400, 4278)
			// Standard error: 817_495
			.saturating_add(Weight::from_parts(23_538_668, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes(5_u64))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(r.into())))
			.saturating_add(Weight::from_parts(0, 2645).saturating_mul(r.into()))
	}
	/// Storage: `JobEscrow::DeadlineCursor` (r:1 w:1)
	/// Proof: `JobEscrow::DeadlineCursor` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Deadlines` (r:1 w:1)
	/// Proof: `JobEscrow::Deadlines` (`max_values`: None, `max_size`: Some(18446), added: 20921, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Jobs` (r:16 w:16)
	/// Proof: `JobEscrow::Jobs` (`max_values`: None, `max_size`: Some(813), added: 3288, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:4 w:4)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:8 w:8)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::ProviderRecords` (r:7 w:7)
	/// Proof: `JobEscrow::ProviderRecords` (`max_values`: None, `max_size`: Some(76), added: 2551, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::PendingOutputs` (r:16 w:16)
	/// Proof: `JobEscrow::PendingOutputs` (`max_values`: None, `max_size`: Some(4146), added: 6621, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Providers` (r:7 w:7)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `ModelRegistry::Models` (r:1 w:1)
	/// Proof: `ModelRegistry::Models` (`max_values`: None, `max_size`: Some(532), added: 3007, mode: `MaxEncodedLen`)
	/// Storage: `Parameters::Parameters` (r:2 w:0)
	/// Proof: `Parameters::Parameters` (`max_values`: None, `max_size`: Some(36), added: 2511, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Ledgers` (r:3 w:3)
	/// Proof: `ProviderStaking::Ledgers` (`max_values`: None, `max_size`: Some(385), added: 2860, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::ExpiryQueueBounds` (r:1 w:1)
	/// Proof: `JobEscrow::ExpiryQueueBounds` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Results` (r:0 w:16)
	/// Proof: `JobEscrow::Results` (`max_values`: None, `max_size`: Some(4114), added: 6589, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::ExpiryQueue` (r:0 w:16)
	/// Proof: `JobEscrow::ExpiryQueue` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::AssignedJobs` (r:0 w:112)
	/// Proof: `JobEscrow::AssignedJobs` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[0, 16]`.
	fn process_deadlines(n: u32, ) -> Weight {
		// Proof size (bytes), measured: `7822 + n * (147 ±0)`
		// Proof size (bytes), estimated: `21911 + n * (6621 ±0)`
		// Fastest run: 12_493_000 ps.
		Weight::from_parts(359_552_516, 21911)
			// Standard error: 23_714_379
			.saturating_add(Weight::from_parts(930_810_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(35_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(33_u64))
			.saturating_add(T::DbWeight::get().writes((12_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 6621).saturating_mul(n.into()))
	}
	/// Storage: `JobEscrow::ExpiryQueueBounds` (r:1 w:1)
	/// Proof: `JobEscrow::ExpiryQueueBounds` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `Parameters::Parameters` (r:1 w:0)
	/// Proof: `Parameters::Parameters` (`max_values`: None, `max_size`: Some(36), added: 2511, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::ExpiryQueue` (r:64 w:64)
	/// Proof: `JobEscrow::ExpiryQueue` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Jobs` (r:64 w:64)
	/// Proof: `JobEscrow::Jobs` (`max_values`: None, `max_size`: Some(813), added: 3288, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Results` (r:0 w:64)
	/// Proof: `JobEscrow::Results` (`max_values`: None, `max_size`: Some(4114), added: 6589, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::UserJobs` (r:0 w:64)
	/// Proof: `JobEscrow::UserJobs` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[0, 64]`.
	fn expire_jobs(n: u32, ) -> Weight {
		// Proof size (bytes), measured: `533 + n * (80 ±0)`
		// Proof size (bytes), estimated: `3501 + n * (3288 ±0)`
		// Fastest run: 9_387_000 ps.
		Weight::from_parts(10_239_000, 3501)
			// Standard error: 339_791
			.saturating_add(Weight::from_parts(41_222_388, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3288).saturating_mul(n.into()))
	}
}

/// The same measurements with RocksDB database weights, for mock runtimes in tests.
impl WeightInfo for () {
	fn submit_job(c: u32, ) -> Weight {
		Weight::from_parts(446_801_756, 21911)
			.saturating_add(Weight::from_parts(21_009_925, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(12_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
			.saturating_add(Weight::from_parts(0, 2860).saturating_mul(c.into()))
	}
	fn submit_job_providers(r: u32, ) -> Weight {
		Weight::from_parts(93_521_000, 4079)
			.saturating_add(Weight::from_parts(17_498_000, 0).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(r.into())))
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_mul(r.into())))
			.saturating_add(Weight::from_parts(0, 2645).saturating_mul(r.into()))
	}
	fn submit_job_input(i: u32, ) -> Weight {
		Weight::from_parts(3_878_000, 0)
			.saturating_add(Weight::from_parts(9_054, 0).saturating_mul(i.into()))
	}
	fn commit_result(r: u32, ) -> Weight {
		Weight::from_parts(85_033_545, 21911)
			.saturating_add(Weight::from_parts(1_904_000, 0).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn reveal_result(_o: u32, r: u32, ) -> Weight {
		Weight::from_parts(1_173_188_512, 7611)
			.saturating_add(Weight::from_parts(46_488_505, 0).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(7_u64))
			.saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(r.into())))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
			.saturating_add(RocksDbWeight::get().writes((4_u64).saturating_mul(r.into())))
			.saturating_add(Weight::from_parts(0, 2645).saturating_mul(r.into()))
	}
	fn cancel_job(r: u32, ) -> Weight {
		Weight::from_parts(137_442_400, 4278)
			.saturating_add(Weight::from_parts(23_538_668, 0).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(r.into())))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_mul(r.into())))
			.saturating_add(Weight::from_parts(0, 2645).saturating_mul(r.into()))
	}
	fn process_deadlines(n: u32, ) -> Weight {
		Weight::from_parts(359_552_516, 21911)
			.saturating_add(Weight::from_parts(930_810_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(35_u64))
			.saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(33_u64))
			.saturating_add(RocksDbWeight::get().writes((12_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 6621).saturating_mul(n.into()))
	}
	fn expire_jobs(n: u32, ) -> Weight {
		Weight::from_parts(10_239_000, 3501)
			.saturating_add(Weight::from_parts(41_222_388, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
			.saturating_add(RocksDbWeight::get().writes((4_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3288).saturating_mul(n.into()))
	}
}
