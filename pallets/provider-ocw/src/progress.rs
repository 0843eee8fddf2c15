//! What this node has done for each (job, provider) pair, kept in the off-chain database so a
//! job is never processed twice, a commit's secret survives until its reveal, transient worker
//! failures back off, and a restarted node picks up where it stopped.
//!
//! All records live in `PERSISTENT` off-chain storage (node-local, never part of consensus)
//! under `infera/ocw/…` keys.

use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use frame::{
	deps::sp_runtime::offchain::storage::{
		MutateStorageError, StorageRetrievalError, StorageValueRef,
	},
	prelude::*,
};
use infera_primitives::attestation::Attestation;
use infera_primitives::JobId;

use crate::Action;

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
pub fn load<B: Decode>(job_id: JobId, provider: &impl Encode) -> Option<Step<B>> {
	StorageValueRef::persistent(&progress_key(job_id, provider)).get().ok().flatten()
}

/// Records `step` for `provider` on `job_id` and remembers the job for [`prune`].
pub fn save<A: Codec + PartialEq + Clone, B: Encode>(job_id: JobId, provider: &A, step: &Step<B>) {
	StorageValueRef::persistent(&progress_key(job_id, provider)).set(step);
	let tracked = StorageValueRef::persistent(TRACKED_KEY);
	let _ = tracked.mutate(|jobs: Result<Option<Vec<(JobId, A)>>, StorageRetrievalError>| {
		let mut jobs = jobs.ok().flatten().unwrap_or_default();
		if !jobs.iter().any(|(j, p)| *j == job_id && p == provider) {
			jobs.push((job_id, provider.clone()));
		}
		Ok::<_, ()>(jobs)
	});
}

/// Key of the transaction that last sent a step of `provider` on `job_id`.
fn sent_key<AccountId: Encode>(job_id: JobId, provider: &AccountId) -> Vec<u8> {
	let mut key = b"infera/ocw/sent/".to_vec();
	(job_id, provider).encode_to(&mut key);
	key
}

/// Which step a transaction sent, and with which nonce (see [`nonce_for`]).
#[derive(Encode, Decode, Clone, Copy, PartialEq, Debug)]
pub struct Sent<Nonce> {
	/// The step sent.
	pub action: Action,
	/// The nonce its transaction was signed with.
	pub nonce: Nonce,
}

/// The transaction that last sent a step of `provider` on `job_id`, if any.
pub fn sent<N: Decode>(job_id: JobId, provider: &impl Encode) -> Option<Sent<N>> {
	StorageValueRef::persistent(&sent_key(job_id, provider)).get().ok().flatten()
}

/// Records the transaction that sent a step of `provider` on `job_id` (cleared by [`prune`]
/// with the job's progress record).
pub fn record_sent<N: Encode>(job_id: JobId, provider: &impl Encode, sent: &Sent<N>) {
	StorageValueRef::persistent(&sent_key(job_id, provider)).set(sent);
}

/// Key of the list of (job, provider) pairs that have a progress record.
const TRACKED_KEY: &[u8] = b"infera/ocw/tracked";

/// Deletes the records of jobs that `is_open` says are finished, so local storage stays
/// bounded by the number of open jobs this node serves.
pub fn prune<A: Codec>(is_open: impl Fn(JobId) -> bool) {
	let tracked = StorageValueRef::persistent(TRACKED_KEY);
	let _ = tracked.mutate(|jobs: Result<Option<Vec<(JobId, A)>>, StorageRetrievalError>| {
		let mut jobs = jobs.ok().flatten().unwrap_or_default();
		jobs.retain(|(job_id, provider)| {
			let open = is_open(*job_id);
			if !open {
				StorageValueRef::persistent(&progress_key(*job_id, provider)).clear();
				StorageValueRef::persistent(&sent_key(*job_id, provider)).clear();
			}
			open
		});
		Ok::<_, ()>(jobs)
	});
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
	/// The chain's nonce when it was last seen to move.
	pub chain: Nonce,
	/// When the chain's nonce last moved (or numbering started); after `resync_after` blocks
	/// without the chain's nonce moving while ours is ahead, transactions were lost and
	/// numbering restarts at the chain's nonce.
	pub since: BlockNumber,
}

/// Where `account`'s numbering goes on, given its record and the chain's nonce at `now`: our
/// next nonce, and since when the chain's nonce stands where it is. `None` when numbering
/// restarts at the chain's nonce: the chain caught up, or its nonce stood still for
/// `resync_after` blocks while ours was ahead (a transaction of ours was lost, and the later
/// ones wait behind it).
fn continued<N: PartialOrd + Copy, B: Ord + Saturating + Copy>(
	record: Option<NonceRecord<N, B>>,
	chain_nonce: N,
	now: B,
	resync_after: B,
) -> Option<(N, B)> {
	match record {
		Some(r) if r.next > chain_nonce && r.chain != chain_nonce => Some((r.next, now)),
		Some(r) if r.next > chain_nonce && now < r.since.saturating_add(resync_after) => {
			Some((r.next, r.since))
		}
		_ => None,
	}
}

