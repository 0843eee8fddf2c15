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
//! - [`Pallet::commit_result`] / [`Pallet::reveal_result`]: providers first commit to their
//!   answer's hash, then reveal the answer once every provider committed or the commit deadline
//!   passed. The job settles as soon as every committed provider revealed, otherwise at the
//!   reveal deadline. A redundancy-1 job answers the same way: its provider's commitment tosses
//!   the audit coin, and unless an auditor is drawn the reveal follows at once (see *Audits*).
//! - A split among the providers goes to arbitrators drawn from the model's other providers,
//!   who answer with `commit_result` / `reveal_result` like providers (see *Arbitration*).
//! - [`Pallet::cancel_job`]: the user asks for the job back while no provider has committed or
//!   answered; it takes effect after a grace, unless an answer lands first.
//! - `on_initialize`: processes the deadlines due (every one, in the block it falls due) and
//!   removes expired jobs; `on_idle` catches up on anything left with spare weight.
//!
//! ## Design
//!
//! **Price and escrow.** `price = Σ assigned providers' prices + author fee + protocol fee`, where
//! the protocol fee is [`JobParameters::protocol_fee`] (a `Perbill`) of the providers' sum plus
//! [`JobParameters::byte_fee`] per byte of input and canonical output: every job pays for what it
//! stores, even one priced at zero ([`Pallet::protocol_fee_of`]). With
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
//! database with offchain indexing under [`input_key`] (job id and input hash, so a competing
//! fork block cannot overwrite it; format documented on [`INPUT_KEY_PREFIX`]); only its
//! blake2-256 hash and length go into state.
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
//! **Randomness.** The draw is seeded by `Config::Randomness` (with a subject made of a domain
//! tag and the job id) and expanded per draw by [`infera_primitives::draw`], so anyone can
//! recompute a draw from its seed. The seed decides who serves a job, so it must be unknown to
//! the user when it submits: a seed derived from earlier blocks (block hashes, BABE's
//! `ParentBlockRandomness`) lets a user compute the draw and submit only when it lands on
//! providers of its choice. The Infera runtime plugs in the BABE VRF output of the including
//! block itself (`configs::randomness::BlockVrfRandomness` in the runtime), which only that
//! block's author knows in advance and cannot grind (the author can only leave a job out).
//!
//! **Results and attestations.** An answer is accepted only from an assigned provider and only
//! with an [`Attestation`]: an [`Outcome`] and an sr25519 signature by the provider's registered
//! worker key ([`ProviderRegistry::worker_key`]) over `SCALE(AttestationPayload { genesis_hash,
//! job_id, model_hash, input_hash, outcome })`. The outcome is the blake2-256 of the canonical
//! output, which must be exactly the model's canonical output length and at most the effective
//! `max_output_bytes`; or a *signed refusal* ([`RefusalReason`]: the output is not finite, or
//! the forward pass failed) with no output bytes. A refusal is voted on like an output, so an
//! input no model can answer (say, all NaN) costs honest providers nothing. The genesis hash
//! keeps a signature from being replayed on another chain. Valid commit and reveal
//! transactions are free (`Pays::No`); invalid ones fail and pay their fee. One that could only
//! fail because of *when* it comes (a duplicate, a late one, one whose round has passed to
//! arbitrators) is not even valid: the runtime's [`ValidateAnswer`] transaction extension drops
//! it from the pool, and no block can include it, so a slow pool or a block author holding an
//! honest provider's answer back never charges that provider.
//!
//! **Commit–reveal (redundancy > 1).** A commitment is [`commitment_of`]`(vote_digest, salt,
//! provider) = blake2_256(vote_digest ‖ salt ‖ SCALE(provider))`. Because the provider's own
//! account is inside, a commitment copied from another provider can never be revealed by the
//! copier, who is then slashed for the missed reveal; the original's commitment is unaffected
//! (commitments are never compared with each other). The reveal phase opens when every
//! provider committed (reveal deadline = now + reveal period) or at the commit deadline if at
//! least one did; with no commitment at all the job fails at the commit deadline.
//!
//! **Settlement** (module `settlement`): answers are grouped by vote digest; a strict majority of
//! the redundancy wins. Winners share the providers' total, the author gets its fee, the
//! treasury the protocol fee; a winning output is stored in [`Results`], a winning refusal ends
//! the job as [`JobStatus::Refused`]. Losers are slashed the wrong-result slash, providers that
//! never committed the timeout slash, and providers that committed but withheld their reveal
//! the larger of the two (withholding never beats revealing a losing answer).
//!
//! **Arbitration.** When answers were revealed but no strict majority formed (a sybil revealing
//! garbage at redundancy 2, two withholding at 3, or an honest split), the job is not refunded:
//! up to [`ARBITRATORS`] fresh providers of the model, never the job's own, are drawn
//! ([`Event::ArbitrationOpened`]) and answer by commit and reveal under the job's own periods;
//! the strict majority of the arbitrators decides. Everyone on the losing side is slashed, and
//! the slashes of an arbitrated job go to its winners (providers and arbitrators alike, who also
//! share the price), so splitting a job pays the honest side. The user pays and gets the
//! verdict. A refund remains only when nobody revealed anything, when no other provider can be
//! drawn, or when the arbitrators split as well.
//!
//! **Audits** (module `audit`). Each redundancy-1 job is audited with probability
//! [`JobParameters::audit_rate`] (kept in the job's terms). The coin is tossed when the
//! provider's commitment lands, with that block's randomness, so the provider is bound before
//! it can know; an auditor drawn among the model's other providers then commits blind, and
//! both reveal. Agreement pays both; a mismatch goes to arbitration. Every redundancy-1 job pays
//! an audit fee (the rate times the price, rounded up) into `Config::AuditReserve`, which pays
//! the auditors.
//!
//! *Limits of arbitration:* arbitrators see the providers' reveals on chain before they
//! answer, so a lazy arbitrator can copy one of the revealed answers instead of running the
//! model; it then guesses between the sides and loses the wrong-result slash when it guesses
//! wrong. Arbitrators are drawn with the same randomness as providers (see above).
//!
//! **Terms.** A job keeps the periods and slashes in force at its submission ([`JobTerms`]), so
//! a vote never changes the rules of a job already running.
//!
//! **Cancellation.** A cancel only takes effect `cancel_grace` blocks after it is asked for, and
//! only if no provider has answered by then: a user cannot see an answer in the pool and
//! front-run it with a cancel. A cancelled job costs the protocol fee.
//!
//! **Deadlines** (module [`schedule`]). Every open job has exactly one pending deadline,
//! recorded in its status and in [`Deadlines`], a queue keyed by block (a bounded vector per
//! block); a requested cancellation adds one more. A deadline is the first block at which the
//! window is *closed*; `on_initialize` of that block processes it. If a block's queue is full,
//! the entry goes to the next block with room (at most [`DEADLINE_SEARCH_BLOCKS`] later, else the
//! submission fails with [`Error::DeadlineQueueFull`]). A due queue is processed whole in its
//! block; entries of jobs that settled early cost one read and nothing else. So deadlines never
//! fall behind, whatever the load: `try_state` checks that no due queue is left.
//!
//! **Retention.** A finished job (completed, refused, failed or cancelled) is appended to a FIFO
//! ([`ExpiryQueue`]) with the block it expires at: [`JobParameters::result_retention`] blocks
//! after it finished, or later when that would put it before the queue's newest entry (after
//! governance shortened the retention) or when `MaxExpiriesPerBlock` jobs expire at that block
//! already. So the queue stays sorted, no block has more expiries than `on_initialize` removes,
//! and expiries never fall behind, whatever governance does: a job's results are kept at least
//! the retention in force when it finished. `on_idle` catches up after a stalled chain. Until
//! a job expires users read [`Jobs`] and [`Results`].
//!
//! **Parameters.** All policy values are read through one place, `Config::Parameters`
//! implementing [`JobParameters`]; governance (`pallet-parameters`) plugs in there, with every
//! value bounded where it is set (`infera_primitives::params`). The pallet clamps periods and
//! slashes to the same bounds again, for chains configured by other means. Structural bounds
//! that size storage and weights are `Config` constants.
//!
//! ## Terms
//!
//! - *Redundancy*: how many providers run the same job.
//! - *Canonical output*: the model output transformed by its agreement rule, byte-comparable
//!   across machines (see `infera_primitives::canonical`).
//! - *Attestation*: the inference worker's signature binding job, model, input and output.
//! - *Vote digest*: what settlement compares: an output's hash, or a refusal's digest.
//! - *Commitment*: `blake2_256(vote_digest ‖ salt ‖ provider)`, hiding an answer until reveal.
//! - *Strict majority*: more than half of the redundancy (or of the arbitrators).
//! - *Arbitrator*: a provider of the model drawn to decide a job whose providers split.
//! - *Withholding*: committing to an answer and not revealing it.
//! - *Open job*: a job in `Pending` or `Revealing` status; it holds funds and slots.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod answer;
mod assignment;
mod audit;
#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
pub mod extension;
mod invariants;
#[cfg(test)]
mod mock;
pub mod schedule;
pub mod settlement;
mod terms;
#[cfg(test)]
mod tests;
pub mod types;
pub mod views;
pub mod weights;

