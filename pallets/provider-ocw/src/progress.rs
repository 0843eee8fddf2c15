//! What this node has done for each (job, provider) pair, kept in the off-chain database so a
//! job is never processed twice, a commit's secret survives until its reveal, transient worker
//! failures back off, and a restarted node picks up where it stopped.
//!
//! All records live in `PERSISTENT` off-chain storage (node-local, never part of consensus)
//! under `infera/ocw/…` keys.

use crate::Config;
use alloc::vec::Vec;
use codec::{Decode, Encode};
use frame::{
	deps::{
		frame_system::pallet_prelude::BlockNumberFor,
		sp_runtime::offchain::storage::{StorageRetrievalError, StorageValueRef},
	},
	prelude::*,
};
use infera_primitives::JobId;
use pallet_job_escrow::Attestation;

/// What a provider must send to reveal its committed answer.
#[derive(Encode, Decode, Clone, PartialEq, Debug)]
pub struct RevealSecret {
	/// Canonical output bytes.
	pub output: Vec<u8>,
	/// Salt of the commitment.
	pub salt: [u8; 32],
	/// The worker's attestation of the output.
	pub attestation: Attestation,
}

/// The last thing done for a job by one local provider key.
#[derive(Encode, Decode, Clone, PartialEq, Debug)]
pub enum Step<BlockNumber> {
	/// The result (redundancy 1) was submitted at `at`.
	Answered {
		/// Block of submission.
		at: BlockNumber,
	},
	/// The commitment was submitted at `at`; `secret` is needed for the reveal.
	Committed {
		/// Block of submission.
		at: BlockNumber,
		/// Output, salt and attestation behind the commitment.
		secret: RevealSecret,
	},
	/// The reveal was submitted at `at`; `secret` is kept to resubmit it if it is lost.
	Revealed {
		/// Block of submission.
		at: BlockNumber,
		/// What was revealed.
		secret: RevealSecret,
	},
	/// The worker failed `attempts` times in a row; try again from `retry_at`.
	Failed {
		/// Consecutive failures.
		attempts: u32,
		/// First block of the next attempt.
		retry_at: BlockNumber,
	},
}

fn progress_key<AccountId: Encode>(job_id: JobId, provider: &AccountId) -> Vec<u8> {
	let mut key = b"infera/ocw/progress/".to_vec();
	(job_id, provider).encode_to(&mut key);
	key
}

/// The recorded step of `provider` on `job_id`, if any.
pub fn load<T: Config>(job_id: JobId, provider: &T::AccountId) -> Option<Step<BlockNumberFor<T>>> {
	StorageValueRef::persistent(&progress_key(job_id, provider)).get().ok().flatten()
}

/// Records `step` for `provider` on `job_id` and remembers the job for [`prune`].
pub fn save<T: Config>(job_id: JobId, provider: &T::AccountId, step: &Step<BlockNumberFor<T>>) {
	StorageValueRef::persistent(&progress_key(job_id, provider)).set(step);
	let tracked = StorageValueRef::persistent(TRACKED_KEY);
	let _ = tracked.mutate(
		|jobs: Result<Option<Vec<(JobId, T::AccountId)>>, StorageRetrievalError>| {
			let mut jobs = jobs.ok().flatten().unwrap_or_default();
			if !jobs.iter().any(|(j, p)| *j == job_id && p == provider) {
				jobs.push((job_id, provider.clone()));
			}
			Ok::<_, ()>(jobs)
		},
	);
}

/// Key of the list of (job, provider) pairs that have a progress record.
const TRACKED_KEY: &[u8] = b"infera/ocw/tracked";

/// Deletes the records of jobs that `is_open` says are finished, so local storage stays
/// bounded by the number of open jobs this node serves.
pub fn prune<T: Config>(is_open: impl Fn(JobId) -> bool) {
	let tracked = StorageValueRef::persistent(TRACKED_KEY);
	let _ = tracked.mutate(
		|jobs: Result<Option<Vec<(JobId, T::AccountId)>>, StorageRetrievalError>| {
			let mut jobs = jobs.ok().flatten().unwrap_or_default();
			jobs.retain(|(job_id, provider)| {
				let open = is_open(*job_id);
				if !open {
					StorageValueRef::persistent(&progress_key(*job_id, provider)).clear();
				}
				open
			});
			Ok::<_, ()>(jobs)
		},
	);
}

/// Key of the next nonce this node will use for `account`.
fn nonce_key<AccountId: Encode>(account: &AccountId) -> Vec<u8> {
	let mut key = b"infera/ocw/nonce/".to_vec();
	account.encode_to(&mut key);
	key
}

/// Nonces handed out ahead of the chain, so one off-chain worker run can submit several
/// transactions from one account (the chain's nonce only moves once they are included).
#[derive(Encode, Decode, Clone, PartialEq, Debug)]
pub struct NonceRecord<Nonce, BlockNumber> {
	/// The next nonce to use.
	pub next: Nonce,
	/// When the run of speculative nonces started; after `resync_after` blocks without the
	/// chain catching up, transactions were lost and numbering restarts at the chain's nonce.
	pub since: BlockNumber,
}

/// The nonce for `account`'s next transaction, given the chain's nonce, and records its use.
pub fn take_nonce<T: Config>(
	account: &T::AccountId,
	chain_nonce: T::Nonce,
	now: BlockNumberFor<T>,
	resync_after: BlockNumberFor<T>,
) -> T::Nonce {
	let key = nonce_key(account);
	let reference = StorageValueRef::persistent(&key);
	let record: Option<NonceRecord<T::Nonce, BlockNumberFor<T>>> = reference.get().ok().flatten();
	let (nonce, since) = match record {
		Some(r) if r.next > chain_nonce && now < r.since.saturating_add(resync_after) => {
			(r.next, r.since)
		}
		_ => (chain_nonce, now),
	};
	reference.set(&NonceRecord::<T::Nonce, BlockNumberFor<T>> {
		next: nonce.saturating_add(One::one()),
		since,
	});
	nonce
}
