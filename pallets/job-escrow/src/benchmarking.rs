//! Benchmarks of the job pallet (frame-benchmarking v2).
//!
//! Worst cases: maximal input and output, maximal redundancy, as many eligible candidates as
//! `MaxCandidates`, and settlements that both pay and slash. `submit_job` is measured in three
//! additive parts (see `Pallet::submit_job_weight`), so the cost of small calls is not
//! extrapolated from 128-candidate, 256 KiB ones. Models and providers come from
//! `Config::BenchmarkHelper`; worker keys live in the benchmark's keystore (the CLI provides
//! one), so attestations are real sr25519 signatures verified by the pallet.

#![cfg(feature = "runtime-benchmarks")]

use super::*;
use crate::Pallet as JobEscrow;
use alloc::vec;
use frame::{
	benchmarking::prelude::*,
	deps::{sp_core::crypto::KeyTypeId, sp_io},
};
use infera_primitives::attestation::WorkerPublic;

/// Key type of the benchmark's worker keys (the runtime's `BenchmarkHelper` signs their
/// proofs of possession with it).
pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"ijeb");
const SEED: u32 = 0;
/// Most deadlines `process_deadlines` is measured with: its cost is linear in them, and setting
/// up a full queue (`MaxDeadlinesPerBlock` jobs of maximal redundancy) would take hours.
const BENCH_MAX_DEADLINES: u32 = 32;
/// Most expiries `expire_jobs` is measured with (linear in them, like deadlines).
const BENCH_MAX_EXPIRIES: u32 = 128;

/// A model with providers, for one benchmark.
struct Setup<T: Config> {
	model: ModelId,
	providers: Vec<(T::AccountId, WorkerPublic)>,
}

impl<T: Config> Setup<T> {
	/// A model with `input_len` / `output_len` and `providers` providers of `capacity` slots.
	fn new(
		input_len: u32,
		output_len: u32,
		providers: u32,
		capacity: u32,
	) -> Result<Self, BenchmarkError> {
		let model = T::BenchmarkHelper::create_model(input_len, output_len)?;
		let mut list = Vec::new();
		for i in 0..providers {
			let who: T::AccountId = account("provider", i, SEED);
			let key = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
			T::BenchmarkHelper::create_provider(model, &who, key, capacity)?;
			list.push((who, key));
		}
		Ok(Setup { model, providers: list })
	}

	fn key_of(&self, who: &T::AccountId) -> Result<WorkerPublic, BenchmarkError> {
		self.providers
			.iter()
			.find(|(p, _)| p == who)
			.map(|(_, k)| *k)
			.ok_or(BenchmarkError::Stop("assigned provider unknown"))
	}
}

fn funded_user<T: Config>() -> T::AccountId {
	let user: T::AccountId = whitelisted_caller();
	let funds = BalanceOf::<T>::max_value() / 1_000_000u32.into();
	T::Currency::set_balance(&user, funds);
	user
}

fn submit<T: Config>(
	user: &T::AccountId,
	model: ModelId,
	input_len: u32,
	redundancy: u32,
) -> Result<JobId, BenchmarkError> {
	let id = NextJobId::<T>::get();
	let input = BoundedVec::try_from(vec![1u8; input_len as usize])
		.map_err(|_| BenchmarkError::Stop("input too long"))?;
	JobEscrow::<T>::submit_job(
		RawOrigin::Signed(user.clone()).into(),
		model,
		input,
		BalanceOf::<T>::max_value(),
		Some(redundancy),
	)
	.map_err(|e| e.error)?;
	Ok(id)
}

fn providers_of<T: Config>(job_id: JobId) -> Result<Vec<T::AccountId>, BenchmarkError> {
	let job = Jobs::<T>::get(job_id).ok_or(BenchmarkError::Stop("no job"))?;
	Ok(job.assignments.iter().map(|a| a.provider.clone()).collect())
}

fn attest<T: Config>(
	job_id: JobId,
	key: &WorkerPublic,
	output: &[u8],
) -> Result<Attestation, BenchmarkError> {
	let job = Jobs::<T>::get(job_id).ok_or(BenchmarkError::Stop("no job"))?;
	let outcome = Outcome::Output(infera_primitives::digest(output));
	let payload = AttestationPayload {
		genesis_hash: JobEscrow::<T>::genesis_hash(),
		job_id,
		model_hash: job.model_hash,
		input_hash: job.input_hash,
		outcome,
	};
	let signature = sp_io::crypto::sr25519_sign(KEY_TYPE, key, &payload.encode())
		.ok_or(BenchmarkError::Stop("signing failed"))?;
	Ok(Attestation { outcome, signature })
}

fn salt_of(i: usize) -> [u8; 32] {
	[i as u8; 32]
}

fn commit<T: Config>(job_id: JobId, who: &T::AccountId, i: usize, output: &[u8]) -> DispatchResult {
	let c = commitment_of(&infera_primitives::digest(output), &salt_of(i), who);
	JobEscrow::<T>::commit_result(RawOrigin::Signed(who.clone()).into(), job_id, c)
		.map(|_| ())
		.map_err(|e| e.error)
}

