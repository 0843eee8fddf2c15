//! The pallets benchmarked by `infera-node benchmark pallet` (frame-benchmarking v2).

polkadot_sdk::frame_benchmarking::define_benchmarks!(
	[frame_benchmarking::baseline, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
);
