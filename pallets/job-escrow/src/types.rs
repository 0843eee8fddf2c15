//! Data types of the job pallet: the job record, its assignments and status, the attestation a
//! provider sends with its output, and the [`JobParameters`] governance hook.

use crate::{BalanceOf, Config};
use alloc::vec::Vec;
use frame::prelude::*;
pub use infera_primitives::attestation::{Attestation, Outcome, RefusalReason};
pub use infera_primitives::{
	job::{Answer, Assignment, DeadlineKind, FailureReason, JobStatus},
	market::ProviderRecord,
};
use infera_primitives::{params::ARBITRATORS, traits::SlashReason, Digest, JobId, ModelId};

/// Prefix of the off-chain (indexed) database key under which a job's input bytes are stored.
///
/// The full key is `INPUT_KEY_PREFIX ++ SCALE(job_id) ++ input_hash`, i.e. the 17 ASCII bytes
/// `infera/job-input/`, the job id as 8 little-endian bytes and the input's 32-byte blake2-256
/// hash; the value is the raw input bytes (exactly `Job::input_len` bytes, hashing to
/// `Job::input_hash` with `infera_primitives::digest`). The hash is in the key so that a
/// competing fork block holding another job under the same id writes another entry instead of
/// overwriting this one (offchain indexing is not fork-aware). A provider's off-chain worker
/// reads it with `sp_io::offchain::local_storage_get(StorageKind::PERSISTENT, &input_key(..))`;
/// the node must run with `--enable-offchain-indexing true`. The entry is cleared when the job
/// expires.
pub const INPUT_KEY_PREFIX: &[u8] = b"infera/job-input/";

/// The off-chain database key of job `job_id`'s input bytes, which hash to `input_hash` (see
/// [`INPUT_KEY_PREFIX`]).
pub fn input_key(job_id: JobId, input_hash: &Digest) -> Vec<u8> {
	let mut key = INPUT_KEY_PREFIX.to_vec();
	key.extend_from_slice(&job_id.encode());
	key.extend_from_slice(input_hash);
	key
}

/// The second key of a job in `UserJobs`: `u64::MAX - job_id` big-endian, so that the raw keys
/// of one user's jobs sort newest first (the map's hasher is `Identity`).
pub fn newest_first_key(job_id: JobId) -> [u8; 8] {
	(u64::MAX - job_id).to_be_bytes()
}

/// The job id of a `UserJobs` key (inverse of [`newest_first_key`]).
pub fn job_of_newest_first_key(key: [u8; 8]) -> JobId {
	u64::MAX - u64::from_be_bytes(key)
}

/// The commitment a provider submits with `commit_result`:
/// `blake2_256(vote_digest ‖ salt ‖ SCALE(provider))`, where `vote_digest` is the answer's
/// [`Outcome::vote_digest`](infera_primitives::attestation::Outcome::vote_digest).
///
/// Binding the provider's account into the commitment means a commitment copied from another
/// provider can never be revealed by the copier: copying harms only the copier, who is then
/// slashed for a missed reveal.
pub fn commitment_of<AccountId: Encode>(
	output_hash: &Digest,
	salt: &[u8; 32],
	provider: &AccountId,
) -> Digest {
	let mut data = Vec::with_capacity(64 + provider.encoded_size());
	data.extend_from_slice(output_hash);
	data.extend_from_slice(salt);
	provider.encode_to(&mut data);
	infera_primitives::digest(&data)
}

/// Everything governance may tune about jobs, read by the pallet through this one trait.
///
/// The runtime implements it once, reading `pallet-parameters` dynamic parameters that token
/// holders change by referendum; mocks use [`ParametersFromGets`] over constants.
/// The pallet re-reads every value when it needs it, so a change applies to the next job (or the
/// next phase of a running job) without a migration. Values are sanitised by the pallet: a
/// redundancy is clamped to `1..=max_redundancy()` (itself within `1..=MaxRedundancy`), periods to at least one block, sizes to the
/// structural caps `MaxInputBytes` / `MaxOutputBytes` of the pallet's `Config`.
///
/// The structural caps themselves (`MaxRedundancy`, `MaxInputBytes`, `MaxOutputBytes`, ...) are
/// `Config` constants because they size storage items and weights; raising them is a runtime
/// upgrade, lowering the effective limits here is a vote.
pub trait JobParameters<BlockNumber, Balance> {
	/// Redundancy (number of providers) of a job that does not ask for one.
	fn default_redundancy() -> u32;
	/// Largest redundancy a job may ask for (capped by `Config::MaxRedundancy`).
	fn max_redundancy() -> u32;
	/// Blocks a provider has, from submission, to commit (also an auditor or arbitrators, from
	/// their draw).
	fn commit_period() -> BlockNumber;
	/// Blocks providers have, from the moment the reveal phase opens, to reveal.
	fn reveal_period() -> BlockNumber;
	/// Part of a provider's bond slashed when its revealed answer loses the majority vote.
	fn wrong_result_slash() -> Perbill;
	/// Part of a provider's bond slashed when it misses a commit, reveal or result deadline.
	fn timeout_slash() -> Perbill;
	/// Protocol fee, as a part of the providers' total price, paid to the treasury.
	fn protocol_fee() -> Perbill;
	/// Largest accepted job input, in bytes (capped by `Config::MaxInputBytes`).
	fn max_input_bytes() -> u32;
	/// Largest accepted canonical output, in bytes (capped by `Config::MaxOutputBytes`).
	fn max_output_bytes() -> u32;
	/// Blocks a finished job and its result stay readable before they are removed.
	fn result_retention() -> BlockNumber;
	/// Blocks between a user's `cancel_job` and the cancellation taking effect: an answer
	/// already in flight lands first and completes the job.
	fn cancel_grace() -> BlockNumber;
	/// Storage fee per byte of a job's input and result, added to the protocol fee so that
	/// even a job priced at zero pays for what it stores.
	fn byte_fee() -> Balance;
	/// Chance that a redundancy-1 job is audited by a second provider (clamped to 100%).
	fn audit_rate() -> Perbill;
}

