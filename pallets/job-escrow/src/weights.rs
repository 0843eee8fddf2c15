//! Weights for `pallet_job_escrow`.
//!
//! PROVISIONAL: these numbers were NOT produced by the benchmark CLI. They are written in the
//! CLI's format so that regenerating them is a plain overwrite:
//!
//! ```text
//! frame-omni-bencher v1 benchmark pallet --runtime <infera_runtime.compact.compressed.wasm> \
//!   --pallet pallet_job_escrow --extrinsic '*' --steps 50 --repeat 20 \
//!   --output pallets/job-escrow/src/weights.rs --template <frame-umbrella-weight-template.hbs>
//! ```
//!
//! How the provisional values were estimated (reference hardware, wasm execution), so they err
//! on the heavy side:
//! - fixed cost of a call with a few storage accesses: 30–60 µs, as for comparable calls of
//!   `pallet-nis` / `pallet-referenda` (e.g. `place_bid` ≈ 43 µs with 3 reads, 3 writes);
//! - one sr25519 verification (attestation): ≈ 60 µs (`sp_io::crypto::sr25519_verify`, host side);
//! - hashing and copying input/output bytes (blake2-256 through the host, SCALE decode, the
//!   off-chain index write, the storage write of an output): ≈ 3 ns per byte, taken as 3_000 ps;
//! - per provider in settlement: one `transfer_on_hold` (≈ 40 µs, 2 reads 2 writes) or one
//!   slash of the staking pallet (≈ 50 µs, 3 reads 3 writes), plus releasing its slot
//!   (1 read 1 write); the worst of these is charged for every provider;
//! - per candidate in the draw: ≈ 2 µs of arithmetic and hashing plus one read of its record in
//!   the provider registry's index;
//! - proof sizes: job record ≈ 400 + 90·MaxRedundancy bytes, output ≤ MaxOutputBytes, a
//!   provider record ≈ 300 bytes, a block's deadline queue 9·MaxDeadlinesPerBlock bytes.
//!
//! The lead regenerates this file with the node's benchmark CLI before any production use.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use frame::weights_prelude::*;

/// Weight functions needed for `pallet_job_escrow`.
pub trait WeightInfo {
	fn submit_job(i: u32, r: u32, c: u32, ) -> Weight;
	fn submit_result(o: u32, ) -> Weight;
	fn commit_result(r: u32, ) -> Weight;
	fn reveal_result(o: u32, r: u32, ) -> Weight;
	fn cancel_job(r: u32, ) -> Weight;
	fn process_deadlines(n: u32, ) -> Weight;
	fn expire_jobs(n: u32, ) -> Weight;
}

