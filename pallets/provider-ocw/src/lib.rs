//! # Provider OCW Pallet
//!
//! The provider's side of the marketplace, run by the off-chain worker of a provider's node.
//!
//! ## Overview
//!
//! On every imported block, for each provider key in the node's keystore (key type `infr`,
//! see [`crypto`]) — the provider's own key or, better, the key of the *operator* the provider
//! named (`pallet-provider-staking`'s `set_operator`: it may answer jobs and nothing else) —
//! the off-chain worker finds the open jobs assigned to that provider, reads
//! each job's input from the off-chain index (written by `pallet-job-escrow` at submission),
//! POSTs the inputs to the provider's inference worker all at once (so the worker batches them),
//! checks each attested answer and submits it as a signed transaction of the key's account:
//!
//! - every job: `commit_result` with `blake2(vote_digest ‖ salt ‖ provider)`, then, once the
//!   job reaches its reveal phase, `reveal_result` with the salt kept in local storage;
//! - as an arbitrator (drawn when a job's providers split): the same commit and reveal. Once a
//!   job is in arbitration, its own providers have nothing left to send.
//!
//! An answer is an output or the worker's *signed refusal* (the model cannot answer the input:
//! its output is not finite, or its forward pass failed): both are sent the same way, since the
//! chain votes on refusals like on outputs.
//!
//! ## Design
//!
//! - **Nothing twice.** Each (job, provider) pair is guarded by a storage lock while it is
//!   processed, and its progress is recorded in the node's off-chain database ([`progress`]).
//!   When runs for consecutive blocks overlap, only the newest starts new steps
//!   ([`progress::start_run`]): older ones read chain state in which answered jobs look open.
//!   (An older run still sends the answers its worker batch returns: those jobs are locked.)
//!   A submitted step is only resubmitted if the chain has not seen it after
//!   [`Config::ResubmitAfter`] blocks, and then with its first transaction's nonce while the
//!   chain has not used it ([`progress::nonce_for`]): of the two, only one can be included, so a
//!   slow chain never charges a provider twice for one answer. A restarted node resumes from
//!   those records.
//! - **Never stall block import.** Off-chain workers run beside import; a run's batch of worker
//!   calls shares one deadline ([`Config::WorkerTimeoutMs`]), a run loads at most one model,
//!   and one run handles at most [`Config::MaxJobsPerRun`] jobs.
//! - **Backoff.** A failing worker call (down, queue full, model not loadable) is retried after
//!   1, 2, 4, … up to 32 blocks, while the job's deadline allows.
//! - **Never post a wrong answer.** An output must hash to its outcome and a refusal come
//!   without output ([`WorkerClient`] checks both as it decodes), an output must have the job's
//!   canonical length, and either must carry a signature by the provider's registered worker
//!   key for this chain ([`Failure`] names what was wrong);
//!   otherwise nothing is submitted (a missed deadline costs the timeout slash, a bad answer
//!   more).
//! - **Many transactions per block.** The chain's account nonce only moves when transactions are
//!   included, so this pallet numbers its transactions itself ([`progress::take_nonce`]).
//!
//! ## Terms
//!
//! - *Worker URL*: where the inference worker listens; the node writes it to off-chain storage
//!   under [`WORKER_URL_KEY`] from `--inference-worker-url` (default [`DEFAULT_WORKER_URL`]).
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod crypto;
pub mod progress;
pub mod worker_rpc;

use alloc::{string::String, vec::Vec};
use core::fmt;
use frame::{
	deps::{
		sp_io,
		sp_runtime::offchain::{
			storage::StorageValueRef,
			storage_lock::{BlockAndTime, StorageLock},
			Duration,
		},
	},
	prelude::*,
};
use infera_primitives::{
	attestation::WorkerSignature,
	digest,
	traits::{ModelArtifacts, ModelRegistry, ProviderRegistry},
	Digest, JobId,
};
use pallet_job_escrow::{
	answer::AnswerFault, commitment_of, input_key, Answer, Attestation, Job, JobStatus,
};
use progress::{RevealSecret, Step};
use worker_rpc::{CallError, InferRequest, Inference, WorkerClient};