/// The nonce for `account`'s next transaction, given the chain's nonce, and records its use.
///
/// Under sustained load the chain's nonce trails ours for long, but keeps moving; only a chain
/// nonce that stands still for `resync_after` blocks means our transactions were dropped.
pub fn take_nonce<
	N: Codec + PartialOrd + Saturating + One + Copy,
	B: Codec + Ord + Saturating + Copy,
>(
	account: &impl Encode,
	chain_nonce: N,
	now: B,
	resync_after: B,
) -> N {
	let key = nonce_key(account);
	let reference = StorageValueRef::persistent(&key);
	let record: Option<NonceRecord<N, B>> = reference.get().ok().flatten();
	let (nonce, since) =
		continued(record, chain_nonce, now, resync_after).unwrap_or((chain_nonce, now));
	reference.set(&NonceRecord::<N, B> {
		next: nonce.saturating_add(One::one()),
		chain: chain_nonce,
		since,
	});
	nonce
}

/// The nonce to send `action` of `provider` on `job_id` with, signed by `account` whose nonce on
/// chain is `chain_nonce`.
///
/// A step sent again (its transaction was not seen on chain within the resubmit period) reuses
/// its first transaction's nonce while the chain has not used that nonce and numbering goes on:
/// the first copy is either still waiting in a pool, and then the pool refuses the second, or it
/// was lost, and then the second takes its place. Either way only one of them can be included.
/// Once the chain's nonce has stood still for `resync_after` blocks, an earlier transaction was
/// lost and the first copy waits behind it: the step then takes a new nonce from the chain's
/// ([`take_nonce`] renumbers), filling the gap. Any other step takes a new nonce, recorded for
/// its own resending.
pub fn nonce_for<
	N: Codec + PartialOrd + Saturating + One + Copy,
	B: Codec + Ord + Saturating + Copy,
>(
	job_id: JobId,
	provider: &impl Encode,
	action: Action,
	account: &impl Encode,
	chain_nonce: N,
	now: B,
	resync_after: B,
) -> N {
	let resent = sent::<N>(job_id, provider)
		.filter(|sent| sent.action == action && sent.nonce >= chain_nonce);
	if let Some(sent) = resent {
		let key = nonce_key(account);
		let reference = StorageValueRef::persistent(&key);
		let record: Option<NonceRecord<N, B>> = reference.get().ok().flatten();
		if let Some((next, since)) = continued(record, chain_nonce, now, resync_after) {
			// Note where the chain's nonce stands, for the renumbering rule.
			reference.set(&NonceRecord::<N, B> { next, chain: chain_nonce, since });
			return sent.nonce;
		}
	}
	let nonce = take_nonce(account, chain_nonce, now, resync_after);
	record_sent(job_id, provider, &Sent { action, nonce });
	nonce
}

/// Key of the number of the newest block whose off-chain worker run has started.
const LATEST_RUN_KEY: &[u8] = b"infera/ocw/latest-run";

/// Registers the run for block `now`; `false` if a run for a later block has started already.
///
/// Runs for consecutive blocks overlap when a run is slow. Only the newest one may act: an
/// older run reads older chain state, in which a job answered since still looks open, while
/// the newer run may already have pruned that job's record ([`prune`]), so the older run would
/// answer it a second time.
pub fn start_run<B: Codec + Ord + Clone>(now: B) -> bool {
	let latest = StorageValueRef::persistent(LATEST_RUN_KEY);
	// A concurrent start makes the compare-and-set fail; a few retries settle it.
	for _ in 0..3 {
		let outcome = latest.mutate(|seen: Result<Option<B>, StorageRetrievalError>| match seen {
			Ok(Some(seen)) if seen > now => Err(()),
			_ => Ok(now.clone()),
		});
		match outcome {
			Ok(_) => return true,
			Err(MutateStorageError::ValueFunctionFailed(())) => return false,
			Err(MutateStorageError::ConcurrentModification(_)) => continue,
		}
	}
	false
}