pub use extension::ValidateAnswer;
pub use pallet::*;
pub use schedule::CATCH_UP_BLOCKS;
pub use types::*;
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
pub use infera_primitives::params::DEADLINE_SEARCH_BLOCKS;
use infera_primitives::{
	attestation::AttestationPayload,
	digest,
	params::{
		AuditRate as AuditRateBounds, FeeRatio, SlashRatio, ARBITRATORS, MAX_PHASE_BLOCKS,
		MIN_PHASE_BLOCKS,
	},
	traits::{EligibleProvider, ModelRegistry, ProviderRegistry, SlashReason},
	Digest, JobId, ModelId,
};

/// Balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

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
		type Parameters: JobParameters<BlockNumberFor<Self>, BalanceOf<Self>>;

		/// Account receiving protocol fees (the treasury).
		type TreasuryAccount: Get<Self::AccountId>;

		/// The audit reserve: receives every redundancy-1 job's audit fee and pays the auditors
		/// of audited jobs (it should exist, e.g. endowed with the existential deposit at
		/// genesis).
		type AuditReserve: Get<Self::AccountId>;

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

		/// Capacity of one block's deadline queue, in entries. A due queue is processed whole in
		/// `on_initialize`, so a full queue of live deadlines must fit in a block's weight.
		#[pallet::constant]
		type MaxDeadlinesPerBlock: Get<u32>;

		/// Most jobs that expire at one block, all removed in that block's `on_initialize`
		/// (later ones are given the next block); `on_idle` catches up after a stalled chain.
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

	/// Finished jobs in finishing order, by position, each with the block it expires at (never
	/// decreasing along the queue; see [`ExpiryTail`]).
	#[pallet::storage]
	pub type ExpiryQueue<T: Config> = StorageMap<_, Twox64Concat, u64, (JobId, BlockNumberFor<T>)>;

	/// `(head, tail)` of [`ExpiryQueue`]: positions `head..tail` are occupied.
	#[pallet::storage]
	pub type ExpiryQueueBounds<T> = StorageValue<_, (u64, u64), ValueQuery>;

	/// The expiry block of the newest [`ExpiryQueue`] entry and how many entries expire then
	/// (at most `MaxExpiriesPerBlock`).
	#[pallet::storage]
	pub type ExpiryTail<T: Config> = StorageValue<_, (BlockNumberFor<T>, u32), ValueQuery>;

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
		/// A provider revealed its attested answer (redundancy > 1).
		ResultRevealed {
			/// The job.
			job_id: JobId,
			/// The provider.
			provider: T::AccountId,
			/// Vote digest of its answer (the output's hash, or a refusal's digest).
			output_hash: Digest,
		},
		/// The single provider of a redundancy-1 job committed and the audit coin chose an
		/// audit: `auditor` answers blind, by commit and reveal, until `deadline`.
		AuditOpened {
			/// The job.
			job_id: JobId,
			/// The auditor drawn.
			auditor: T::AccountId,
			/// First block at which its commit is no longer accepted.
			deadline: BlockNumberFor<T>,
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
		/// A job settled with a majority refusal: the model cannot answer its input. The
		/// providers that refused were paid; nobody was slashed for refusing.
		JobRefused {
			/// The job.
			job_id: JobId,
			/// Why the model could not answer.
			reason: RefusalReason,
			/// How many providers refused for this reason.
			winners: u32,
			/// What each of them was paid.
			share: BalanceOf<T>,
		},
		/// The providers of a job reached no strict majority: arbitrators were drawn, and their
		/// commit phase is open until `deadline`.
		ArbitrationOpened {
			/// The job.
			job_id: JobId,
			/// The arbitrators, in draw order.
			arbitrators: BoundedVec<T::AccountId, ConstU32<ARBITRATORS>>,
			/// First block at which their commits are no longer accepted.
			deadline: BlockNumberFor<T>,
		},
		/// A job settled without a result; the user was refunded in full.
		JobFailed {
			/// The job.
			job_id: JobId,
			/// Why.
			reason: FailureReason,
		},
		/// The user asked to cancel a job. It takes effect at `at` unless a provider answers
		/// first (an answer already in flight lands and completes the job).
		CancelRequested {
			/// The job.
			job_id: JobId,
			/// Block at which the cancellation takes effect.
			at: BlockNumberFor<T>,
		},
		/// A cancellation took effect: the user got everything back but the protocol fee.
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
		/// The window for this answer has closed.
		DeadlinePassed,
		/// The caller already committed.
		AlreadyCommitted,
		/// The caller already revealed or submitted its answer.
		AlreadyAnswered,
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
		/// A refusal comes without output bytes.
		OutputWithRefusal,
		/// Only the job's user may cancel it.
		NotJobOwner,
		/// A provider has already committed or answered; the job can no longer be cancelled.
		CannotCancel,
		/// The job's cancellation was already requested.
		AlreadyCancelling,
		/// The job's own deadline comes before a cancellation could take effect; it is refunded
		/// then if nobody answers.
		TooLateToCancel,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let work = Self::process_deadlines(now, 1 + CATCH_UP_BLOCKS);
			let expired = Self::expire_jobs(now, T::MaxExpiriesPerBlock::get());
			Self::deadline_weight(work).saturating_add(T::WeightInfo::expire_jobs(expired))
		}

		/// Works through older deadline queues and due expiries with the block's spare weight
		/// (nothing to do while `on_initialize` keeps up).
		fn on_idle(now: BlockNumberFor<T>, limit: Weight) -> Weight {
			let mut used = Weight::zero();
			let queue = Self::full_queue_weight();
			while !Self::deadlines_caught_up(now) && used.saturating_add(queue).all_lte(limit) {
				used = used.saturating_add(Self::deadline_weight(Self::process_deadlines(now, 1)));
			}
			let per_expiry =
				T::WeightInfo::expire_jobs(1).saturating_sub(T::WeightInfo::expire_jobs(0));
			let spare = limit.saturating_sub(used).saturating_sub(T::WeightInfo::expire_jobs(0));
			let room = if per_expiry.ref_time() == 0 {
				T::MaxExpiriesPerBlock::get()
			} else {
				(spare.ref_time() / per_expiry.ref_time()).min(u32::MAX.into()) as u32
			};
			if room > 0 {
				let expired = Self::expire_jobs(now, room);
				used = used.saturating_add(T::WeightInfo::expire_jobs(expired));
			}
			used
		}

		fn integrity_test() {
			assert!(T::MaxRedundancy::get() >= 1, "MaxRedundancy must be at least 1");
			assert!(
				T::MaxCandidates::get() >= T::MaxRedundancy::get(),
				"MaxCandidates must allow a full draw"
			);
			assert!(T::MaxDeadlinesPerBlock::get() >= 1, "deadline queues need room");
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
			let picked = Self::draw(candidates, r, job_id, assignment::ASSIGN_SUBJECT);

			let provider_total = picked
				.iter()
				.try_fold(BalanceOf::<T>::zero(), |acc, p| acc.checked_add(&p.price))
				.ok_or(Error::<T>::Overflow)?;
			let stored = input_len.saturating_add(info.canonical_output_len);
			let protocol_fee =
				Self::protocol_fee_of(provider_total, stored).ok_or(Error::<T>::Overflow)?;
			let terms = Self::current_terms();
			let audit_fee = Self::audit_fee_of(r, provider_total, &terms);
			let price = provider_total
				.checked_add(&info.fee)
				.and_then(|x| x.checked_add(&protocol_fee))
				.and_then(|x| x.checked_add(&audit_fee))
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
					audit_fee,
					underwritten: Zero::zero(),
					audited: false,
					held: price,
					assignments,
					arbitrators: BoundedVec::new(),
					submitted_at: now,
					commit_deadline: deadline,
					cancel_at: None,
					terms,
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

		/// Commits to an answer of a job:
		/// `commitment = blake2_256(vote_digest ‖ salt ‖ SCALE(caller))` (see [`commitment_of`]).
		///
		/// Only an assigned provider (or auditor, or arbitrator, in its round), or its operator
		/// (see `ProviderRegistry::acting_for`), may call, once,
		/// before the commit deadline. Commitments are not compared with each other: one copied
		/// from another provider binds the copier's account and can never be revealed by it, so
		/// copying harms only the copier. The commitment of a redundancy-1 job's provider tosses
		/// the audit coin ([`Event::AuditOpened`]); when the last one of the round commits, the
		/// reveal phase opens ([`Event::RevealOpened`]). Free when valid.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::commit_result(T::MaxRedundancy::get())
			.saturating_add(Pallet::<T>::arbitration_weight()))]
		pub fn commit_result(
			origin: OriginFor<T>,
			job_id: JobId,
			commitment: Digest,
		) -> DispatchResultWithPostInfo {
			// A provider's operator answers for it.
			let who = T::Providers::acting_for(&ensure_signed(origin)?);
			let now = frame_system::Pallet::<T>::block_number();
			let answer::Slot { mut job, index, .. } =
				Self::commit_slot(job_id, &who, now).map_err(Error::<T>::from)?;

			Self::set_answer(&mut job, index, Answer::Committed(commitment));
			Self::deposit_event(Event::ResultCommitted { job_id, provider: who });
			// The single provider of a redundancy-1 job is bound now: toss the audit coin with
			// the randomness of this block, which it could not know when it sent the commit.
			let audited = job.redundancy() == 1
				&& !job.audited
				&& !job.in_arbitration()
				&& Self::open_audit(job_id, &mut job, now);
			let used = T::WeightInfo::commit_result(T::MaxRedundancy::get());
			let used = if audited { used.saturating_add(Self::arbitration_weight()) } else { used };
			if !audited && job.acting().iter().all(|a| matches!(a.answer, Answer::Committed(_))) {
				// Everyone committed: open the reveal phase now. If the queues are full the
				// job simply stays in the commit phase and opens at its commit deadline.
				let target = now.saturating_add(job.terms.reveal_period);
				if let Some(deadline) = Self::schedule(target, job_id, DeadlineKind::Reveal) {
					job.status = JobStatus::Revealing { deadline };
					Self::deposit_event(Event::RevealOpened { job_id, deadline });
				}
			}
			Jobs::<T>::insert(job_id, job);
			Ok(PostDispatchInfo { actual_weight: Some(used), pays_fee: Pays::No })
		}

		/// Reveals the attested answer (an output, or a signed refusal with an empty `output`)
		/// behind the caller's commitment.
		///
		/// Only a provider that committed (or its operator) may call, once, while the reveal
		/// phase is open.
		/// Checks the output, the attestation and the commitment. When every provider that
		/// committed has revealed, the job settles at once. Free when valid.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::reveal_result(
			output.len() as u32,
			T::MaxRedundancy::get(),
		).saturating_add(Pallet::<T>::arbitration_weight()))]
		pub fn reveal_result(
			origin: OriginFor<T>,
			job_id: JobId,
			output: BoundedVec<u8, T::MaxOutputBytes>,
			salt: [u8; 32],
			attestation: Attestation,
		) -> DispatchResultWithPostInfo {
			let who = T::Providers::acting_for(&ensure_signed(origin)?);
			let now = frame_system::Pallet::<T>::block_number();
			let (answer::Slot { mut job, index, .. }, commitment) =
				Self::reveal_slot(job_id, &who, now).map_err(Error::<T>::from)?;
			let output_hash = attestation.outcome.vote_digest();
			ensure!(
				commitment_of(&output_hash, &salt, &who) == commitment,
				Error::<T>::CommitmentMismatch
			);
			Self::check_answer(job_id, &job, &who, &output, &attestation)
				.map_err(Error::<T>::from)?;

			Self::set_answer(&mut job, index, Answer::Revealed(output_hash));
			let output_len = output.len() as u32;
			if !output.is_empty() && !PendingOutputs::<T>::contains_key(job_id, output_hash) {
				PendingOutputs::<T>::insert(job_id, output_hash, output);
			}
			Self::deposit_event(Event::ResultRevealed { job_id, provider: who, output_hash });
			let end = if job.acting().iter().all(|a| !matches!(a.answer, Answer::Committed(_))) {
				Self::settle(job_id, job, now)
			} else {
				Jobs::<T>::insert(job_id, job);
				settlement::RoundEnd::Done
			};
			// Only a reveal that sends the job to arbitration uses the weight of the draw.
			let used = T::WeightInfo::reveal_result(output_len, T::MaxRedundancy::get());
			let used = match end {
				settlement::RoundEnd::Done => used,
				settlement::RoundEnd::Escalated => used.saturating_add(Self::arbitration_weight()),
			};
			Ok(PostDispatchInfo { actual_weight: Some(used), pays_fee: Pays::No })
		}

		/// Asks to cancel a job; the cancellation takes effect `cancel_grace` blocks later.
		///
		/// Only the job's user may call, once, while no provider has committed or answered and
		/// while the job's own deadline is further away than the grace. An answer that lands
		/// during the grace completes the job as usual (the user pays for it): a cancel can
		/// never race an answer already in flight. If none lands, the job is cancelled
		/// ([`Event::JobCancelled`]): the treasury keeps the protocol fee, the user gets the
		/// rest back and nobody is slashed. Emits [`Event::CancelRequested`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::cancel_job(T::MaxRedundancy::get()))]
		pub fn cancel_job(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let now = frame_system::Pallet::<T>::block_number();
			let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(job.user == who, Error::<T>::NotJobOwner);
			ensure!(matches!(job.status, JobStatus::Pending { .. }), Error::<T>::JobFinished);
			ensure!(!job.any_answer(), Error::<T>::CannotCancel);
			ensure!(job.cancel_at.is_none(), Error::<T>::AlreadyCancelling);
			let target = now.saturating_add(job.terms.cancel_grace);
			ensure!(target < job.commit_deadline, Error::<T>::TooLateToCancel);
			let at = Self::free_deadline_slot(target)
				.filter(|at| *at < job.commit_deadline)
				.ok_or(Error::<T>::DeadlineQueueFull)?;
			Deadlines::<T>::try_mutate(at, |q| q.try_push((job_id, DeadlineKind::Cancel)))
				.map_err(|_| Error::<T>::DeadlineQueueFull)?;
			job.cancel_at = Some(at);
			Jobs::<T>::insert(job_id, job);
			Self::deposit_event(Event::CancelRequested { job_id, at });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
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

	/// Records the answer of the provider at `index` of the job's current round (see
	/// [`answer::Slot`]).
	fn set_answer(job: &mut Job<T>, index: usize, answer: Answer) {
		if let Some(a) = job.acting_mut().get_mut(index) {
			a.answer = answer;
		}
	}

	/// The genesis hash of this chain, which attestations sign (from block 1 on, the same
	/// value `CheckGenesis` uses).
	pub fn genesis_hash() -> infera_primitives::Hash {
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		infera_primitives::hash_from_bytes(genesis.as_ref())
	}
}