pub use pallet::*;

/// Off-chain storage key (`PERSISTENT`) of the inference worker's URL.
pub const WORKER_URL_KEY: &[u8] = b"infera/worker-url";
/// The worker URL used when the node was given none.
pub const DEFAULT_WORKER_URL: &str = "http://127.0.0.1:9960";
/// Off-chain storage key (`PERSISTENT`) of the worker token (`--inference-worker-token-file`),
/// sent as `Authorization: Bearer <token>`; absent when the node was given none.
pub const WORKER_TOKEN_KEY: &[u8] = b"infera/worker-token";
/// Longest backoff after worker failures, in blocks.
const MAX_BACKOFF_BLOCKS: u32 = 32;

/// Why a job got no answer from this node in a run (it is retried after a backoff).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Failure {
	/// The job's input is not in the off-chain index (node without
	/// `--enable-offchain-indexing`?).
	InputMissing,
	/// The indexed input does not hash to the job's input hash.
	InputHashMismatch,
	/// The job's model is no longer registered.
	ModelGone,
	/// The worker could not load the job's model.
	LoadFailed(CallError),
	/// The worker call failed.
	Worker(CallError),
	/// The chain would refuse the worker's answer, for this reason.
	Rejected(AnswerFault),
}

impl fmt::Display for Failure {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Failure::InputMissing => write!(
				f,
				"input not in the off-chain index (node without --enable-offchain-indexing?)"
			),
			Failure::InputHashMismatch => {
				write!(f, "indexed input does not match the job's input hash")
			}
			Failure::ModelGone => write!(f, "the job's model is no longer registered"),
			Failure::LoadFailed(e) => write!(f, "loading the model: {e:?}"),
			Failure::Worker(e) => write!(f, "worker: {e:?}"),
			Failure::Rejected(fault) => write!(f, "the chain would refuse the answer: {fault:?}"),
		}
	}
}

/// The next thing a provider has to send for a job.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
	/// Commit to the result (commit phase).
	Commit,
	/// Reveal the committed result (reveal phase).
	Reveal,
}

/// One job a run acts on, for one of the node's provider accounts.
struct Task<'a, T: Config> {
	/// The keystore account that signs: the provider's, or its operator's.
	account: &'a Account<T>,
	/// The provider the job is assigned to, on whose behalf `account` answers.
	provider: T::AccountId,
	job_id: JobId,
	job: Job<T>,
	action: Action,
}

impl<T: Config> Task<'_, T> {
	/// Off-chain storage key of the lock that keeps concurrent runs off this task.
	fn lock_key(&self) -> Vec<u8> {
		let mut key = b"infera/ocw/lock/".to_vec();
		(self.job_id, &self.provider).encode_to(&mut key);
		key
	}

	/// The worker request that answers this task's job on `input`, for the chain with
	/// `genesis_hash`.
	fn infer_request<'r>(
		&'r self,
		input: &'r [u8],
		genesis_hash: &'r infera_primitives::Hash,
	) -> InferRequest<'r> {
		InferRequest {
			genesis_hash,
			model: &self.job.model_hash,
			input,
			job_id: self.job_id,
			input_hash: &self.job.input_hash,
		}
	}
}

/// What a task needs in this run, from what the node recorded of it.
enum Plan<T: Config> {
	/// Nothing: a sent step is not due for resending yet, a failure's backoff runs, or a reveal
	/// is due but this node lost the commit's secret.
	Wait,
	/// Send this call (a commit to resend, or a reveal).
	Send(pallet_job_escrow::Call<T>),
	/// Ask the worker; `attempts` calls in a row failed before.
	Infer {
		/// Consecutive failures so far.
		attempts: u32,
	},
}