/// Whether a run for a block later than `now` has started (see [`start_run`]).
pub fn superseded<B: Decode + Ord>(now: B) -> bool {
	StorageValueRef::persistent(LATEST_RUN_KEY)
		.get::<B>()
		.ok()
		.flatten()
		.is_some_and(|latest| latest > now)
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame::deps::{
		sp_core::offchain::{testing::TestOffchainExt, OffchainDbExt, OffchainWorkerExt},
		sp_io::TestExternalities,
	};

	/// Runs `test` with an in-memory off-chain database, as an off-chain worker sees it.
	fn with_offchain_db(test: impl FnOnce()) {
		let (offchain, _state) = TestOffchainExt::new();
		let mut ext = TestExternalities::default();
		ext.register_extension(OffchainDbExt::new(offchain.clone()));
		ext.register_extension(OffchainWorkerExt::new(offchain));
		ext.execute_with(test);
	}

	const ALICE: [u8; 32] = [1; 32];
	const BOB: [u8; 32] = [2; 32];

	#[test]
	fn records_are_per_job_and_provider_and_pruned_once_the_job_closes() {
		with_offchain_db(|| {
			save(1, &ALICE, &Step::Failed { attempts: 1, retry_at: 5u32 });
			save(1, &BOB, &Step::Failed { attempts: 2, retry_at: 9u32 });
			save(2, &ALICE, &Step::Failed { attempts: 1, retry_at: 6u32 });
			assert_eq!(load::<u32>(1, &ALICE), Some(Step::Failed { attempts: 1, retry_at: 5 }));
			assert_eq!(load::<u32>(1, &BOB), Some(Step::Failed { attempts: 2, retry_at: 9 }));
			assert_eq!(load::<u32>(3, &ALICE), None);

			prune::<[u8; 32]>(|job| job != 1);
			assert_eq!(load::<u32>(1, &ALICE), None);
			assert_eq!(load::<u32>(1, &BOB), None);
			assert_eq!(load::<u32>(2, &ALICE), Some(Step::Failed { attempts: 1, retry_at: 6 }));
		});
	}

	#[test]
	fn nonces_run_ahead_of_the_chain_and_resync_only_when_it_stands_still() {
		with_offchain_db(|| {
			let resync = 5u32;
			// Three transactions in block 10 while the chain's nonce is 7.
			let taken: Vec<u64> = (0..3).map(|_| take_nonce(&ALICE, 7u64, 10u32, resync)).collect();
			assert_eq!(taken, vec![7, 8, 9]);
			// The chain includes one of them: numbering goes on from ours, and long after the
			// start it still does as long as the chain's nonce keeps moving.
			assert_eq!(take_nonce(&ALICE, 8u64, 14u32, resync), 10);
			assert_eq!(take_nonce(&ALICE, 9u64, 18u32, resync), 11);
			// The chain's nonce stands at 9 for less than `resync` blocks: keep going.
			assert_eq!(take_nonce(&ALICE, 9u64, 22u32, resync), 12);
			// ... and for `resync` blocks: our transactions were lost, restart at the chain's.
			assert_eq!(take_nonce(&ALICE, 9u64, 23u32, resync), 9);
			// Accounts are numbered independently.
			assert_eq!(take_nonce(&BOB, 0u64, 23u32, resync), 0);
			// Once the chain has caught up, its nonce is used.
			assert_eq!(take_nonce(&ALICE, 30u64, 24u32, resync), 30);
		});
	}

	#[test]
	fn a_step_sent_again_reuses_its_nonce_until_the_chain_used_it_or_stood_still() {
		with_offchain_db(|| {
			let resync = 5u32;
			let nonce = |job, action, chain: u64, now: u32| {
				nonce_for(job, &ALICE, action, &ALICE, chain, now, resync)
			};
			// Two commits at block 10 while the chain's nonce is 7.
			assert_eq!(nonce(1, Action::Commit, 7, 10), 7);
			assert_eq!(nonce(2, Action::Commit, 7, 10), 8);
			// Job 1's commit is sent again while the chain has not used nonce 7: the copy gets
			// nonce 7 too, so at most one of the two is ever included.
			assert_eq!(nonce(1, Action::Commit, 7, 14), 7);
			// Other transactions still get new nonces.
			assert_eq!(nonce(3, Action::Commit, 7, 14), 9);
			// Job 1's reveal is another step: a new nonce.
			assert_eq!(nonce(1, Action::Reveal, 8, 15), 10);
			assert_eq!(sent::<u64>(1, &ALICE), Some(Sent { action: Action::Reveal, nonce: 10 }));
			// Job 2's commit is sent again after the chain used nonce 8 for something else
			// (its first transaction is gone): a new nonce.
			assert_eq!(nonce(2, Action::Commit, 9, 16), 11);
			// Job 3's transaction (nonce 9) is lost, and job 2's (nonce 11) waits behind it:
			// job 2 is sent again with nonce 11 while the chain's nonce has stood at 9 for less
			// than `resync` blocks, then with the chain's nonce, filling the gap.
			assert_eq!(nonce(2, Action::Commit, 9, 19), 11);
			assert_eq!(nonce(2, Action::Commit, 9, 21), 9);
			assert_eq!(sent::<u64>(2, &ALICE), Some(Sent { action: Action::Commit, nonce: 9 }));
			// The records go with the job's.
			save(1, &ALICE, &Step::Failed { attempts: 1, retry_at: 5u32 });
			prune::<[u8; 32]>(|job| job != 1);
			assert_eq!(sent::<u64>(1, &ALICE), None);
		});
	}

	#[test]
	fn only_the_newest_run_acts() {
		with_offchain_db(|| {
			assert!(start_run(10u32));
			assert!(!superseded(10u32));
			// A second run for the same block may go on (a re-run after a restart).
			assert!(start_run(10u32));
			assert!(start_run(11u32));
			assert!(superseded(10u32));
			assert!(!superseded(11u32));
			// A run for an older block, started late, does not act.
			assert!(!start_run(10u32));
		});
	}
}