/// [`JobParameters`] assembled from one `Get` per parameter, in the order of the trait's methods
/// (constants such as `ConstU32` or `parameter_types!`): what a mock runtime or a chain without
/// governance uses.
#[allow(clippy::type_complexity)]
pub struct ParametersFromGets<
	Redundancy,
	AllowedRedundancy,
	CommitPeriod,
	RevealPeriod,
	WrongResultSlash,
	TimeoutSlash,
	ProtocolFee,
	MaxInput,
	MaxOutput,
	Retention,
	CancelGrace,
	ByteFee,
	AuditRate,
>(
	core::marker::PhantomData<(
		Redundancy,
		AllowedRedundancy,
		CommitPeriod,
		RevealPeriod,
		WrongResultSlash,
		TimeoutSlash,
		ProtocolFee,
		MaxInput,
		MaxOutput,
		Retention,
		CancelGrace,
		ByteFee,
		AuditRate,
	)>,
);

impl<BlockNumber, Balance, R, A, C, V, W, O, F, I, X, K, G, B, U>
	JobParameters<BlockNumber, Balance> for ParametersFromGets<R, A, C, V, W, O, F, I, X, K, G, B, U>
where
	R: Get<u32>,
	A: Get<u32>,
	C: Get<BlockNumber>,
	V: Get<BlockNumber>,
	W: Get<Perbill>,
	O: Get<Perbill>,
	F: Get<Perbill>,
	I: Get<u32>,
	X: Get<u32>,
	K: Get<BlockNumber>,
	G: Get<BlockNumber>,
	B: Get<Balance>,
	U: Get<Perbill>,
{
	fn default_redundancy() -> u32 {
		R::get()
	}
	fn max_redundancy() -> u32 {
		A::get()
	}
	fn commit_period() -> BlockNumber {
		C::get()
	}
	fn reveal_period() -> BlockNumber {
		V::get()
	}
	fn wrong_result_slash() -> Perbill {
		W::get()
	}
	fn timeout_slash() -> Perbill {
		O::get()
	}
	fn protocol_fee() -> Perbill {
		F::get()
	}
	fn max_input_bytes() -> u32 {
		I::get()
	}
	fn max_output_bytes() -> u32 {
		X::get()
	}
	fn result_retention() -> BlockNumber {
		K::get()
	}
	fn cancel_grace() -> BlockNumber {
		G::get()
	}
	fn byte_fee() -> Balance {
		B::get()
	}
	fn audit_rate() -> Perbill {
		U::get()
	}
}

/// The rules a job was submitted under: governance may change the parameters while it runs, but
/// the job keeps these, so nobody's stake is slashed by a rule that did not exist when it took
/// the job.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct JobTerms<BlockNumber> {
	/// Blocks the arbitrators' commit phase lasts once arbitration opens.
	pub commit_period: BlockNumber,
	/// Blocks the reveal phase lasts once it opens.
	pub reveal_period: BlockNumber,
	/// Blocks from a `cancel_job` to the cancellation taking effect.
	pub cancel_grace: BlockNumber,
	/// Part of the bond slashed for an answer that loses the vote.
	pub wrong_result_slash: Perbill,
	/// Part of the bond slashed for a missed deadline.
	pub timeout_slash: Perbill,
	/// Chance that the job is audited, if it has redundancy 1.
	pub audit_rate: Perbill,
}

impl<BlockNumber> JobTerms<BlockNumber> {
	/// The part of the bond slashed for `reason` under these terms. Withholding a reveal costs
	/// the larger of the wrong-result and timeout slashes: never less than revealing a losing
	/// answer.
	pub fn ratio(&self, reason: SlashReason) -> Perbill {
		match reason {
			SlashReason::WrongResult => self.wrong_result_slash,
			SlashReason::Timeout | SlashReason::InvalidAttestation => self.timeout_slash,
			SlashReason::Withheld => self.wrong_result_slash.max(self.timeout_slash),
		}
	}
}