/// What `provider` must do next for `job` at block `now`, if anything.
pub fn next_action<T: pallet_job_escrow::Config>(
	job: &Job<T>,
	provider: &T::AccountId,
	now: BlockNumberFor<T>,
) -> Option<Action> {
	// Only the current round answers: the providers, or the arbitrators once drawn.
	let answer = job.acting().iter().find(|a| &a.provider == provider)?.answer;
	// What is sent now lands in the next block at the earliest: a step that could only land
	// after its window is not a valid transaction, and its nonce would be left as a gap.
	let in_time = |deadline: BlockNumberFor<T>| now.saturating_add(One::one()) < deadline;
	match (job.status, answer) {
		(JobStatus::Pending { deadline }, Answer::Pending) if in_time(deadline) => {
			Some(Action::Commit)
		}
		(JobStatus::Revealing { deadline }, Answer::Committed(_)) if in_time(deadline) => {
			Some(Action::Reveal)
		}
		_ => None,
	}
}

#[frame::pallet]
pub mod pallet {
	use super::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config
		+ CreateSignedTransaction<pallet_job_escrow::Call<Self>>
		+ pallet_job_escrow::Config
	{
		/// Where model artifacts are fetched from (the model registry).
		type Artifacts: ModelArtifacts;

		/// The provider key's crypto (see [`crypto::ProviderAuthId`]).
		type AuthorityId: AppCrypto<Self::Public, Self::Signature>;

		/// Milliseconds one call, or one run's batch of calls sent together, to the inference
		/// worker may take. A batch of digit
		/// classifications takes a few milliseconds; model loading up to seconds.
		#[pallet::constant]
		type WorkerTimeoutMs: Get<u64>;

		/// Blocks to wait for a submitted transaction before submitting it again (and before
		/// restarting nonce numbering at the chain's nonce).
		#[pallet::constant]
		type ResubmitAfter: Get<BlockNumberFor<Self>>;

		/// Most jobs one off-chain worker run handles, bounding its time.
		#[pallet::constant]
		type MaxJobsPerRun: Get<u32>;
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn offchain_worker(now: BlockNumberFor<T>) {
			Self::serve_assigned_jobs(now);
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The worker URL this node was configured with.
	fn worker_url() -> String {
		StorageValueRef::persistent(WORKER_URL_KEY)
			.get::<Vec<u8>>()
			.ok()
			.flatten()
			.and_then(|raw| String::from_utf8(raw).ok())
			.unwrap_or_else(|| DEFAULT_WORKER_URL.into())
	}

	/// Serves every open job assigned to a provider key of this node.
	///
	/// Each job is taken under a lock, so no concurrent run does the same. Steps that need no
	/// inference (resending a commit, revealing) are sent at once; the run's inferences are then
	/// sent to the worker all together, so it batches them instead of answering one job per
	/// round trip.
	pub fn serve_assigned_jobs(now: BlockNumberFor<T>) {
		let accounts: Vec<_> = Signer::<T, T::AuthorityId>::keystore_accounts().collect();
		if accounts.is_empty() {
			return;
		}
		if !progress::start_run(now) {
			log::debug!(target: "infera-ocw", "block {now:?}: a later block's run has started; skipping");
			return;
		}
		progress::prune::<T::AccountId>(|job_id| {
			pallet_job_escrow::Jobs::<T>::get(job_id).is_some_and(|job| job.is_open())
		});
		let tasks = Self::tasks(&accounts, now);
		let lock_keys: Vec<Vec<u8>> = tasks.iter().map(Task::lock_key).collect();
		let lock_for = Duration::from_millis(T::WorkerTimeoutMs::get().saturating_mul(3));
		let mut locks: Vec<_> = lock_keys
			.iter()
			.map(|key| {
				StorageLock::<BlockAndTime<frame_system::Pallet<T>>>::with_block_and_time_deadline(
					key, 1, lock_for,
				)
			})
			.collect();
		// Held until the run ends.
		let mut guards = Vec::with_capacity(locks.len());
		let mut to_infer = Vec::new();
		for (task, lock) in tasks.iter().zip(locks.iter_mut()) {
			let Ok(guard) = lock.try_lock() else { continue };
			guards.push(guard);
			let Some(plan) = Self::plan(task, now) else {
				log::debug!(target: "infera-ocw", "block {now:?}: a later block's run took over");
				return;
			};
			match plan {
				Plan::Wait => {}
				Plan::Send(call) => Self::submit(task, call, now),
				Plan::Infer { attempts } => match Self::indexed_input(task) {
					Ok(input) => to_infer.push((task, attempts, input)),
					Err(reason) => Self::record_failure(task, attempts, &reason, now),
				},
			}
		}

		let url = Self::worker_url();
		let client = WorkerClient::new(&url, T::WorkerTimeoutMs::get());
		let answers = Self::infer_all(&client, &to_infer);
		for ((task, attempts, _), answer) in to_infer.iter().zip(answers) {
			let checked = answer.and_then(|inference| {
				Self::check(task, &inference)?;
				Ok(inference)
			});
			match checked {
				Ok(inference) => {
					let call = Self::answer_call(task, inference, now);
					Self::submit(task, call, now);
				}
				Err(reason) => Self::record_failure(task, *attempts, &reason, now),
			}
		}
		drop(guards);
	}

	/// The run's work: the open jobs assigned to `accounts` that need a step from them, at most
	/// [`Config::MaxJobsPerRun`].
	fn tasks(accounts: &[Account<T>], now: BlockNumberFor<T>) -> Vec<Task<'_, T>> {
		let budget = T::MaxJobsPerRun::get() as usize;
		let mut tasks = Vec::new();
		let mut served = Vec::new();
		for account in accounts {
			let provider = <T as pallet_job_escrow::Config>::Providers::acting_for(&account.id);
			// A keystore with both the provider's and its operator's key serves it once.
			if served.contains(&provider) {
				continue;
			}
			served.push(provider.clone());
			for job_id in pallet_job_escrow::AssignedJobs::<T>::iter_key_prefix(&provider) {
				if tasks.len() == budget {
					log::debug!(target: "infera-ocw", "job budget of this run spent; rest next block");
					return tasks;
				}
				let Some(job) = pallet_job_escrow::Jobs::<T>::get(job_id) else { continue };
				let Some(action) = next_action(&job, &provider, now) else { continue };
				tasks.push(Task { account, provider: provider.clone(), job_id, job, action });
			}
		}
		tasks
	}

	/// What `task` needs now, from what this node recorded of it; `None` once a later block's
	/// run has started (this run must stop). Records the steps it prepares (a reveal, a resent
	/// commit) before they are sent, so a crash cannot lose them.
	fn plan(task: &Task<'_, T>, now: BlockNumberFor<T>) -> Option<Plan<T>> {
		let (job_id, provider) = (task.job_id, &task.provider);
		let recorded = progress::load(job_id, provider);
		// Checked after loading and before saving anything: a newer run registers before it
		// prunes, so a record read without a newer run registered cannot have been pruned.
		if progress::superseded(now) {
			return None;
		}
		let resubmit_after = T::ResubmitAfter::get();
		let waiting = |at: BlockNumberFor<T>| now < at.saturating_add(resubmit_after);
		let plan = match (task.action, recorded) {
			(_, Some(Step::Failed { retry_at, .. })) if now < retry_at => Plan::Wait,
			(Action::Commit, Some(Step::Committed { at, .. })) if waiting(at) => Plan::Wait,
			(Action::Reveal, Some(Step::Revealed { at, .. })) if waiting(at) => Plan::Wait,
			// A commit whose transaction got lost: commit the same secret again.
			(Action::Commit, Some(Step::Committed { secret, .. })) => {
				Plan::Send(Self::commit_call(job_id, provider, secret, now))
			}
			(
				Action::Reveal,
				Some(Step::Committed { secret, .. } | Step::Revealed { secret, .. }),
			) => {
				progress::save(
					job_id,
					provider,
					&Step::Revealed { at: now, secret: secret.clone() },
				);
				Plan::Send(pallet_job_escrow::Call::<T>::reveal_result {
					job_id,
					output: BoundedVec::truncate_from(secret.output),
					salt: secret.salt,
					attestation: secret.attestation,
				})
			}
			(Action::Reveal, _) => {
				log::error!(
					target: "infera-ocw",
					"job {job_id}: reveal phase but this node has no commit secret (local storage lost?)"
				);
				Plan::Wait
			}
			(Action::Commit, recorded) => Plan::Infer {
				attempts: match recorded {
					Some(Step::Failed { attempts, .. }) => attempts,
					_ => 0,
				},
			},
		};
		Some(plan)
	}

	/// Records the worker's failure for `task` (its `attempts + 1`th in a row) and when to try
	/// again: after 1, 2, 4, … up to [`MAX_BACKOFF_BLOCKS`] blocks.
	fn record_failure(task: &Task<'_, T>, attempts: u32, reason: &Failure, now: BlockNumberFor<T>) {
		let backoff = 1u32 << attempts.min(5);
		let retry_at = now.saturating_add(backoff.min(MAX_BACKOFF_BLOCKS).into());
		log::warn!(
			target: "infera-ocw",
			"job {}: no answer yet ({reason}); attempt {} failed, retry in {backoff} blocks",
			task.job_id,
			attempts + 1,
		);
		let failed = Step::Failed { attempts: attempts.saturating_add(1), retry_at };
		progress::save(task.job_id, &task.provider, &failed);
	}

	/// The call that sends a checked answer: its `commit_result` (the reveal follows once the
	/// reveal phase opens).
	fn answer_call(
		task: &Task<'_, T>,
		inference: Inference,
		now: BlockNumberFor<T>,
	) -> pallet_job_escrow::Call<T> {
		let attestation = Attestation {
			outcome: inference.outcome,
			signature: WorkerSignature::from_raw(inference.signature),
		};
		let secret = RevealSecret {
			salt: sp_io::offchain::random_seed(),
			attestation,
			output: inference.output,
		};
		Self::commit_call(task.job_id, &task.provider, secret, now)
	}

	/// Records the commit secret (before anything is sent, so a crash cannot lose it) and
	/// builds the `commit_result` call; the commitment binds `provider`, whoever signs it.
	fn commit_call(
		job_id: JobId,
		provider: &T::AccountId,
		secret: RevealSecret,
		now: BlockNumberFor<T>,
	) -> pallet_job_escrow::Call<T> {
		let digest = secret.attestation.outcome.vote_digest();
		let commitment = commitment_of(&digest, &secret.salt, provider);
		progress::save(job_id, provider, &Step::Committed { at: now, secret });
		pallet_job_escrow::Call::<T>::commit_result { job_id, commitment }
	}

	/// The job's input from the off-chain index, checked against its on-chain hash.
	fn indexed_input(task: &Task<'_, T>) -> Result<Vec<u8>, Failure> {
		let input = sp_io::offchain::local_storage_get(
			frame::deps::sp_core::offchain::StorageKind::PERSISTENT,
			&input_key(task.job_id, &task.job.input_hash),
		)
		.ok_or(Failure::InputMissing)?;
		if digest(&input) != task.job.input_hash {
			return Err(Failure::InputHashMismatch);
		}
		Ok(input)
	}

	/// Asks the worker for every `(task, _, input)` at once. If it has not loaded a job's model,
	/// one such model is loaded from its registered URI and its jobs asked again; the jobs of
	/// other unloaded models fail this run (and retry after the backoff). So a run takes at most
	/// three worker deadlines (ask, load, ask again), which the task locks outlast.
	fn infer_all(
		client: &WorkerClient,
		batch: &[(&Task<'_, T>, u32, Vec<u8>)],
	) -> Vec<Result<Inference, Failure>> {
		let unknown_model = |a: &Result<Inference, CallError>| {
			matches!(a, Err(CallError::Rpc { code: worker_rpc::UNKNOWN_MODEL, .. }))
		};
		let genesis_hash = pallet_job_escrow::Pallet::<T>::genesis_hash();
		let requests: Vec<_> =
			batch.iter().map(|(task, _, input)| task.infer_request(input, &genesis_hash)).collect();
		let mut answers = client.infer_all(&requests);
		// The first unloaded model, and whether loading it worked.
		let mut loaded: Option<(Digest, Result<(), Failure>)> = None;
		let mut again = Vec::new();
		for (i, answer) in answers.iter().enumerate() {
			if !unknown_model(answer) {
				continue;
			}
			let job = &batch[i].0.job;
			let (model, result) =
				loaded.get_or_insert_with(|| (job.model_hash, Self::load_model(client, job)));
			if *model == job.model_hash && result.is_ok() {
				again.push(i);
			}
		}
		let retried =
			client.infer_all(&again.iter().map(|&i| requests[i].clone()).collect::<Vec<_>>());
		for (i, answer) in again.into_iter().zip(retried) {
			answers[i] = answer;
		}
		answers
			.into_iter()
			.zip(batch)
			.map(|(answer, (task, _, _))| {
				answer.map_err(|e| match &loaded {
					Some((model, Err(load_failure))) if *model == task.job.model_hash => {
						load_failure.clone()
					}
					_ => Failure::Worker(e),
				})
			})
			.collect()
	}

	/// Asks the worker to load the job's model from the URI registered on chain.
	fn load_model(client: &WorkerClient, job: &Job<T>) -> Result<(), Failure> {
		let model =
			<T as pallet_job_escrow::Config>::Models::model(job.model).ok_or(Failure::ModelGone)?;
		let uri = T::Artifacts::artifact_uri(job.model).ok_or(Failure::ModelGone)?;
		client
			.load_model(&job.model_hash, &uri, &model.input, &model.output, &model.rule)
			.map_err(Failure::LoadFailed)
	}

	/// Refuses answers the chain would reject, by the chain's own check
	/// ([`pallet_job_escrow::Pallet::check_answer`]): the output's length and hash, and a
	/// signature by the provider's registered worker key over this chain, job, model, input and
	/// outcome.
	fn check(task: &Task<'_, T>, inference: &Inference) -> Result<(), Failure> {
		let attestation = Attestation {
			outcome: inference.outcome,
			signature: WorkerSignature::from_raw(inference.signature),
		};
		pallet_job_escrow::Pallet::<T>::check_answer(
			task.job_id,
			&task.job,
			&task.provider,
			&inference.output,
			&attestation,
		)
		.map(|_| ())
		.map_err(Failure::Rejected)
	}

	/// Signs `call` (the task's step) with the provider's key and puts it in the transaction
	/// pool, with the nonce of the step's earlier transaction if it is sent again
	/// ([`progress::nonce_for`]).
	fn submit(task: &Task<'_, T>, call: pallet_job_escrow::Call<T>, now: BlockNumberFor<T>) {
		let (account, job_id) = (task.account, task.job_id);
		let chain_nonce = frame_system::Pallet::<T>::account_nonce(&account.id);
		let nonce = progress::nonce_for(
			job_id,
			&task.provider,
			task.action,
			&account.id,
			chain_nonce,
			now,
			T::ResubmitAfter::get(),
		);
		let submitted = T::create_signed_transaction::<T::AuthorityId>(
			call.into(),
			account.public.clone(),
			account.id.clone(),
			nonce,
		)
		.ok_or(())
		.and_then(SubmitTransaction::<T, pallet_job_escrow::Call<T>>::submit_transaction);
		match submitted {
			Ok(()) => {
				log::info!(target: "infera-ocw", "job {job_id}: transaction submitted (nonce {nonce:?})")
			}
			Err(()) => log::warn!(
				target: "infera-ocw",
				"job {job_id}: transaction refused by the pool (nonce {nonce:?}: a copy sent earlier may still wait there); retried later"
			),
		}
	}
}
