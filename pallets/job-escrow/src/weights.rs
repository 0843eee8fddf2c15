
//! Weights for `pallet_job_escrow`, measured by `infera-node benchmark pallet` (CLI 64.0.0).
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
//! pallet_job_escrow
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
	/// Storage: `Parameters::Parameters` (r:12 w:0)
	/// Proof: `Parameters::Parameters` (`max_values`: None, `max_size`: Some(36), added: 2511, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::ModelProviders` (r:1 w:0)
	/// Proof: `ProviderStaking::ModelProviders` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Providers` (r:128 w:1)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Ledgers` (r:128 w:0)
	/// Proof: `ProviderStaking::Ledgers` (`max_values`: None, `max_size`: Some(385), added: 2860, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::NextJobId` (r:1 w:1)
	/// Proof: `JobEscrow::NextJobId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Babe::Initialized` (r:1 w:0)
	/// Proof: `Babe::Initialized` (`max_values`: Some(1), `max_size`: Some(110), added: 605, mode: `MaxEncodedLen`)
	/// Storage: `Babe::AuthorVrfRandomness` (r:1 w:0)
	/// Proof: `Babe::AuthorVrfRandomness` (`max_values`: Some(1), `max_size`: Some(33), added: 528, mode: `MaxEncodedLen`)
	/// Storage: `System::ParentHash` (r:1 w:0)
	/// Proof: `System::ParentHash` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Deadlines` (r:1 w:1)
	/// Proof: `JobEscrow::Deadlines` (`max_values`: None, `max_size`: Some(4622), added: 7097, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Jobs` (r:0 w:1)
	/// Proof: `JobEscrow::Jobs` (`max_values`: None, `max_size`: Some(1123), added: 3598, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::AssignedJobs` (r:0 w:1)
	/// Proof: `JobEscrow::AssignedJobs` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::UserJobs` (r:0 w:1)
	/// Proof: `JobEscrow::UserJobs` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `MaxEncodedLen`)
	/// Component `c` ranges over `[1, 128]`.
	fn submit_job(c: u32, ) -> Weight {
		// Proof size (bytes), measured: `930 + c * (224 ±0)`
		// Proof size (bytes), estimated: `31122 + c * (2860 ±0)`
		// Fastest run: 116_213_000 ps.
		Weight::from_parts(165_175_138, 31122)
			// Standard error: 42_291
			.saturating_add(Weight::from_parts(8_460_524, 0).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(20_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes(8_u64))
			.saturating_add(Weight::from_parts(0, 2860).saturating_mul(c.into()))
	}
	/// Storage: `Babe::Initialized` (r:1 w:0)
	/// Proof: `Babe::Initialized` (`max_values`: Some(1), `max_size`: Some(110), added: 605, mode: `MaxEncodedLen`)
	/// Storage: `Babe::AuthorVrfRandomness` (r:1 w:0)
	/// Proof: `Babe::AuthorVrfRandomness` (`max_values`: Some(1), `max_size`: Some(33), added: 528, mode: `MaxEncodedLen`)
	/// Storage: `System::ParentHash` (r:1 w:0)
	/// Proof: `System::ParentHash` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Providers` (r:7 w:7)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::AssignedJobs` (r:0 w:7)
	/// Proof: `JobEscrow::AssignedJobs` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Component `r` ranges over `[1, 7]`.
	fn submit_job_providers(r: u32, ) -> Weight {
		// Proof size (bytes), measured: `788 + r * (265 ±0)`
		// Proof size (bytes), estimated: `1595 + r * (2645 ±0)`
		// Fastest run: 47_430_000 ps.
		Weight::from_parts(41_131_000, 1595)
			// Standard error: 94_088
			.saturating_add(Weight::from_parts(12_071_917, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(r.into())))
			.saturating_add(Weight::from_parts(0, 2645).saturating_mul(r.into()))
	}
	/// Component `i` ranges over `[1, 262144]`.
	fn submit_job_input(i: u32, ) -> Weight {
		// Proof size (bytes), measured: `0`
		// Proof size (bytes), estimated: `0`
		// Fastest run: 1_983_000 ps.
		Weight::from_parts(2_083_000, 0)
			// Standard error: 1
			.saturating_add(Weight::from_parts(8_513, 0).saturating_mul(i.into()))
	}
	/// Storage: `ProviderStaking::OperatorOf` (r:1 w:0)
	/// Proof: `ProviderStaking::OperatorOf` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Jobs` (r:1 w:1)
	/// Proof: `JobEscrow::Jobs` (`max_values`: None, `max_size`: Some(1123), added: 3598, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Deadlines` (r:1 w:1)
	/// Proof: `JobEscrow::Deadlines` (`max_values`: None, `max_size`: Some(4622), added: 7097, mode: `MaxEncodedLen`)
	/// Component `r` ranges over `[2, 7]`.
	fn commit_result(r: u32, ) -> Weight {
		// Proof size (bytes), measured: `540 + r * (81 ±0)`
		// Proof size (bytes), estimated: `8087`
		// Fastest run: 24_387_000 ps.
		Weight::from_parts(25_224_680, 8087)
			// Standard error: 27_840
			.saturating_add(Weight::from_parts(1_903_000, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `ProviderStaking::OperatorOf` (r:1 w:0)
	/// Proof: `ProviderStaking::OperatorOf` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Jobs` (r:1 w:1)
	/// Proof: `JobEscrow::Jobs` (`max_values`: None, `max_size`: Some(1123), added: 3598, mode: `MaxEncodedLen`)
	/// Storage: `Parameters::Parameters` (r:2 w:0)
	/// Proof: `Parameters::Parameters` (`max_values`: None, `max_size`: Some(36), added: 2511, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Providers` (r:7 w:7)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
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
	/// Storage: `JobEscrow::ExpiryTail` (r:1 w:1)
	/// Proof: `JobEscrow::ExpiryTail` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::ExpiryQueueBounds` (r:1 w:1)
	/// Proof: `JobEscrow::ExpiryQueueBounds` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Results` (r:0 w:1)
	/// Proof: `JobEscrow::Results` (`max_values`: None, `max_size`: Some(4114), added: 6589, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::ExpiryQueue` (r:0 w:1)
	/// Proof: `JobEscrow::ExpiryQueue` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::AssignedJobs` (r:0 w:7)
	/// Proof: `JobEscrow::AssignedJobs` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Component `o` ranges over `[1, 4096]`.
	/// Component `r` ranges over `[2, 7]`.
	fn reveal_result(o: u32, r: u32, ) -> Weight {
		// Proof size (bytes), measured: `1224 + o * (1 ±0) + r * (319 ±0)`
		// Proof size (bytes), estimated: `7611 + r * (2645 ±0)`
		// Fastest run: 283_783_000 ps.
		Weight::from_parts(190_253_906, 7611)
			// Standard error: 426
			.saturating_add(Weight::from_parts(8_597, 0).saturating_mul(o.into()))
			// Standard error: 314_063
			.saturating_add(Weight::from_parts(46_048_666, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes(9_u64))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(r.into())))
			.saturating_add(Weight::from_parts(0, 2645).saturating_mul(r.into()))
	}
	/// Storage: `JobEscrow::Jobs` (r:1 w:1)
	/// Proof: `JobEscrow::Jobs` (`max_values`: None, `max_size`: Some(1123), added: 3598, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Deadlines` (r:1 w:1)
	/// Proof: `JobEscrow::Deadlines` (`max_values`: None, `max_size`: Some(4622), added: 7097, mode: `MaxEncodedLen`)
	/// Component `r` ranges over `[1, 7]`.
	fn cancel_job(r: u32, ) -> Weight {
		// Proof size (bytes), measured: `426 + r * (49 ±0)`
		// Proof size (bytes), estimated: `8087`
		// Fastest run: 15_734_000 ps.
		Weight::from_parts(16_217_218, 8087)
			// Standard error: 28_462
			.saturating_add(Weight::from_parts(3_115_000, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `JobEscrow::DeadlineCursor` (r:1 w:1)
	/// Proof: `JobEscrow::DeadlineCursor` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Deadlines` (r:1 w:1)
	/// Proof: `JobEscrow::Deadlines` (`max_values`: None, `max_size`: Some(4622), added: 7097, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Jobs` (r:32 w:32)
	/// Proof: `JobEscrow::Jobs` (`max_values`: None, `max_size`: Some(1123), added: 3598, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:8 w:8)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:8 w:8)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::ProviderRecords` (r:7 w:7)
	/// Proof: `JobEscrow::ProviderRecords` (`max_values`: None, `max_size`: Some(76), added: 2551, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::PendingOutputs` (r:32 w:32)
	/// Proof: `JobEscrow::PendingOutputs` (`max_values`: None, `max_size`: Some(4146), added: 6621, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Ledgers` (r:7 w:7)
	/// Proof: `ProviderStaking::Ledgers` (`max_values`: None, `max_size`: Some(385), added: 2860, mode: `MaxEncodedLen`)
	/// Storage: `ProviderStaking::Providers` (r:7 w:7)
	/// Proof: `ProviderStaking::Providers` (`max_values`: None, `max_size`: Some(170), added: 2645, mode: `MaxEncodedLen`)
	/// Storage: `Parameters::Parameters` (r:2 w:0)
	/// Proof: `Parameters::Parameters` (`max_values`: None, `max_size`: Some(36), added: 2511, mode: `MaxEncodedLen`)
	/// Storage: `ModelRegistry::Models` (r:1 w:1)
	/// Proof: `ModelRegistry::Models` (`max_values`: None, `max_size`: Some(532), added: 3007, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::ExpiryTail` (r:1 w:1)
	/// Proof: `JobEscrow::ExpiryTail` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::ExpiryQueueBounds` (r:1 w:1)
	/// Proof: `JobEscrow::ExpiryQueueBounds` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Results` (r:0 w:32)
	/// Proof: `JobEscrow::Results` (`max_values`: None, `max_size`: Some(4114), added: 6589, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::ExpiryQueue` (r:0 w:32)
	/// Proof: `JobEscrow::ExpiryQueue` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::AssignedJobs` (r:0 w:224)
	/// Proof: `JobEscrow::AssignedJobs` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[0, 32]`.
	fn process_deadlines(n: u32, ) -> Weight {
		// Proof size (bytes), measured: `7396 + n * (948 ±0)`
		// Proof size (bytes), estimated: `21814 + n * (6621 ±32)`
		// Fastest run: 7_060_000 ps.
		Weight::from_parts(147_701_071, 21814)
			// Standard error: 540_433
			.saturating_add(Weight::from_parts(343_129_620, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(44_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(42_u64))
			.saturating_add(T::DbWeight::get().writes((11_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 6621).saturating_mul(n.into()))
	}
	/// Storage: `JobEscrow::ExpiryQueueBounds` (r:1 w:1)
	/// Proof: `JobEscrow::ExpiryQueueBounds` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::ExpiryQueue` (r:128 w:128)
	/// Proof: `JobEscrow::ExpiryQueue` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Jobs` (r:128 w:128)
	/// Proof: `JobEscrow::Jobs` (`max_values`: None, `max_size`: Some(1123), added: 3598, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::Results` (r:0 w:128)
	/// Proof: `JobEscrow::Results` (`max_values`: None, `max_size`: Some(4114), added: 6589, mode: `MaxEncodedLen`)
	/// Storage: `JobEscrow::UserJobs` (r:0 w:128)
	/// Proof: `JobEscrow::UserJobs` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[0, 128]`.
	fn expire_jobs(n: u32, ) -> Weight {
		// Proof size (bytes), measured: `286 + n * (429 ±0)`
		// Proof size (bytes), estimated: `1501 + n * (3598 ±0)`
		// Fastest run: 2_083_000 ps.
		Weight::from_parts(2_193_000, 1501)
			// Standard error: 29_197
			.saturating_add(Weight::from_parts(15_033_728, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3598).saturating_mul(n.into()))
	}
}

/// The same measurements with RocksDB database weights, for mock runtimes in tests.
impl WeightInfo for () {
	fn submit_job(c: u32, ) -> Weight {
		Weight::from_parts(165_175_138, 31122)
			.saturating_add(Weight::from_parts(8_460_524, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(20_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
			.saturating_add(Weight::from_parts(0, 2860).saturating_mul(c.into()))
	}
	fn submit_job_providers(r: u32, ) -> Weight {
		Weight::from_parts(41_131_000, 1595)
			.saturating_add(Weight::from_parts(12_071_917, 0).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(r.into())))
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_mul(r.into())))
			.saturating_add(Weight::from_parts(0, 2645).saturating_mul(r.into()))
	}
	fn submit_job_input(i: u32, ) -> Weight {
		Weight::from_parts(2_083_000, 0)
			.saturating_add(Weight::from_parts(8_513, 0).saturating_mul(i.into()))
	}
	fn commit_result(r: u32, ) -> Weight {
		Weight::from_parts(25_224_680, 8087)
			.saturating_add(Weight::from_parts(1_903_000, 0).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn reveal_result(o: u32, r: u32, ) -> Weight {
		Weight::from_parts(190_253_906, 7611)
			.saturating_add(Weight::from_parts(8_597, 0).saturating_mul(o.into()))
			.saturating_add(Weight::from_parts(46_048_666, 0).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(11_u64))
			.saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(r.into())))
			.saturating_add(RocksDbWeight::get().writes(9_u64))
			.saturating_add(RocksDbWeight::get().writes((4_u64).saturating_mul(r.into())))
			.saturating_add(Weight::from_parts(0, 2645).saturating_mul(r.into()))
	}
	fn cancel_job(r: u32, ) -> Weight {
		Weight::from_parts(16_217_218, 8087)
			.saturating_add(Weight::from_parts(3_115_000, 0).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn process_deadlines(n: u32, ) -> Weight {
		Weight::from_parts(147_701_071, 21814)
			.saturating_add(Weight::from_parts(343_129_620, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(44_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(42_u64))
			.saturating_add(RocksDbWeight::get().writes((11_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 6621).saturating_mul(n.into()))
	}
	fn expire_jobs(n: u32, ) -> Weight {
		Weight::from_parts(2_193_000, 1501)
			.saturating_add(Weight::from_parts(15_033_728, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
			.saturating_add(RocksDbWeight::get().writes((4_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3598).saturating_mul(n.into()))
	}
}
