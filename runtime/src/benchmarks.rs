//! The pallets benchmarked by `infera-node benchmark pallet` (frame-benchmarking v2), and the
//! helper that gives the job pallet's benchmarks real models and providers.

use crate::{
	governance::parameters::MinProviderStake, AccountId, Balances, ModelRegistry, ProviderStaking,
	Runtime, RuntimeOrigin,
};
use alloc::vec;
use infera_primitives::{
	attestation::WorkerPublic,
	model::{AgreementRule, DType, TensorSpec},
	ModelId,
};
use polkadot_sdk::{
	frame_support::traits::{fungible::Mutate, Get},
	sp_core::crypto::KeyTypeId,
	sp_runtime::{traits::Zero, DispatchError},
	*,
};

// Expanded in `apis.rs` (the benchmark runtime API), hence the full paths.
polkadot_sdk::frame_benchmarking::define_benchmarks!(
	[frame_benchmarking::baseline, BaselineBench::<crate::Runtime>]
	[frame_system, SystemBench::<crate::Runtime>]
	[pallet_balances, crate::Balances]
	[pallet_timestamp, crate::Timestamp]
	[pallet_sudo, crate::Sudo]
	[pallet_model_registry, crate::ModelRegistry]
	[pallet_provider_staking, crate::ProviderStaking]
	[pallet_job_escrow, crate::JobEscrow]
);

/// Registers real models and providers through the registry and staking pallets.
pub struct MarketplaceBenchmarkHelper;

/// Key type under which the job pallet's benchmarks keep their worker keys in the benchmark
/// keystore: registering a worker key needs the key's own signature over its
/// [`infera_primitives::attestation::WorkerKeyProof`].
const JOB_BENCHMARK_WORKER_KEY_TYPE: KeyTypeId = pallet_job_escrow::benchmarking::KEY_TYPE;

/// Plenty for any deposit or bond a benchmark needs.
fn fund(who: &AccountId) {
	let _ = Balances::mint_into(who, 1_000_000 * crate::UNIT);
}

fn bytes_spec(len: u32) -> TensorSpec {
	TensorSpec { dtype: DType::U8, shape: vec![len].try_into().unwrap_or_default() }
}

impl pallet_job_escrow::BenchmarkHelper<AccountId> for MarketplaceBenchmarkHelper {
	fn create_model(input_len: u32, output_len: u32) -> Result<ModelId, DispatchError> {
		let owner: AccountId = frame_benchmarking::account("model-author", 0, 0);
		fund(&owner);
		let id = pallet_model_registry::NextModelId::<Runtime>::get();
		ModelRegistry::register_model(
			RuntimeOrigin::signed(owner),
			alloc::format!("bench-{id}").into_bytes(),
			[7u8; 32],
			b"file:///models/bench.pt".to_vec(),
			bytes_spec(input_len),
			bytes_spec(output_len),
			AgreementRule::Exact,
			Zero::zero(),
		)?;
		Ok(id)
	}

	fn create_provider(
		model: ModelId,
		who: &AccountId,
		worker: WorkerPublic,
		capacity: u32,
	) -> Result<(), DispatchError> {
		fund(who);
		let proof =
			ProviderStaking::sign_worker_key_proof(JOB_BENCHMARK_WORKER_KEY_TYPE, who, &worker)
				.ok_or(DispatchError::Other("worker key not in the benchmark keystore"))?;
		ProviderStaking::register_provider(
			RuntimeOrigin::signed(who.clone()),
			MinProviderStake::get(),
			worker,
			proof,
			vec![model],
			capacity,
			crate::MILLI_UNIT,
		)
	}
}