/// The record of one job.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound(T: Config))]
pub struct Job<T: Config> {
	/// Who submitted and pays for the job.
	pub user: T::AccountId,
	/// The model (exact version) the job runs.
	pub model: ModelId,
	/// The model's artifact hash at submission: what workers attest to.
	pub model_hash: Digest,
	/// blake2-256 of the input bytes (which live in the off-chain index, see [`input_key`]).
	pub input_hash: Digest,
	/// Length of the input in bytes.
	pub input_len: u32,
	/// Exact length of a canonical output of the model, in bytes.
	pub output_len: u32,
	/// The model's author, paid `author_fee` on success.
	pub author: T::AccountId,
	/// Fee of the model's author.
	pub author_fee: BalanceOf<T>,
	/// Fee paid to the treasury when the job is paid or cancelled.
	pub protocol_fee: BalanceOf<T>,
	/// Audit fee of a redundancy-1 job (zero otherwise), paid into the audit reserve with the
	/// protocol fee.
	pub audit_fee: BalanceOf<T>,
	/// What the audit reserve added to the job's escrow to pay its auditor (returned to the
	/// reserve if the job ends without paying it).
	pub underwritten: BalanceOf<T>,
	/// Whether the job, submitted with redundancy 1, is audited: its last assignment is then
	/// the auditor.
	pub audited: bool,
	/// What is still held from the user for this job (zero once it has finished).
	pub held: BalanceOf<T>,
	/// The assigned providers, in assignment order; the length is the job's redundancy.
	pub assignments: BoundedVec<Assignment<T::AccountId, BalanceOf<T>>, T::MaxRedundancy>,
	/// The arbitrators drawn when the providers reached no strict majority (empty until then).
	/// Once drawn, only they answer; their strict majority decides the job.
	pub arbitrators: BoundedVec<Assignment<T::AccountId, BalanceOf<T>>, ConstU32<ARBITRATORS>>,
	/// Block of submission.
	pub submitted_at: BlockNumberFor<T>,
	/// The block at which the commit (or result) window closes, fixed at submission.
	pub commit_deadline: BlockNumberFor<T>,
	/// The block at which the user's cancellation takes effect, once requested.
	pub cancel_at: Option<BlockNumberFor<T>>,
	/// The rules in force at submission.
	pub terms: JobTerms<BlockNumberFor<T>>,
	/// Current status.
	pub status: JobStatus<BlockNumberFor<T>>,
}

impl<T: Config> Job<T> {
	/// The number of providers assigned (an audited redundancy-1 job counts its auditor).
	pub fn redundancy(&self) -> u32 {
		self.assignments.len() as u32
	}

	/// What the user pays in all: the providers' prices (less what the audit reserve put in
	/// for an auditor), the author fee, the protocol fee and the audit fee.
	pub fn price(&self) -> BalanceOf<T> {
		self.provider_total()
			.saturating_sub(self.underwritten)
			.saturating_add(self.author_fee)
			.saturating_add(self.protocol_fee)
			.saturating_add(self.audit_fee)
	}

	/// The providers' part of the price: the sum of the assigned providers' prices.
	pub fn provider_total(&self) -> BalanceOf<T> {
		self.assignments
			.iter()
			.fold(Zero::zero(), |acc: BalanceOf<T>, a| acc.saturating_add(a.price))
	}

	/// Whether the job still waits for answers (and holds funds).
	pub fn is_open(&self) -> bool {
		self.status.deadline().is_some()
	}

	/// Whether any provider has committed or answered.
	pub fn any_answer(&self) -> bool {
		self.assignments.iter().any(|a| a.answer != Answer::Pending)
	}

	/// Whether the job went to arbitration.
	pub fn in_arbitration(&self) -> bool {
		!self.arbitrators.is_empty()
	}

	/// The assignments that answer in the job's current round: the arbitrators once drawn,
	/// the providers before.
	pub fn acting(&self) -> &[Assignment<T::AccountId, BalanceOf<T>>] {
		if self.in_arbitration() {
			&self.arbitrators
		} else {
			&self.assignments
		}
	}

	/// Mutable access to the assignments of the current round (see [`Self::acting`]).
	pub fn acting_mut(&mut self) -> &mut [Assignment<T::AccountId, BalanceOf<T>>] {
		if self.in_arbitration() {
			self.arbitrators.as_mut()
		} else {
			self.assignments.as_mut()
		}
	}

	/// Every assignment of the job: its providers, then its arbitrators.
	pub fn everyone(&self) -> impl Iterator<Item = &Assignment<T::AccountId, BalanceOf<T>>> {
		self.assignments.iter().chain(self.arbitrators.iter())
	}
}
