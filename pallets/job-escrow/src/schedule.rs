//! Deadlines and expiries: the two queues `on_initialize` (and `on_idle`) work through.
//!
//! **Deadlines never fall behind.** Every due queue is processed whole in the block it falls
//! due: a queue holds at most `MaxDeadlinesPerBlock` entries, which the runtime sizes so that a
//! full queue of live deadlines fits in `on_initialize`. Entries of jobs that settled early are
//! skipped at the cost of one read and do not count against anything. `on_initialize` processes
//! the current block and at most [`CATCH_UP_BLOCKS`] older ones (there are none unless a runtime
//! upgrade or a stalled chain left some); `on_idle` works through any older ones with the
//! block's spare weight.
//!
//! **Expiries never fall behind either.** They are a FIFO in finishing order, each entry with
//! its expiry block, assigned so that the blocks never decrease along the queue and no block has
//! more than `MaxExpiriesPerBlock` of them ([`Pallet::push_expiry`]): `on_initialize` removes
//! every due one in its block. A governance cut of the retention only shortens the retention
//! of jobs that finish once the older ones are gone, instead of making a burst. `on_idle`
//! catches up after a stalled chain.

use crate::{settlement::RoundEnd, *};

/// Queue blocks behind the current one that `on_initialize` processes besides it.
pub const CATCH_UP_BLOCKS: u32 = 1;

/// What a round of deadline processing did.
#[derive(Default, Clone, Copy, PartialEq, Eq, Debug)]
pub struct DeadlineWork {
	/// Entries that acted on an open job.
	pub live: u32,
	/// Of those, jobs whose providers split and went to arbitration.
	pub escalated: u32,
	/// Entries of jobs that had already moved on (one read each).
	pub stale: u32,
	/// Queue blocks read and removed.
	pub blocks: u32,
}