fn reveal<T: Config>(
	setup: &Setup<T>,
	job_id: JobId,
	who: &T::AccountId,
	i: usize,
	output: &[u8],
) -> Result<(), BenchmarkError> {
	let att = attest::<T>(job_id, &setup.key_of(who)?, output)?;
	let bounded =
		BoundedVec::try_from(output.to_vec()).map_err(|_| BenchmarkError::Stop("output"))?;
	JobEscrow::<T>::reveal_result(
		RawOrigin::Signed(who.clone()).into(),
		job_id,
		bounded,
		salt_of(i),
		att,
	)
	.map_err(|e| e.error)?;
	Ok(())
}

fn max_input<T: Config>() -> u32 {
	JobEscrow::<T>::max_input_bytes().max(1)
}

fn max_output<T: Config>() -> u32 {
	JobEscrow::<T>::max_output_bytes().max(1)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A submission with a one-byte input and one provider drawn, among `c` eligible candidates
	/// (each one read); see `Pallet::submit_job_weight` for the parts measured apart.
	#[benchmark]
	fn submit_job(c: Linear<1, { T::MaxCandidates::get() }>) -> Result<(), BenchmarkError> {
		let setup = Setup::<T>::new(1, 1, c, 1)?;
		let user = funded_user::<T>();
		let input = BoundedVec::try_from(vec![1u8]).map_err(|_| BenchmarkError::Stop("input"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(user), setup.model, input, BalanceOf::<T>::max_value(), Some(1));

		let job = Jobs::<T>::get(0).ok_or(BenchmarkError::Stop("no job"))?;
		assert_eq!(job.redundancy(), 1);
		Ok(())
	}

	/// The work `submit_job` does per drawn provider: drawing `r` of the most candidates and
	/// reserving a slot of each ([`Pallet::draw`], [`Pallet::reserve_slots`]).
	#[benchmark]
	fn submit_job_providers(
		r: Linear<1, { T::MaxRedundancy::get() }>,
	) -> Result<(), BenchmarkError> {
		let setup = Setup::<T>::new(1, 1, T::MaxCandidates::get().max(r), 1)?;
		let candidates = T::Providers::eligible_providers(setup.model);
		let picked;

		#[block]
		{
			picked = JobEscrow::<T>::draw(candidates, r, 0, crate::assignment::ASSIGN_SUBJECT);
			JobEscrow::<T>::reserve_slots(0, &picked)?;
		}

		assert_eq!(picked.len() as u32, r);
		assert!(picked.iter().all(|p| AssignedJobs::<T>::contains_key(&p.who, 0)));
		Ok(())
	}

	/// The work `submit_job` does per input byte: hashing the input and writing it to the
	/// off-chain index ([`Pallet::record_input`], its only input-sized work).
	#[benchmark]
	fn submit_job_input(i: Linear<1, { T::MaxInputBytes::get() }>) -> Result<(), BenchmarkError> {
		let input = vec![1u8; i.min(max_input::<T>()) as usize];
		let hash;

		#[block]
		{
			hash = JobEscrow::<T>::record_input(0, &input);
		}

		assert_eq!(hash, infera_primitives::digest(&input));
		Ok(())
	}

	#[benchmark]
	fn commit_result(
		r: Linear<2, { T::MaxRedundancy::get().max(2) }>,
	) -> Result<(), BenchmarkError> {
		let setup = Setup::<T>::new(1, 1, r, 1)?;
		let user = funded_user::<T>();
		let id = submit::<T>(&user, setup.model, 1, r)?;
		let mut providers = providers_of::<T>(id)?;
		let last = providers.pop().ok_or(BenchmarkError::Stop("no provider"))?;
		for (i, p) in providers.iter().enumerate() {
			commit::<T>(id, p, i, &[7u8])?;
		}
		let c = commitment_of(&infera_primitives::digest(&[7u8]), &salt_of(99), &last);

		// The last commitment opens the reveal phase.
		#[extrinsic_call]
		_(RawOrigin::Signed(last), id, c);

		let job = Jobs::<T>::get(id).ok_or(BenchmarkError::Stop("no job"))?;
		assert!(matches!(job.status, JobStatus::Revealing { .. }));
		Ok(())
	}

	#[benchmark]
	fn reveal_result(
		o: Linear<1, { T::MaxOutputBytes::get() }>,
		r: Linear<2, { T::MaxRedundancy::get().max(2) }>,
	) -> Result<(), BenchmarkError> {
		let o = o.min(max_output::<T>());
		let setup = Setup::<T>::new(1, o, r, 1)?;
		let user = funded_user::<T>();
		let id = submit::<T>(&user, setup.model, 1, r)?;
		let providers = providers_of::<T>(id)?;
		let output = vec![7u8; o as usize];
		for (i, p) in providers.iter().enumerate() {
			commit::<T>(id, p, i, &output)?;
		}
		let last = providers.len() - 1;
		for (i, p) in providers.iter().enumerate().take(last) {
			reveal::<T>(&setup, id, p, i, &output)?;
		}
		let who = providers[last].clone();
		let att = attest::<T>(id, &setup.key_of(&who)?, &output)?;
		let output =
			BoundedVec::try_from(output).map_err(|_| BenchmarkError::Stop("output too long"))?;

		// The last reveal settles the job, paying every provider.
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id, output, salt_of(last), att);

		assert!(Results::<T>::contains_key(id));
		Ok(())
	}

	/// [`crate::ValidateAnswer`]'s check of a transaction's answer ([`Pallet::answer_window`]),
	/// run for every answer the pool or a block sees: the last provider of a job of redundancy
	/// `r` commits.
	#[benchmark]
	fn validate_answer(r: Linear<1, { T::MaxRedundancy::get() }>) -> Result<(), BenchmarkError> {
		let setup = Setup::<T>::new(1, 1, r, 1)?;
		let user = funded_user::<T>();
		let id = submit::<T>(&user, setup.model, 1, r)?;
		let last = providers_of::<T>(id)?.pop().ok_or(BenchmarkError::Stop("no provider"))?;
		let call = Call::<T>::commit_result { job_id: id, commitment: Default::default() };
		let window;

		#[block]
		{
			window = JobEscrow::<T>::answer_window(&last, &call);
		}

		assert!(matches!(window, Ok(Some(_))));
		Ok(())
	}

	#[benchmark]
	fn cancel_job(r: Linear<1, { T::MaxRedundancy::get() }>) -> Result<(), BenchmarkError> {
		let setup = Setup::<T>::new(1, 1, r, 1)?;
		let user = funded_user::<T>();
		let id = submit::<T>(&user, setup.model, 1, r)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(user), id);

		let job = Jobs::<T>::get(id).ok_or(BenchmarkError::Stop("no job"))?;
		assert!(job.cancel_at.is_some());
		Ok(())
	}

	/// `n` jobs of maximal redundancy and output reach their reveal deadline: a bare majority
	/// revealed (paid), the others committed but did not reveal (slashed).
	#[benchmark]
	fn process_deadlines(n: Linear<0, BENCH_MAX_DEADLINES>) -> Result<(), BenchmarkError> {
		let r = T::MaxRedundancy::get();
		let o = max_output::<T>();
		let setup = Setup::<T>::new(1, o, r, n.max(1))?;
		let user = funded_user::<T>();
		let output = vec![7u8; o as usize];
		let now = frame_system::Pallet::<T>::block_number();
		let (mut first, mut last) = (None, now);
		for _ in 0..n {
			let id = submit::<T>(&user, setup.model, 1, r)?;
			let providers = providers_of::<T>(id)?;
			if providers.len() > 1 {
				for (i, p) in providers.iter().enumerate() {
					commit::<T>(id, p, i, &output)?;
				}
				let majority = providers.len() / 2 + 1;
				if majority < providers.len() {
					for (i, p) in providers.iter().enumerate().take(majority) {
						reveal::<T>(&setup, id, p, i, &output)?;
					}
				}
			}
			let job = Jobs::<T>::get(id).ok_or(BenchmarkError::Stop("no job"))?;
			let (deadline, _) =
				job.status.deadline().ok_or(BenchmarkError::Stop("job settled early"))?;
			first = Some(first.map_or(deadline, |f: BlockNumberFor<T>| f.min(deadline)));
			last = last.max(deadline);
		}
		DeadlineCursor::<T>::put(first.unwrap_or(last));
		frame_system::Pallet::<T>::set_block_number(last);
		let last_deadline = last;

		#[block]
		{
			JobEscrow::<T>::process_deadlines(last_deadline, u32::MAX);
		}

		assert_eq!(Jobs::<T>::iter().filter(|(_, j)| j.is_open()).count(), 0);
		Ok(())
	}

	/// `n` completed jobs with maximal outputs expire.
	#[benchmark]
	fn expire_jobs(n: Linear<0, BENCH_MAX_EXPIRIES>) -> Result<(), BenchmarkError> {
		let o = max_output::<T>();
		let setup = Setup::<T>::new(1, o, 1, n.max(1))?;
		let user = funded_user::<T>();
		let output = vec![7u8; o as usize];
		for _ in 0..n {
			// Each job queues a commit and a reveal deadline: one job per block keeps every
			// block's queues far from full.
			let next = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
			frame_system::Pallet::<T>::set_block_number(next);
			let id = submit::<T>(&user, setup.model, 1, 1)?;
			let provider = providers_of::<T>(id)?.remove(0);
			commit::<T>(id, &provider, 0, &output)?;
			reveal::<T>(&setup, id, &provider, 0, &output)?;
		}
		let now = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::Parameters::result_retention());
		frame_system::Pallet::<T>::set_block_number(now);

		#[block]
		{
			JobEscrow::<T>::expire_jobs(now, n);
		}

		assert_eq!(Jobs::<T>::iter().count(), 0);
		Ok(())
	}

	impl_benchmark_test_suite!(JobEscrow, crate::mock::new_bench_ext(), crate::mock::Test);
}