/// Weights for `pallet_job_escrow` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `ModelRegistry::Models` (r:1 w:1)
	/// Storage: `ProviderStaking::ModelProviders` (r:1 w:0)
	/// Storage: `ProviderStaking::Providers` (r:c w:r)
	/// Storage: `JobEscrow::NextJobId` (r:1 w:1)
	/// Storage: `JobEscrow::Deadlines` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `JobEscrow::Jobs` (r:0 w:1)
	/// The range of component `i` is `[1, 65536]`.
	/// The range of component `r` is `[1, 7]`.
	/// The range of component `c` is `[1, 64]`.
	fn submit_job(i: u32, r: u32, c: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 12_000)
			.saturating_add(Weight::from_parts(3_000, 1).saturating_mul(i.into()))
			.saturating_add(Weight::from_parts(25_000_000, 0).saturating_mul(r.into()))
			.saturating_add(Weight::from_parts(2_000_000, 300).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes(5_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(r.into())))
	}
	/// Storage: `JobEscrow::Jobs` (r:1 w:1)
	/// Storage: `ProviderStaking::Providers` (r:1 w:1)
	/// Storage: `JobEscrow::PendingOutputs` (r:1 w:2)
	/// Storage: `JobEscrow::Results` (r:0 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:3 w:3)
	/// Storage: `ModelRegistry::Models` (r:1 w:1)
	/// Storage: `JobEscrow::ExpiryQueueBounds` (r:1 w:1)
	/// Storage: `JobEscrow::ExpiryQueue` (r:0 w:1)
	/// The range of component `o` is `[1, 16384]`.
	fn submit_result(o: u32, ) -> Weight {
		Weight::from_parts(230_000_000, 8_000)
			.saturating_add(Weight::from_parts(6_000, 2).saturating_mul(o.into()))
			.saturating_add(T::DbWeight::get().reads(9_u64))
			.saturating_add(T::DbWeight::get().writes(12_u64))
	}
	/// Storage: `JobEscrow::Jobs` (r:1 w:1)
	/// Storage: `JobEscrow::Deadlines` (r:1 w:1)
	/// The range of component `r` is `[2, 7]`.
	fn commit_result(r: u32, ) -> Weight {
		Weight::from_parts(35_000_000, 5_000)
			.saturating_add(Weight::from_parts(1_000_000, 90).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `JobEscrow::Jobs` (r:1 w:1)
	/// Storage: `ProviderStaking::Providers` (r:r w:r)
	/// Storage: `JobEscrow::PendingOutputs` (r:2 w:r)
	/// Storage: `JobEscrow::Results` (r:0 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:r+2 w:r+2)
	/// Storage: `ModelRegistry::Models` (r:1 w:1)
	/// Storage: `JobEscrow::ExpiryQueueBounds` (r:1 w:1)
	/// Storage: `JobEscrow::ExpiryQueue` (r:0 w:1)
	/// The range of component `o` is `[1, 16384]`.
	/// The range of component `r` is `[2, 7]`.
	fn reveal_result(o: u32, r: u32, ) -> Weight {
		Weight::from_parts(130_000_000, 8_000)
			.saturating_add(Weight::from_parts(6_000, 2).saturating_mul(o.into()))
			.saturating_add(Weight::from_parts(60_000_000, 600).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(9_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes(8_u64))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(r.into())))
	}
	/// Storage: `JobEscrow::Jobs` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `ProviderStaking::Providers` (r:r w:r)
	/// Storage: `ModelRegistry::Models` (r:1 w:1)
	/// Storage: `JobEscrow::ExpiryQueueBounds` (r:1 w:1)
	/// Storage: `JobEscrow::ExpiryQueue` (r:0 w:1)
	/// The range of component `r` is `[1, 7]`.
	fn cancel_job(r: u32, ) -> Weight {
		Weight::from_parts(70_000_000, 6_000)
			.saturating_add(Weight::from_parts(12_000_000, 300).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes(6_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(r.into())))
	}
	/// Storage: `JobEscrow::DeadlineCursor` (r:1 w:1)
	/// Storage: `JobEscrow::Deadlines` (r:1 w:1)
	/// Per entry, a settlement of a job with `MaxRedundancy` providers and a maximal output:
	/// Storage: `JobEscrow::Jobs` (r:1 w:1)
	/// Storage: `ProviderStaking::Providers` (r:7 w:7)
	/// Storage: `JobEscrow::PendingOutputs` (r:1 w:7)
	/// Storage: `JobEscrow::Results` (r:0 w:1)
	/// Storage: `Balances::Holds` (r:8 w:8)
	/// Storage: `System::Account` (r:9 w:9)
	/// Storage: `ModelRegistry::Models` (r:1 w:1)
	/// Storage: `JobEscrow::ExpiryQueueBounds` (r:1 w:1)
	/// Storage: `JobEscrow::ExpiryQueue` (r:0 w:1)
	/// The range of component `n` is `[0, 32]`.
	fn process_deadlines(n: u32, ) -> Weight {
		Weight::from_parts(8_000_000, 3_000)
			.saturating_add(Weight::from_parts(500_000_000, 60_000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((29_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(2_u64))
			.saturating_add(T::DbWeight::get().writes((36_u64).saturating_mul(n.into())))
	}
	/// Storage: `JobEscrow::ExpiryQueueBounds` (r:1 w:1)
	/// Storage: `JobEscrow::ExpiryQueue` (r:n w:n)
	/// Storage: `JobEscrow::Jobs` (r:n w:n)
	/// Storage: `JobEscrow::Results` (r:0 w:n)
	/// The range of component `n` is `[0, 64]`.
	fn expire_jobs(n: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1_500)
			.saturating_add(Weight::from_parts(15_000_000, 1_100).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(n.into())))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn submit_job(i: u32, r: u32, c: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 12_000)
			.saturating_add(Weight::from_parts(3_000, 1).saturating_mul(i.into()))
			.saturating_add(Weight::from_parts(25_000_000, 0).saturating_mul(r.into()))
			.saturating_add(Weight::from_parts(2_000_000, 300).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(r.into())))
	}
	fn submit_result(o: u32, ) -> Weight {
		Weight::from_parts(230_000_000, 8_000)
			.saturating_add(Weight::from_parts(6_000, 2).saturating_mul(o.into()))
			.saturating_add(RocksDbWeight::get().reads(9_u64))
			.saturating_add(RocksDbWeight::get().writes(12_u64))
	}
	fn commit_result(r: u32, ) -> Weight {
		Weight::from_parts(35_000_000, 5_000)
			.saturating_add(Weight::from_parts(1_000_000, 90).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn reveal_result(o: u32, r: u32, ) -> Weight {
		Weight::from_parts(130_000_000, 8_000)
			.saturating_add(Weight::from_parts(6_000, 2).saturating_mul(o.into()))
			.saturating_add(Weight::from_parts(60_000_000, 600).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(9_u64))
			.saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(r.into())))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
			.saturating_add(RocksDbWeight::get().writes((3_u64).saturating_mul(r.into())))
	}
	fn cancel_job(r: u32, ) -> Weight {
		Weight::from_parts(70_000_000, 6_000)
			.saturating_add(Weight::from_parts(12_000_000, 300).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(r.into())))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(r.into())))
	}
	fn process_deadlines(n: u32, ) -> Weight {
		Weight::from_parts(8_000_000, 3_000)
			.saturating_add(Weight::from_parts(500_000_000, 60_000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().reads((29_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
			.saturating_add(RocksDbWeight::get().writes((36_u64).saturating_mul(n.into())))
	}
	fn expire_jobs(n: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1_500)
			.saturating_add(Weight::from_parts(15_000_000, 1_100).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
			.saturating_add(RocksDbWeight::get().writes((3_u64).saturating_mul(n.into())))
	}
}