impl<T: Config> Pallet<T> {
	/// The first block from `target` on (within [`DEADLINE_SEARCH_BLOCKS`]) whose deadline
	/// queue has room.
	pub(crate) fn free_deadline_slot(target: BlockNumberFor<T>) -> Option<BlockNumberFor<T>> {
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
	pub(crate) fn schedule(
		target: BlockNumberFor<T>,
		job_id: JobId,
		kind: DeadlineKind,
	) -> Option<BlockNumberFor<T>> {
		let block = Self::free_deadline_slot(target)?;
		Deadlines::<T>::try_mutate(block, |q| q.try_push((job_id, kind))).ok()?;
		Some(block)
	}

	/// The weight of processing `work`: the benchmarked cost of its live entries, the draw of
	/// arbitrators for those that escalated, a read per stale one, and a read and write per
	/// queue block.
	pub(crate) fn deadline_weight(work: DeadlineWork) -> Weight {
		T::WeightInfo::process_deadlines(work.live)
			.saturating_add(Self::arbitration_weight().saturating_mul(work.escalated.into()))
			.saturating_add(T::DbWeight::get().reads(work.stale.into()))
			.saturating_add(T::DbWeight::get().reads_writes(work.blocks.into(), work.blocks.into()))
	}

	/// The most a single queue block can cost to process.
	pub(crate) fn full_queue_weight() -> Weight {
		// Escalations are rare (a split among a job's providers) and are charged as they
		// happen; a queue of splits only is not planned for.
		Self::deadline_weight(DeadlineWork {
			live: T::MaxDeadlinesPerBlock::get(),
			escalated: 0,
			stale: 0,
			blocks: 1,
		})
	}

	/// Processes the due deadline queues from [`DeadlineCursor`] up to `now`, whole queues at a
	/// time, at most `max_blocks` of them.
	pub(crate) fn process_deadlines(now: BlockNumberFor<T>, max_blocks: u32) -> DeadlineWork {
		let mut cursor = DeadlineCursor::<T>::get().unwrap_or(now);
		let mut work = DeadlineWork::default();
		while cursor <= now && work.blocks < max_blocks {
			work.blocks += 1;
			for (job_id, kind) in Deadlines::<T>::take(cursor) {
				match Self::process_deadline(job_id, kind, now) {
					None => work.stale += 1,
					Some(end) => {
						work.live += 1;
						if end == RoundEnd::Escalated {
							work.escalated += 1;
						}
					}
				}
			}
			cursor = cursor.saturating_add(One::one());
		}
		DeadlineCursor::<T>::put(cursor);
		work
	}

	/// Whether the deadline queues are processed up to `now`.
	pub(crate) fn deadlines_caught_up(now: BlockNumberFor<T>) -> bool {
		DeadlineCursor::<T>::get().is_none_or(|cursor| cursor > now)
	}

	/// Handles one deadline entry; returns how the job's round ended if it acted on an open
	/// job, `None` for entries of jobs that moved on (ignored).
	fn process_deadline(
		job_id: JobId,
		kind: DeadlineKind,
		now: BlockNumberFor<T>,
	) -> Option<RoundEnd> {
		let Some(job) = Jobs::<T>::get(job_id) else { return None };
		let end = match (kind, job.status) {
			(DeadlineKind::Commit, JobStatus::Pending { deadline }) if deadline <= now => {
				Self::close_commit_window(job_id, job, now)
			}
			(DeadlineKind::Reveal, JobStatus::Revealing { deadline }) if deadline <= now => {
				Self::settle(job_id, job, now)
			}
			(DeadlineKind::Cancel, JobStatus::Pending { .. })
				if job.cancel_at.is_some_and(|at| at <= now) =>
			{
				if job.any_answer() {
					// A commitment arrived during the grace: the job goes on, the cancellation
					// is void.
					return None;
				}
				Self::finish_cancelled(job_id, job, now);
				RoundEnd::Done
			}
			(
				DeadlineKind::Commit | DeadlineKind::Reveal | DeadlineKind::Cancel,
				JobStatus::Pending { .. }
				| JobStatus::Revealing { .. }
				| JobStatus::Completed { .. }
				| JobStatus::Refused { .. }
				| JobStatus::Failed { .. }
				| JobStatus::Cancelled { .. },
			) => return None,
		};
		Some(end)
	}

	/// The commit (or result) window of `job`'s current round closed: open the reveal phase if
	/// anyone of the round committed, otherwise settle.
	fn close_commit_window(job_id: JobId, mut job: Job<T>, now: BlockNumberFor<T>) -> RoundEnd {
		let committed = job.acting().iter().any(|a| matches!(a.answer, Answer::Committed(_)));
		if committed {
			let target = now.saturating_add(job.terms.reveal_period);
			if let Some(deadline) = Self::schedule(target, job_id, DeadlineKind::Reveal) {
				job.status = JobStatus::Revealing { deadline };
				Jobs::<T>::insert(job_id, job);
				Self::deposit_event(Event::RevealOpened { job_id, deadline });
				return RoundEnd::Done;
			}
			// Queues full for many blocks: settle with what we have rather than lose the job
			// (committed providers are then treated as not having revealed).
			log::warn!(target: "runtime::job-escrow", "job {job_id}: reveal not schedulable");
		}
		Self::settle(job_id, job, now)
	}

	/// Appends a job that finished at `now` to the expiry FIFO: it expires `result_retention`
	/// blocks from now, or at the newest entry's block if that is later, or the block after
	/// that one if `MaxExpiriesPerBlock` jobs expire there already.
	pub(crate) fn push_expiry(job_id: JobId, now: BlockNumberFor<T>) {
		let target = now.saturating_add(T::Parameters::result_retention());
		let (newest, count) = ExpiryTail::<T>::get();
		let (at, count) = if target > newest {
			(target, 1)
		} else if count < T::MaxExpiriesPerBlock::get() {
			(newest, count.saturating_add(1))
		} else {
			(newest.saturating_add(One::one()), 1)
		};
		ExpiryTail::<T>::put((at, count));
		ExpiryQueueBounds::<T>::mutate(|(_, tail)| {
			ExpiryQueue::<T>::insert(*tail, (job_id, at));
			*tail = tail.saturating_add(1);
		});
	}

	/// Removes up to `limit` finished jobs whose expiry block has come; returns how many queue
	/// entries were handled.
	pub(crate) fn expire_jobs(now: BlockNumberFor<T>, limit: u32) -> u32 {
		let (mut head, tail) = ExpiryQueueBounds::<T>::get();
		let mut handled = 0u32;
		while head < tail && handled < limit {
			let entry = ExpiryQueue::<T>::get(head);
			if entry.is_some_and(|(_, at)| at > now) {
				break;
			}
			handled += 1;
			ExpiryQueue::<T>::remove(head);
			head = head.saturating_add(1);
			if let Some((job_id, _)) = entry {
				Self::remove_expired(job_id);
			}
		}
		ExpiryQueueBounds::<T>::put((head, tail));
		handled
	}

	/// Removes finished job `job_id`: its record, its user's index entry, its result and its
	/// off-chain input.
	fn remove_expired(job_id: JobId) {
		let Some(job) = Jobs::<T>::take(job_id) else { return };
		UserJobs::<T>::remove(job.user, newest_first_key(job_id));
		Results::<T>::remove(job_id);
		frame::deps::sp_io::offchain_index::clear(&input_key(job_id, &job.input_hash));
		Self::deposit_event(Event::JobExpired { job_id });
	}
}
