//! Database weights of the runtime: what one storage read and one write cost on `ParityDb`,
//! measured by `infera-node benchmark storage` (CLI 64.0.0) on 2026-11-26 (Y/M/D), host
//! `vm` (AMD EPYC), over the state at block Number(408).
//! Regenerate with `scripts/benchmark.sh --release storage`; never edit by hand.
//!
//! Command:
//! /root/.cache/inference-market/target-bench/release/infera-node
//! benchmark
//! storage
//! --chain
//! dev
//! --base-path
//! /tmp/loadchain
//! --state-version
//! 1
//! --batch-size
//! 100
//! --template-path
//! scripts/weights/db-weights.hbs
//! --weight-path
//! runtime/src/weights/

#![cfg_attr(rustfmt, rustfmt_skip)]

/// Storage DB weights for the `Infera Development` runtime and `ParityDb`.
pub mod constants {
	use polkadot_sdk::frame_support::{
		parameter_types,
		weights::{constants, RuntimeDbWeight},
	};

	parameter_types! {
		/// The node runs on ParityDb (its default database), so the runtime counts these.
		pub const ParityDbWeight: RuntimeDbWeight = RuntimeDbWeight {
			// Time to read one storage item: the Average of all
			// reads times 1.0 plus 0.
			//
			// Nanoseconds: min 1_814, max 8_036_974,
			// average 9_999, median 6_562,
			// p75 8_306, p95 11_562, p99 27_422.
			read: 9_999 * constants::WEIGHT_REF_TIME_PER_NANOS,

			// Time to write one storage item: the Average of all
			// writes times 1.0 plus 0.
			//
			// Nanoseconds: min 14_615, max 191_181,
			// average 23_302, median 17_256,
			// p75 18_960, p95 29_141, p99 191_181.
			write: 23_302 * constants::WEIGHT_REF_TIME_PER_NANOS,
		};
	}

	#[cfg(test)]
	mod test_db_weights {
		use super::ParityDbWeight as W;
		use polkadot_sdk::frame_support::weights::constants;

		/// The measured weights are sane: between 1 µs and 1 ms per item.
		#[test]
		fn bound() {
			for one in [W::get().reads(1).ref_time(), W::get().writes(1).ref_time()] {
				assert!(one >= constants::WEIGHT_REF_TIME_PER_MICROS, "below 1 µs: {one}");
				assert!(one <= constants::WEIGHT_REF_TIME_PER_MILLIS, "above 1 ms: {one}");
			}
		}
	}
}
