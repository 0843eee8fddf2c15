//! # Job Escrow Pallet
//!
//! The heart of the Infera marketplace: a user pays for one inference, the chain holds the money,
//! picks providers, accepts only attested answers from them, decides which answer is right, pays
//! everyone who earned it and slashes whoever cheated or vanished.
//!
//! ## Overview
//!
//! - [`Pallet::submit_job`]: a user submits an input for a model, with the most it will pay and
//!   optionally a redundancy (number of providers). The price is fixed, held from the user, and
//!   providers are assigned at once.
//! - [`Pallet::submit_result`] (redundancy 1): the provider sends the attested output; the job
//!   settles in the same transaction.
//! - [`Pallet::commit_result`] / [`Pallet::reveal_result`] (redundancy > 1): providers first commit
//!   to their output hash, then reveal the output once every provider committed or the commit
//!   deadline passed. The job settles as soon as every committed provider revealed, otherwise at
//!   the reveal deadline.
//! - [`Pallet::cancel_job`]: the user takes the job back, fully refunded, while no provider has
//!   committed or answered.
//! - `on_initialize`: processes due deadlines (bounded work per block) and removes expired jobs
//!   (bounded per block).
//!
//! ## Design
//!
//! **Price and escrow.** `price = Σ assigned providers' prices + author fee + protocol fee`, where
//! the protocol fee is [`JobParameters::protocol_fee`] (a `Perbill`) of the providers' sum. With
//! providers quoting the same price `p` this is `p × redundancy + fees`. The price depends on
//! which providers are drawn, so it is computed after the draw and the call fails with
//! [`Error::PriceAboveMax`] if it exceeds `max_price` (nothing held); a client that wants
//! certainty passes the worst case, [`Pallet::quote`]. The whole price is held from the user
//! under [`HoldReason::JobEscrow`] and every unit of it ends up paid out or released back: a
//! job's `held` field is the exact amount it holds, and for every user the balance on hold for
//! this reason equals the sum of `held` over their open jobs (checked by `try_state`).
//!
//! **Input.** The input is checked against the model's spec (exact byte length) and the
//! effective [`JobParameters::max_input_bytes`]. Its bytes are written to the off-chain
//! database with offchain indexing under [`input_key`] (format documented on
//! [`INPUT_KEY_PREFIX`]); only its blake2-256 hash and length go into state.
//!
//! **Assignment.** Eligible providers come from [`ProviderRegistry::eligible_providers`] (online,
//! serving the model, free capacity; at most `MaxCandidates` are considered). `redundancy` of
//! them are drawn by stake-weighted sampling *without replacement*: each draw picks a provider
//! with probability proportional to its stake among those not drawn yet. Each drawn provider's
//! capacity slot is reserved and the model's use count acquired; both are given back in every
//! way a job can end. Not enough eligible providers: [`Error::NotEnoughProviders`], nothing held.
//! While a job is open, each of its providers lists it in [`AssignedJobs`], so an off-chain
//! worker finds its work by prefix iteration.
//!
//! **Randomness and its limits.** The draw is seeded by `Config::Randomness` (with a subject
//! made of a domain tag and the job id), expanded with blake2-256 per draw. On-chain randomness
//! such as `pallet-insecure-randomness-collective-flip` is *predictable*: a user (or a block
//! author) knows the seed before the job is included and can time a submission so that it
//! lands on colluding providers, who could then agree on a wrong answer. The stake weighting
//! makes buying a majority expensive but does not remove the bias. The production upgrade is a
//! VRF source: BABE's `RandomnessFromOneEpochAgo` / `ParentBlockRandomness` implement the same
//! `Randomness` trait and plug in through the runtime's `Config` alone; stronger still is
//! deferring assignment to a block whose VRF output was unknown at submission (the returned
//! "known since" block number of `Randomness::random` is the hook for that).
//!
//! **Results and attestations.** An answer is accepted only from an assigned provider and only
//! with an [`Attestation`]: the blake2-256 of the output and an sr25519 signature by the
//! provider's registered worker key ([`ProviderRegistry::worker_key`]) over
//! `SCALE(AttestationPayload { job_id, model_hash, input_hash, output_hash })`. The output must
//! be exactly the model's canonical output length, at most the effective `max_output_bytes`, and
//! hash to the attested hash. Valid result, commit and reveal transactions are free
//! (`Pays::No`); invalid ones fail and pay their fee.
//!
//! **Commit–reveal (redundancy > 1).** A commitment is [`commitment_of`]`(output_hash, salt,
//! provider) = blake2_256(output_hash ‖ salt ‖ SCALE(provider))`. Because the provider's own
//! account is inside, a commitment copied from another provider can never be revealed (and an
//! identical commitment within a job is refused outright). The reveal phase opens when every
//! provider committed (reveal deadline = now + reveal period) or at the commit deadline if at
//! least one did; with no commitment at all the job fails at the commit deadline.
//!
//! **Settlement.** Revealed answers are grouped by output hash. An output hash given by a strict
//! majority of the *redundancy* (more than `redundancy / 2` providers, not of the answers) wins:
//! - the winners share the providers' total equally; the remainder of the integer division
//!   (`total mod winners`, less than one unit per winner) is released back to the user, so no
//!   provider is favoured by rounding;
//! - the author gets the author fee and the treasury the protocol fee;
//! - the winning output is stored in [`Results`] and [`Event::JobCompleted`] emitted;
//! - providers that revealed another hash are slashed [`JobParameters::wrong_result_slash`].
//!
//! Without a strict majority (or without any answer) the user gets everything back and
//! [`Event::JobFailed`] says why; nobody is slashed for a wrong result since none is known.
//! In every outcome providers that missed their commit, reveal or result deadline are slashed
//! [`JobParameters::timeout_slash`] (through [`ProviderRegistry::slash`], which moves the stake
//! to the treasury), every capacity slot is released and the model use count released.
//! The losers' share of the price goes to the winners rather than back to the user: the user
//! got the answer it paid for, confirmed by a majority.
//!
//! **Deadlines.** Every open job has exactly one pending deadline, recorded in its status and in
//! [`Deadlines`], a queue keyed by block (a bounded vector per block). A deadline is the first
//! block at which the window is *closed*; `on_initialize` of that block processes it. If a
//! block's queue is full, the entry goes to the next block with room (at most 16 blocks later,
//! else the submission fails with [`Error::DeadlineQueueFull`]) and the job's deadline is that
//! block. `on_initialize` processes at most `MaxDeadlinesProcessed` entries and scans at most as
//! many blocks per block; [`DeadlineCursor`] remembers the first block not fully processed, so
//! overflow is carried to the next block and never lost. Entries of jobs that settled early are
//! skipped.
//!
//! **Retention.** A finished job (completed, failed or cancelled) is appended to a FIFO
//! ([`ExpiryQueue`]); `on_initialize` removes up to `MaxExpiriesPerBlock` jobs per block whose
//! finish block is at least [`JobParameters::result_retention`] blocks old, with their results
//! and their off-chain input entries. Until then users read [`Jobs`] and [`Results`].
//!
//! **Parameters.** All policy values are read through one place, `Config::Parameters`
//! implementing [`JobParameters`]; governance (`pallet-parameters`) plugs in there. Structural
//! bounds that size storage and weights are `Config` constants.
//!
//! ## Terms
//!
//! - *Redundancy*: how many providers run the same job.
//! - *Canonical output*: the model output transformed by its agreement rule, byte-comparable
//!   across machines (see `infera_primitives::canonical`).
//! - *Attestation*: the inference worker's signature binding job, model, input and output.
//! - *Commitment*: `blake2_256(output_hash ‖ salt ‖ provider)`, hiding an answer until reveal.
//! - *Strict majority*: more than half of the redundancy.
//! - *Open job*: a job in `Pending` or `Revealing` status; it holds funds and slots.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub mod views;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame::{
	log,
	prelude::*,
	traits::{
		fungible::{Inspect, Mutate, MutateHold},
		tokens::Restriction,
		Randomness,
	},
};
use infera_primitives::{
	attestation::AttestationPayload,
	digest,
	traits::{EligibleProvider, ModelRegistry, ProviderRegistry, SlashReason},
	Digest, JobId, ModelId,
};

/// Balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// How many blocks after the wanted one are tried when a block's deadline queue is full.
pub const DEADLINE_SEARCH_BLOCKS: u32 = 16;

/// Domain tag of the randomness subject used for provider assignment.
const ASSIGN_SUBJECT: &[u8] = b"infera/job-escrow/assign";

/// Creates what the benchmarks need: a model and providers serving it.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers an active model whose input is exactly `input_len` bytes and whose canonical
	/// output is exactly `output_len` bytes, funding whatever deposit that takes.
	fn create_model(input_len: u32, output_len: u32) -> Result<ModelId, DispatchError>;

	/// Makes `who` an online provider of `model` with at least `capacity` free slots, a bond
	/// above the minimum and `worker` as its worker key, funding it as needed.
	fn create_provider(
		model: ModelId,
		who: &AccountId,
		worker: infera_primitives::attestation::WorkerPublic,
		capacity: u32,
	) -> Result<(), DispatchError>;
}

#[frame::pallet]
pub mod pallet {
	use super::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;

		/// The currency the escrow is held in and paid out of.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ Mutate<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The model registry (models, their specs and fees, open-job counts).
		type Models: ModelRegistry<Self::AccountId, BalanceOf<Self>>;

		/// The provider registry (eligibility, capacity slots, worker keys, slashing).
		type Providers: ProviderRegistry<Self::AccountId, BalanceOf<Self>>;

		/// Source of the seed for provider assignment. See the crate docs for its weakness:
		/// use a VRF source (BABE) in production.
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;

		/// Every governance-tunable parameter, read through this one type.
		type Parameters: JobParameters<BlockNumberFor<Self>>;

		/// Account receiving protocol fees (the treasury).
		type TreasuryAccount: Get<Self::AccountId>;

		/// Most providers a job may have. Sizes the job record; at least 1.
		#[pallet::constant]
		type MaxRedundancy: Get<u32>;

		/// Structural cap on an input, in bytes (the call's bound). The effective limit is
		/// `Parameters::max_input_bytes()`, clamped to this.
		#[pallet::constant]
		type MaxInputBytes: Get<u32>;

		/// Structural cap on a canonical output, in bytes (bounds stored results). The
		/// effective limit is `Parameters::max_output_bytes()`, clamped to this.
		#[pallet::constant]
		type MaxOutputBytes: Get<u32>;

		/// Most eligible providers considered for one draw (bounds `submit_job`'s work); should
		/// be at least the provider registry's per-model index bound.
		#[pallet::constant]
		type MaxCandidates: Get<u32>;

		/// Capacity of one block's deadline queue, in entries.
		#[pallet::constant]
		type MaxDeadlinesPerBlock: Get<u32>;

		/// Most deadline entries processed (and most queue blocks scanned) per block.
		#[pallet::constant]
		type MaxDeadlinesProcessed: Get<u32>;

		/// Most expired jobs removed per block.
		#[pallet::constant]
		type MaxExpiriesPerBlock: Get<u32>;

		/// Creates models and providers for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A user's payment for open jobs, until they settle.
		#[codec(index = 0)]
		JobEscrow,
	}

	/// The id the next submitted job gets.
	#[pallet::storage]
	pub type NextJobId<T> = StorageValue<_, JobId, ValueQuery>;

	/// Every job, open or finished, until it expires.
	#[pallet::storage]
	pub type Jobs<T: Config> = StorageMap<_, Twox64Concat, JobId, Job<T>>;

	/// Open jobs by assigned provider: `(provider, job) → ()` while the job is open. Lets a
	/// provider's off-chain worker find its work with `iter_key_prefix(provider)` instead of
	/// scanning every job.
	#[pallet::storage]
	pub type AssignedJobs<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, JobId, ()>;

	/// Jobs by user, newest first: `(user, newest_first_key(job)) → ()` until the job expires.
	/// Lets users and the marketplace API page through an account's jobs without a scan.
	#[pallet::storage]
	pub type UserJobs<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Identity, [u8; 8], ()>;

	/// Each provider's record: answers paid, answers outvoted, deadlines missed and the stake
	/// slashed for them. Updated at every settlement; kept after a provider leaves (one entry
	/// per account that ever served a job).
	#[pallet::storage]
	pub type ProviderRecords<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, ProviderRecord<BalanceOf<T>>, ValueQuery>;

	/// Revealed outputs of open jobs, one per distinct output hash, kept until settlement.
	#[pallet::storage]
	pub type PendingOutputs<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		JobId,
		Identity,
		Digest,
		BoundedVec<u8, T::MaxOutputBytes>,
	>;

	/// The winning canonical output of each completed job, until the job expires.
	#[pallet::storage]
	pub type Results<T: Config> =
		StorageMap<_, Twox64Concat, JobId, BoundedVec<u8, T::MaxOutputBytes>>;

	/// Deadline queue: the job deadlines due at each block.
	#[pallet::storage]
	pub type Deadlines<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<(JobId, DeadlineKind), T::MaxDeadlinesPerBlock>,
		ValueQuery,
	>;

	/// The first block whose deadline queue is not fully processed yet (unset before the first
	/// `on_initialize`, which starts at its own block).
	#[pallet::storage]
	pub type DeadlineCursor<T: Config> = StorageValue<_, BlockNumberFor<T>>;

	/// Finished jobs in finishing order, by position, waiting for their retention to end.
	#[pallet::storage]
	pub type ExpiryQueue<T> = StorageMap<_, Twox64Concat, u64, JobId>;

	/// `(head, tail)` of [`ExpiryQueue`]: positions `head..tail` are occupied.
	#[pallet::storage]
	pub type ExpiryQueueBounds<T> = StorageValue<_, (u64, u64), ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A job was accepted, its price held and its providers assigned.
		JobSubmitted {
			/// The new job.
			job_id: JobId,
			/// Who pays.
			user: T::AccountId,
			/// The model.
			model: ModelId,
			/// The assigned providers, in assignment order.
			providers: BoundedVec<T::AccountId, T::MaxRedundancy>,
			/// Total held: providers' prices + author fee + protocol fee.
			price: BalanceOf<T>,
			/// blake2-256 of the input.
			input_hash: Digest,
			/// First block at which commits (or the result) are no longer accepted.
			deadline: BlockNumberFor<T>,
		},
		/// A provider committed to an answer.
		ResultCommitted {
			/// The job.
			job_id: JobId,
			/// The provider.
			provider: T::AccountId,
		},
		/// The reveal phase of a job opened.
		RevealOpened {
			/// The job.
			job_id: JobId,
			/// First block at which reveals are no longer accepted.
			deadline: BlockNumberFor<T>,
		},
		/// A provider revealed its attested output (redundancy > 1).
		ResultRevealed {
			/// The job.
			job_id: JobId,
			/// The provider.
			provider: T::AccountId,
			/// Hash of its canonical output.
			output_hash: Digest,
		},
		/// The provider of a redundancy-1 job submitted its attested output.
		ResultSubmitted {
			/// The job.
			job_id: JobId,
			/// The provider.
			provider: T::AccountId,
			/// Hash of its canonical output.
			output_hash: Digest,
		},
		/// A job settled with a majority answer; the output is in `Results`.
		JobCompleted {
			/// The job.
			job_id: JobId,
			/// Hash of the winning output.
			output_hash: Digest,
			/// How many providers gave it.
			winners: u32,
			/// What each of them was paid.
			share: BalanceOf<T>,
		},
		/// A job settled without a result; the user was refunded in full.
		JobFailed {
			/// The job.
			job_id: JobId,
			/// Why.
			reason: FailureReason,
		},
		/// The user cancelled a job and was refunded in full.
		JobCancelled {
			/// The job.
			job_id: JobId,
		},
		/// A provider of a job was slashed.
		ProviderSlashed {
			/// The job.
			job_id: JobId,
			/// The provider.
			provider: T::AccountId,
			/// Why.
			reason: SlashReason,
			/// Amount actually slashed.
			amount: BalanceOf<T>,
		},
		/// A finished job and its result were removed after the retention period.
		JobExpired {
			/// The job.
			job_id: JobId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No such model.
		UnknownModel,
		/// The model is deprecated and takes no new jobs.
		ModelDeprecated,
		/// The input is not exactly the length the model's input spec requires.
		WrongInputSize,
		/// The input is longer than the maximum input size.
		InputTooLarge,
		/// The model's canonical output is longer than the maximum output size, so no result
		/// could ever be accepted.
		ModelOutputTooLarge,
		/// Redundancy must be between 1 and the governed maximum (`max_redundancy`).
		InvalidRedundancy,
		/// Fewer eligible providers (online, serving the model, with a free slot) than the
		/// redundancy.
		NotEnoughProviders,
		/// The price is above the given `max_price`.
		PriceAboveMax,
		/// The user cannot pay the price.
		InsufficientBalance,
		/// The deadline queues of the next blocks are full; try again later.
		DeadlineQueueFull,
		/// An amount overflowed.
		Overflow,
		/// No such job (never submitted, or already expired).
		UnknownJob,
		/// The job has finished.
		JobFinished,
		/// The caller is not assigned to the job.
		NotAssigned,
		/// This call is for jobs with redundancy > 1; use `submit_result`.
		UseSubmitResult,
		/// Jobs with redundancy > 1 take results by commit and reveal.
		UseCommitReveal,
		/// The window for this answer has closed.
		DeadlinePassed,
		/// The caller already committed.
		AlreadyCommitted,
		/// The caller already revealed or submitted its answer.
		AlreadyAnswered,
		/// Another provider of the job committed the same commitment.
		DuplicateCommitment,
		/// The reveal phase has not opened yet.
		RevealNotOpen,
		/// The caller did not commit, so it cannot reveal.
		NotCommitted,
		/// Output hash and salt do not match the caller's commitment.
		CommitmentMismatch,
		/// The output is longer than the maximum output size.
		OutputTooLarge,
		/// The output is not exactly the model's canonical output length.
		WrongOutputSize,
		/// The output does not hash to the attested output hash.
		OutputHashMismatch,
		/// The provider has no registered worker key.
		NoWorkerKey,
		/// The attestation signature is not the worker's over this job, model, input and output.
		BadAttestation,
		/// Only the job's user may cancel it.
		NotJobOwner,
		/// A provider has already committed or answered; the job can no longer be cancelled.
		CannotCancel,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let (entries, blocks) = Self::process_deadlines(now);
			let expired = Self::expire_jobs(now);
			T::WeightInfo::process_deadlines(entries)
				.saturating_add(T::DbWeight::get().reads_writes(blocks.into(), blocks.into()))
				.saturating_add(T::WeightInfo::expire_jobs(expired))
		}

		fn integrity_test() {
			assert!(T::MaxRedundancy::get() >= 1, "MaxRedundancy must be at least 1");
			assert!(
				T::MaxCandidates::get() >= T::MaxRedundancy::get(),
				"MaxCandidates must allow a full draw"
			);
			assert!(T::MaxDeadlinesPerBlock::get() >= 1, "deadline queues need room");
			assert!(T::MaxDeadlinesProcessed::get() >= 1, "deadlines must be processed");
			assert!(T::MaxExpiriesPerBlock::get() >= 1, "jobs must expire");
			assert!(T::MaxOutputBytes::get() >= 1, "outputs need room");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), frame::deps::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Submits a job: runs `model` on `input`, paying at most `max_price`.
		///
		/// Any signed account may call. `redundancy` is the number of providers (default:
		/// `Parameters::default_redundancy()`, at most `Parameters::max_redundancy()`). Checks the input
		/// against the model, draws the providers, prices the job and holds the price from the
		/// caller; reserves one capacity slot per provider; writes the input to the off-chain
		/// index; schedules the commit (or result) deadline. Emits [`Event::JobSubmitted`].
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::submit_job_weight(
			input.len() as u32,
			redundancy.unwrap_or_else(T::MaxRedundancy::get).min(T::MaxRedundancy::get()),
			T::MaxCandidates::get(),
		))]
		pub fn submit_job(
			origin: OriginFor<T>,
			model: ModelId,
			input: BoundedVec<u8, T::MaxInputBytes>,
			max_price: BalanceOf<T>,
			redundancy: Option<u32>,
		) -> DispatchResultWithPostInfo {
			let user = ensure_signed(origin)?;
			let now = frame_system::Pallet::<T>::block_number();

			let info = T::Models::model(model).ok_or(Error::<T>::UnknownModel)?;
			ensure!(!info.deprecated, Error::<T>::ModelDeprecated);
			let input_len = input.len() as u32;
			ensure!(input_len <= Self::max_input_bytes(), Error::<T>::InputTooLarge);
			ensure!(input_len == info.input_len, Error::<T>::WrongInputSize);
			ensure!(
				info.canonical_output_len <= Self::max_output_bytes(),
				Error::<T>::ModelOutputTooLarge
			);
			let r = redundancy.unwrap_or_else(Self::default_redundancy);
			ensure!(r >= 1 && r <= Self::max_redundancy(), Error::<T>::InvalidRedundancy);

			let mut candidates = T::Providers::eligible_providers(model);
			candidates.truncate(T::MaxCandidates::get() as usize);
			let considered = candidates.len() as u32;
			ensure!(considered >= r, Error::<T>::NotEnoughProviders);

			let job_id = NextJobId::<T>::get();
			let next_id = job_id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let picked = Self::draw(candidates, r, job_id);

			let provider_total = picked
				.iter()
				.try_fold(BalanceOf::<T>::zero(), |acc, p| acc.checked_add(&p.price))
				.ok_or(Error::<T>::Overflow)?;
			let protocol_fee = T::Parameters::protocol_fee().mul_floor(provider_total);
			let price = provider_total
				.checked_add(&info.fee)
				.and_then(|x| x.checked_add(&protocol_fee))
				.ok_or(Error::<T>::Overflow)?;
			ensure!(price <= max_price, Error::<T>::PriceAboveMax);

			let target = now.saturating_add(Self::commit_period());
			let deadline = Self::free_deadline_slot(target).ok_or(Error::<T>::DeadlineQueueFull)?;

			// Every check passed: mutate.
			T::Currency::hold(&HoldReason::JobEscrow.into(), &user, price)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			Self::reserve_slots(job_id, &picked)?;
			T::Models::acquire(model)?;
			Deadlines::<T>::try_mutate(deadline, |q| q.try_push((job_id, DeadlineKind::Commit)))
				.map_err(|_| Error::<T>::DeadlineQueueFull)?;

			let assignments: BoundedVec<_, T::MaxRedundancy> = picked
				.iter()
				.map(|p| Assignment {
					provider: p.who.clone(),
					price: p.price,
					answer: Answer::Pending,
				})
				.collect::<Vec<_>>()
				.try_into()
				.map_err(|_| Error::<T>::InvalidRedundancy)?;
			let providers: BoundedVec<T::AccountId, T::MaxRedundancy> = picked
				.into_iter()
				.map(|p| p.who)
				.collect::<Vec<_>>()
				.try_into()
				.map_err(|_| Error::<T>::InvalidRedundancy)?;
			let input_hash = Self::record_input(job_id, &input);
			Jobs::<T>::insert(
				job_id,
				Job::<T> {
					user: user.clone(),
					model,
					model_hash: info.artifact_hash,
					input_hash,
					input_len,
					output_len: info.canonical_output_len,
					author: info.owner,
					author_fee: info.fee,
					protocol_fee,
					held: price,
					assignments,
					submitted_at: now,
					status: JobStatus::Pending { deadline },
				},
			);
			UserJobs::<T>::insert(&user, newest_first_key(job_id), ());
			NextJobId::<T>::put(next_id);

			Self::deposit_event(Event::JobSubmitted {
				job_id,
				user,
				model,
				providers,
				price,
				input_hash,
				deadline,
			});
			Ok(Some(Self::submit_job_weight(input_len, r, considered)).into())
		}

		/// Submits the attested output of a redundancy-1 job and settles it.
		///
		/// Only the assigned provider may call, before the job's deadline. Checks the output
		/// (length, hash) and the attestation, then pays the provider, the author and the
		/// treasury, stores the output and emits [`Event::JobCompleted`]. Free when valid.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::submit_result(output.len() as u32))]
		pub fn submit_result(
			origin: OriginFor<T>,
			job_id: JobId,
			output: BoundedVec<u8, T::MaxOutputBytes>,
			attestation: Attestation,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let now = frame_system::Pallet::<T>::block_number();
			let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			let deadline = match job.status {
				JobStatus::Pending { deadline } => deadline,
				JobStatus::Revealing { .. } => return Err(Error::<T>::UseCommitReveal.into()),
				_ => return Err(Error::<T>::JobFinished.into()),
			};
			ensure!(job.redundancy() == 1, Error::<T>::UseCommitReveal);
			let (index, answer) = Self::assignment_of(&job, &who)?;
			ensure!(now < deadline, Error::<T>::DeadlinePassed);
			ensure!(answer == Answer::Pending, Error::<T>::AlreadyAnswered);
			Self::check_output(job_id, &job, &who, &output, &attestation)?;

			let output_hash = attestation.output_hash;
			Self::set_answer(&mut job, index, Answer::Revealed(output_hash));
			PendingOutputs::<T>::insert(job_id, output_hash, output);
			Self::deposit_event(Event::ResultSubmitted { job_id, provider: who, output_hash });
			Self::settle(job_id, job, now);
			Ok(Pays::No.into())
		}

		/// Commits to an answer of a job with redundancy > 1:
		/// `commitment = blake2_256(output_hash ‖ salt ‖ SCALE(caller))`.
		///
		/// Only an assigned provider may call, once, before the commit deadline. When the last
		/// provider commits, the reveal phase opens ([`Event::RevealOpened`]). Free when valid.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::commit_result(T::MaxRedundancy::get()))]
		pub fn commit_result(
			origin: OriginFor<T>,
			job_id: JobId,
			commitment: Digest,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let now = frame_system::Pallet::<T>::block_number();
			let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(job.redundancy() > 1, Error::<T>::UseSubmitResult);
			ensure!(job.is_open(), Error::<T>::JobFinished);
			let (index, answer) = Self::assignment_of(&job, &who)?;
			ensure!(answer == Answer::Pending, Error::<T>::AlreadyCommitted);
			let deadline = match job.status {
				JobStatus::Pending { deadline } => deadline,
				_ => return Err(Error::<T>::DeadlinePassed.into()),
			};
			ensure!(now < deadline, Error::<T>::DeadlinePassed);
			ensure!(
				!job.assignments.iter().any(|a| a.answer == Answer::Committed(commitment)),
				Error::<T>::DuplicateCommitment
			);

			Self::set_answer(&mut job, index, Answer::Committed(commitment));
			Self::deposit_event(Event::ResultCommitted { job_id, provider: who });
			if job.assignments.iter().all(|a| matches!(a.answer, Answer::Committed(_))) {
				// Everyone committed: open the reveal phase now. If the queues are full the
				// job simply stays in the commit phase and opens at its commit deadline.
				let target = now.saturating_add(Self::reveal_period());
				if let Some(deadline) = Self::schedule(target, job_id, DeadlineKind::Reveal) {
					job.status = JobStatus::Revealing { deadline };
					Self::deposit_event(Event::RevealOpened { job_id, deadline });
				}
			}
			Jobs::<T>::insert(job_id, job);
			Ok(Pays::No.into())
		}

		/// Reveals the attested output behind the caller's commitment.
		///
		/// Only a provider that committed may call, once, while the reveal phase is open.
		/// Checks the output, the attestation and the commitment. When every provider that
		/// committed has revealed, the job settles at once. Free when valid.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::reveal_result(
			output.len() as u32,
			T::MaxRedundancy::get(),
		))]
		pub fn reveal_result(
			origin: OriginFor<T>,
			job_id: JobId,
			output: BoundedVec<u8, T::MaxOutputBytes>,
			salt: [u8; 32],
			attestation: Attestation,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let now = frame_system::Pallet::<T>::block_number();
			let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(job.redundancy() > 1, Error::<T>::UseSubmitResult);
			let (index, answer) = Self::assignment_of(&job, &who)?;
			let deadline = match job.status {
				JobStatus::Revealing { deadline } => deadline,
				JobStatus::Pending { .. } => return Err(Error::<T>::RevealNotOpen.into()),
				_ => return Err(Error::<T>::JobFinished.into()),
			};
			ensure!(now < deadline, Error::<T>::DeadlinePassed);
			let commitment = match answer {
				Answer::Committed(c) => c,
				Answer::Pending => return Err(Error::<T>::NotCommitted.into()),
				Answer::Revealed(_) => return Err(Error::<T>::AlreadyAnswered.into()),
			};
			let output_hash = attestation.output_hash;
			ensure!(
				commitment_of(&output_hash, &salt, &who) == commitment,
				Error::<T>::CommitmentMismatch
			);
			Self::check_output(job_id, &job, &who, &output, &attestation)?;

			Self::set_answer(&mut job, index, Answer::Revealed(output_hash));
			if !PendingOutputs::<T>::contains_key(job_id, output_hash) {
				PendingOutputs::<T>::insert(job_id, output_hash, output);
			}
			Self::deposit_event(Event::ResultRevealed { job_id, provider: who, output_hash });
			if job.assignments.iter().all(|a| !matches!(a.answer, Answer::Committed(_))) {
				Self::settle(job_id, job, now);
			} else {
				Jobs::<T>::insert(job_id, job);
			}
			Ok(Pays::No.into())
		}

		/// Cancels a job and refunds the user in full.
		///
		/// Only the job's user may call, and only while no provider has committed or answered.
		/// Releases the providers' slots; the job is kept (as cancelled) for the retention
		/// period. Emits [`Event::JobCancelled`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::cancel_job(T::MaxRedundancy::get()))]
		pub fn cancel_job(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let now = frame_system::Pallet::<T>::block_number();
			let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(job.user == who, Error::<T>::NotJobOwner);
			ensure!(matches!(job.status, JobStatus::Pending { .. }), Error::<T>::JobFinished);
			ensure!(
				job.assignments.iter().all(|a| a.answer == Answer::Pending),
				Error::<T>::CannotCancel
			);

			Self::refund(&job.user, job.held);
			job.held = Zero::zero();
			Self::release_capacity(job_id, &job);
			job.status = JobStatus::Cancelled { at: now };
			Jobs::<T>::insert(job_id, job);
			Self::push_expiry(job_id);
			Self::deposit_event(Event::JobCancelled { job_id });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The effective largest redundancy a job may ask for: the governed value, clamped to
	/// `1..=MaxRedundancy`.
	pub fn max_redundancy() -> u32 {
		T::Parameters::max_redundancy().clamp(1, T::MaxRedundancy::get().max(1))
	}

	/// The effective default redundancy, clamped to `1..=max_redundancy()`.
	pub fn default_redundancy() -> u32 {
		T::Parameters::default_redundancy().clamp(1, Self::max_redundancy())
	}

	/// The effective commit (or result) period, at least one block.
	pub fn commit_period() -> BlockNumberFor<T> {
		T::Parameters::commit_period().max(One::one())
	}

	/// The effective reveal period, at least one block.
	pub fn reveal_period() -> BlockNumberFor<T> {
		T::Parameters::reveal_period().max(One::one())
	}

	/// The effective maximum input size.
	pub fn max_input_bytes() -> u32 {
		T::Parameters::max_input_bytes().min(T::MaxInputBytes::get())
	}

	/// The effective maximum output size.
	pub fn max_output_bytes() -> u32 {
		T::Parameters::max_output_bytes().min(T::MaxOutputBytes::get())
	}

	/// The weight of [`Pallet::submit_job`] with an input of `input_len` bytes, redundancy `r` and
	/// `candidates` eligible providers considered.
	///
	/// Three benchmarks add up: `submit_job` measures the whole call with a one-byte input and
	/// one provider drawn, over every number of candidates; `submit_job_providers` and
	/// `submit_job_input` the parts that grow with the redundancy (`draw`, `reserve_slots`) and
	/// with the input (`record_input`), of which only the
	/// growth beyond one is added. (One benchmark of the whole call swept each component with
	/// the others at their maximum, so the noise of 128-candidate, 256 KiB calls decided the
	/// fixed cost of the small calls real models make.)
	pub fn submit_job_weight(input_len: u32, r: u32, candidates: u32) -> Weight {
		let more_providers = T::WeightInfo::submit_job_providers(r)
			.saturating_sub(T::WeightInfo::submit_job_providers(1));
		let more_input = T::WeightInfo::submit_job_input(input_len)
			.saturating_sub(T::WeightInfo::submit_job_input(1));
		T::WeightInfo::submit_job(candidates)
			.saturating_add(more_providers)
			.saturating_add(more_input)
	}

	/// Reserves a capacity slot of each provider drawn for job `job_id` and indexes the job under
	/// them (`AssignedJobs`), where their off-chain workers find it.
	fn reserve_slots(
		job_id: JobId,
		picked: &[EligibleProvider<T::AccountId, BalanceOf<T>>],
	) -> DispatchResult {
		for p in picked {
			T::Providers::reserve_slot(&p.who)?;
			AssignedJobs::<T>::insert(&p.who, job_id, ());
		}
		Ok(())
	}

	/// Hashes job `job_id`'s input and writes it to the off-chain index, where the providers'
	/// off-chain workers read it (see [`input_key`]). Returns the hash the attestations sign.
	fn record_input(job_id: JobId, input: &[u8]) -> Digest {
		frame::deps::sp_io::offchain_index::set(&input_key(job_id), input);
		digest(input)
	}

	/// Draws `r` providers from `candidates` (at least `r` of them), stake-weighted, without
	/// replacement, from the configured randomness.
	fn draw(
		mut pool: Vec<EligibleProvider<T::AccountId, BalanceOf<T>>>,
		r: u32,
		job_id: JobId,
	) -> Vec<EligibleProvider<T::AccountId, BalanceOf<T>>> {
		let (seed, _known_since) = T::Randomness::random(&(ASSIGN_SUBJECT, job_id).encode());
		let seed = seed.encode();
		let mut picked = Vec::with_capacity(r as usize);
		for draw in 0..r {
			if pool.is_empty() {
				break;
			}
			let random = frame::hashing::blake2_256(&(&seed, draw).encode());
			let mut bytes = [0u8; 16];
			bytes.copy_from_slice(&random[..16]);
			let random = u128::from_le_bytes(bytes);
			let total: u128 = pool
				.iter()
				.fold(0u128, |acc, p| acc.saturating_add(p.stake.saturated_into::<u128>()));
			let index = if total == 0 {
				(random % pool.len() as u128) as usize
			} else {
				let mut point = random % total;
				pool.iter()
					.position(|p| {
						let stake = p.stake.saturated_into::<u128>();
						if point < stake {
							true
						} else {
							point -= stake;
							false
						}
					})
					.unwrap_or(pool.len() - 1)
			};
			picked.push(pool.swap_remove(index));
		}
		picked
	}

	/// Index and current answer of `who` among the job's providers.
	fn assignment_of(job: &Job<T>, who: &T::AccountId) -> Result<(usize, Answer), DispatchError> {
		job.assignments
			.iter()
			.enumerate()
			.find(|(_, a)| &a.provider == who)
			.map(|(i, a)| (i, a.answer))
			.ok_or_else(|| Error::<T>::NotAssigned.into())
	}

	/// Records the answer of the provider at `index` (found by [`Self::assignment_of`]).
	fn set_answer(job: &mut Job<T>, index: usize, answer: Answer) {
		if let Some(a) = job.assignments.get_mut(index) {
			a.answer = answer;
		}
	}

	/// Checks an output and its attestation for `job`, sent by `who`.
	fn check_output(
		job_id: JobId,
		job: &Job<T>,
		who: &T::AccountId,
		output: &[u8],
		attestation: &Attestation,
	) -> DispatchResult {
		let len = output.len() as u32;
		ensure!(len <= Self::max_output_bytes(), Error::<T>::OutputTooLarge);
		ensure!(len == job.output_len, Error::<T>::WrongOutputSize);
		ensure!(digest(output) == attestation.output_hash, Error::<T>::OutputHashMismatch);
		let worker = T::Providers::worker_key(who).ok_or(Error::<T>::NoWorkerKey)?;
		let payload = AttestationPayload {
			job_id,
			model_hash: job.model_hash,
			input_hash: job.input_hash,
			output_hash: attestation.output_hash,
		};
		ensure!(payload.verify(&attestation.signature, &worker), Error::<T>::BadAttestation);
		Ok(())
	}

	/// The first block from `target` on (within [`DEADLINE_SEARCH_BLOCKS`]) whose deadline
	/// queue has room.
	fn free_deadline_slot(target: BlockNumberFor<T>) -> Option<BlockNumberFor<T>> {
		let capacity = T::MaxDeadlinesPerBlock::get() as usize;
		let mut block = target;
		for _ in 0..DEADLINE_SEARCH_BLOCKS {
			if Deadlines::<T>::decode_len(block).unwrap_or(0) < capacity {
				return Some(block);
			}
			block = block.saturating_add(One::one());
		}
		None
	}

	/// Queues a deadline of `job_id` at `target` or the first later block with room; returns
	/// that block, or `None` if the queues are full.
	fn schedule(
		target: BlockNumberFor<T>,
		job_id: JobId,
		kind: DeadlineKind,
	) -> Option<BlockNumberFor<T>> {
		let block = Self::free_deadline_slot(target)?;
		Deadlines::<T>::try_mutate(block, |q| q.try_push((job_id, kind))).ok()?;
		Some(block)
	}

	/// Processes due deadline entries, at most `MaxDeadlinesProcessed` entries and as many
	/// queue blocks; returns `(entries processed, blocks scanned)`.
	fn process_deadlines(now: BlockNumberFor<T>) -> (u32, u32) {
		let budget = T::MaxDeadlinesProcessed::get();
		let mut cursor = DeadlineCursor::<T>::get().unwrap_or(now);
		let mut processed = 0u32;
		let mut scanned = 0u32;
		while cursor <= now && processed < budget && scanned < budget {
			scanned += 1;
			let mut queue = Deadlines::<T>::take(cursor).into_inner();
			let room = (budget - processed) as usize;
			let rest = if queue.len() > room { queue.split_off(room) } else { Vec::new() };
			for (job_id, kind) in queue {
				processed += 1;
				Self::process_deadline(job_id, kind, now);
			}
			if rest.is_empty() {
				cursor = cursor.saturating_add(One::one());
			} else {
				// Carried over: it fit before, so it fits again.
				let rest: BoundedVec<_, T::MaxDeadlinesPerBlock> = BoundedVec::truncate_from(rest);
				Deadlines::<T>::insert(cursor, rest);
				break;
			}
		}
		DeadlineCursor::<T>::put(cursor);
		(processed, scanned)
	}

	/// Handles one deadline entry; entries of jobs that moved on are ignored.
	fn process_deadline(job_id: JobId, kind: DeadlineKind, now: BlockNumberFor<T>) {
		let Some(mut job) = Jobs::<T>::get(job_id) else { return };
		match (kind, job.status) {
			(DeadlineKind::Commit, JobStatus::Pending { .. }) => {
				let committed =
					job.assignments.iter().any(|a| matches!(a.answer, Answer::Committed(_)));
				if job.redundancy() > 1 && committed {
					let target = now.saturating_add(Self::reveal_period());
					if let Some(deadline) = Self::schedule(target, job_id, DeadlineKind::Reveal) {
						job.status = JobStatus::Revealing { deadline };
						Jobs::<T>::insert(job_id, job);
						Self::deposit_event(Event::RevealOpened { job_id, deadline });
						return;
					}
					// Queues full for many blocks: settle with what we have rather than lose
					// the job (committed providers are then treated as not having revealed).
					log::warn!(target: "runtime::job-escrow", "job {job_id}: reveal not schedulable");
				}
				Self::settle(job_id, job, now);
			}
			(DeadlineKind::Reveal, JobStatus::Revealing { .. }) => Self::settle(job_id, job, now),
			_ => {}
		}
	}

	/// Settles an open job: pays or refunds, slashes, releases slots, records the outcome and
	/// queues the job for expiry.
	fn settle(job_id: JobId, mut job: Job<T>, now: BlockNumberFor<T>) {
		let r = job.redundancy();
		let mut tally: Vec<(Digest, u32)> = Vec::new();
		for a in job.assignments.iter() {
			if let Answer::Revealed(hash) = a.answer {
				match tally.iter_mut().find(|(h, _)| *h == hash) {
					Some((_, count)) => *count += 1,
					None => tally.push((hash, 1)),
				}
			}
		}
		let winner =
			tally.iter().find(|(_, count)| count.saturating_mul(2) > r).map(|(h, c)| (*h, *c));

		let user = job.user.clone();
		let mut remaining = job.held;
		let outcome = match winner {
			Some((output_hash, winners)) => {
				let total = job.provider_total();
				let share = total / BalanceOf::<T>::from(winners.max(1));
				for a in job.assignments.iter() {
					if a.answer == Answer::Revealed(output_hash) {
						remaining = remaining.saturating_sub(Self::pay(&user, &a.provider, share));
						ProviderRecords::<T>::mutate(&a.provider, |r| {
							r.answered = r.answered.saturating_add(1)
						});
					}
				}
				remaining = remaining.saturating_sub(Self::pay(&user, &job.author, job.author_fee));
				remaining = remaining.saturating_sub(Self::pay(
					&user,
					&T::TreasuryAccount::get(),
					job.protocol_fee,
				));
				if let Some(output) = PendingOutputs::<T>::take(job_id, output_hash) {
					Results::<T>::insert(job_id, output);
				}
				job.status = JobStatus::Completed { output_hash, at: now };
				Event::JobCompleted { job_id, output_hash, winners, share }
			}
			None => {
				let reason = if tally.is_empty() {
					FailureReason::NoAnswers
				} else {
					FailureReason::NoMajority
				};
				job.status = JobStatus::Failed { reason, at: now };
				Event::JobFailed { job_id, reason }
			}
		};
		// The rounding remainder, and everything on failure, goes back to the user.
		Self::refund(&user, remaining);
		job.held = Zero::zero();
		let _ = PendingOutputs::<T>::clear_prefix(job_id, r, None);
		Self::release_capacity(job_id, &job);

		for a in job.assignments.iter() {
			let reason = match a.answer {
				Answer::Revealed(hash) => match winner {
					Some((won, _)) if won != hash => Some(SlashReason::WrongResult),
					_ => None,
				},
				Answer::Pending | Answer::Committed(_) => Some(SlashReason::Timeout),
			};
			if let Some(reason) = reason {
				let ratio = match reason {
					SlashReason::WrongResult => T::Parameters::wrong_result_slash(),
					_ => T::Parameters::timeout_slash(),
				};
				let amount = T::Providers::slash(&a.provider, ratio, reason);
				ProviderRecords::<T>::mutate(&a.provider, |r| {
					match reason {
						SlashReason::WrongResult => r.wrong = r.wrong.saturating_add(1),
						_ => r.missed = r.missed.saturating_add(1),
					}
					r.slashed = r.slashed.saturating_add(amount);
				});
				Self::deposit_event(Event::ProviderSlashed {
					job_id,
					provider: a.provider.clone(),
					reason,
					amount,
				});
			}
		}

		Jobs::<T>::insert(job_id, job);
		Self::push_expiry(job_id);
		Self::deposit_event(outcome);
	}

	/// Pays `amount` of `user`'s escrow to `dest`; returns what was paid (zero on failure, in
	/// which case the amount stays held and is refunded by the caller).
	fn pay(user: &T::AccountId, dest: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
		if amount.is_zero() {
			return amount;
		}
		T::Currency::transfer_on_hold(
			&HoldReason::JobEscrow.into(),
			user,
			dest,
			amount,
			Precision::Exact,
			Restriction::Free,
			Fortitude::Force,
		)
		.unwrap_or_else(|e| {
			log::warn!(target: "runtime::job-escrow", "payment failed, refunding: {e:?}");
			Zero::zero()
		})
	}

	/// Releases `amount` of `user`'s escrow back to them.
	fn refund(user: &T::AccountId, amount: BalanceOf<T>) {
		if amount.is_zero() {
			return;
		}
		if let Err(e) =
			T::Currency::release(&HoldReason::JobEscrow.into(), user, amount, Precision::BestEffort)
		{
			defensive!(e, "the job held this amount, so releasing it cannot fail");
		}
	}

	/// Gives back every provider slot of `job` (`job_id`) and its use of the model.
	fn release_capacity(job_id: JobId, job: &Job<T>) {
		for a in job.assignments.iter() {
			T::Providers::release_slot(&a.provider);
			AssignedJobs::<T>::remove(&a.provider, job_id);
		}
		T::Models::release(job.model);
	}

	/// Appends a finished job to the expiry FIFO.
	fn push_expiry(job_id: JobId) {
		ExpiryQueueBounds::<T>::mutate(|(_, tail)| {
			ExpiryQueue::<T>::insert(*tail, job_id);
			*tail = tail.saturating_add(1);
		});
	}

	/// Removes up to `MaxExpiriesPerBlock` finished jobs whose retention has passed; returns
	/// how many queue entries were handled.
	fn expire_jobs(now: BlockNumberFor<T>) -> u32 {
		let (mut head, tail) = ExpiryQueueBounds::<T>::get();
		let retention = T::Parameters::result_retention();
		let mut handled = 0u32;
		while head < tail && handled < T::MaxExpiriesPerBlock::get() {
			let job_id = ExpiryQueue::<T>::get(head);
			let finished = job_id
				.and_then(Jobs::<T>::get)
				.and_then(|j| j.status.finished_at().map(|at| (at, j.user)));
			if let Some((at, _)) = finished {
				if at.saturating_add(retention) > now {
					break;
				}
			}
			handled += 1;
			ExpiryQueue::<T>::remove(head);
			head = head.saturating_add(1);
			if let (Some(job_id), Some((_, user))) = (job_id, finished) {
				Jobs::<T>::remove(job_id);
				UserJobs::<T>::remove(user, newest_first_key(job_id));
				Results::<T>::remove(job_id);
				frame::deps::sp_io::offchain_index::clear(&input_key(job_id));
				Self::deposit_event(Event::JobExpired { job_id });
			}
		}
		ExpiryQueueBounds::<T>::put((head, tail));
		handled
	}

	/// Checks the pallet's invariants:
	/// - for every user with a job, the balance held for [`HoldReason::JobEscrow`] equals the sum
	///   of `held` over their open jobs, and finished jobs hold nothing;
	/// - every open job has its pending deadline in [`Deadlines`] at a block not yet processed
	///   (no job outlives its deadlines), with 1..=`MaxRedundancy` distinct providers, each of
	///   which lists it in [`AssignedJobs`] (which lists nothing else);
	/// - [`UserJobs`] lists exactly the stored jobs, each under its user;
	/// - revealed outputs exist only for open jobs, results only for completed ones;
	/// - the expiry queue holds exactly the finished jobs, and job ids are below [`NextJobId`].
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), frame::deps::sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use frame::traits::fungible::InspectHold;
		let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let cursor = DeadlineCursor::<T>::get();
		let next_id = NextJobId::<T>::get();
		let mut finished = 0u64;
		let mut assigned = 0u64;
		for (job_id, job) in Jobs::<T>::iter() {
			ensure!(job_id < next_id, "job id not below NextJobId");
			let r = job.assignments.len();
			ensure!(r >= 1, "job without providers");
			for (i, a) in job.assignments.iter().enumerate() {
				ensure!(
					job.assignments.iter().skip(i + 1).all(|b| b.provider != a.provider),
					"provider assigned twice"
				);
			}
			ensure!(
				UserJobs::<T>::contains_key(&job.user, newest_first_key(job_id)),
				"job missing from its user's index"
			);
			let entry = held.entry(job.user.clone()).or_insert_with(Zero::zero);
			match job.status.deadline() {
				Some((deadline, kind)) => {
					*entry = entry.saturating_add(job.held);
					if let Some(cursor) = cursor {
						ensure!(deadline >= cursor, "open job past its processed deadline");
					}
					ensure!(
						Deadlines::<T>::get(deadline).contains(&(job_id, kind)),
						"open job's deadline not queued"
					);
					ensure!(!Results::<T>::contains_key(job_id), "open job with a result");
					assigned += r as u64;
					for a in job.assignments.iter() {
						ensure!(
							AssignedJobs::<T>::contains_key(&a.provider, job_id),
							"open job missing from its provider's index"
						);
					}
				}
				None => {
					finished += 1;
					ensure!(job.held.is_zero(), "finished job still holds funds");
					ensure!(
						PendingOutputs::<T>::iter_prefix(job_id).next().is_none(),
						"finished job with pending outputs"
					);
					if !matches!(job.status, JobStatus::Completed { .. }) {
						ensure!(!Results::<T>::contains_key(job_id), "result of a failed job");
					}
				}
			}
		}
		for (user, amount) in held {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::JobEscrow.into(), &user) == amount,
				"escrow hold differs from the sum of the user's open jobs"
			);
		}
		ensure!(
			AssignedJobs::<T>::iter_keys().count() as u64 == assigned,
			"provider index holds entries of jobs that are not open"
		);
		for job_id in Results::<T>::iter_keys() {
			ensure!(Jobs::<T>::contains_key(job_id), "result without a job");
		}
		ensure!(
			UserJobs::<T>::iter_keys().count() == Jobs::<T>::iter_keys().count(),
			"user index holds entries of expired jobs"
		);
		let (head, tail) = ExpiryQueueBounds::<T>::get();
		ensure!(head <= tail, "expiry queue bounds inverted");
		ensure!(tail - head == finished, "expiry queue does not match the finished jobs");
		for pos in head..tail {
			let job_id = ExpiryQueue::<T>::get(pos).ok_or("hole in the expiry queue")?;
			let job = Jobs::<T>::get(job_id).ok_or("expiry entry without a job")?;
			ensure!(!job.is_open(), "open job in the expiry queue");
		}
		Ok(())
	}
}
