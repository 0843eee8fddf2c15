//! The pallet's invariants, checked by `try_state` and after every unit test.

use crate::*;

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants:
	/// - for every user with a job, the balance held for [`HoldReason::JobEscrow`] equals the sum
	///   of `held` over their open jobs, and finished jobs hold nothing;
	/// - every open job has its pending deadline in [`Deadlines`] at a block not yet processed
	///   (no job outlives its deadlines), with 1..=`MaxRedundancy` providers and arbitrators
	///   all distinct, each of which lists it in [`AssignedJobs`] (which lists nothing else);
	///   arbitration happens only after some provider revealed;
	/// - [`UserJobs`] lists exactly the stored jobs, each under its user;
	/// - revealed outputs exist only for open jobs, results only for completed ones;
	/// - the expiry queue holds exactly the finished jobs, and job ids are below [`NextJobId`];
	/// - no deadline is left behind: every queue up to the current block has been processed;
	/// - no expiry is left behind by more than a block: the oldest entry of the expiry queue
	///   was not due before the previous block; expiry blocks never decrease along the queue,
	///   at most `MaxExpiriesPerBlock` share one, and [`ExpiryTail`] records the newest.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), frame::deps::sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use frame::traits::fungible::InspectHold;
		let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let cursor = DeadlineCursor::<T>::get();
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			cursor.is_none() || Self::deadlines_caught_up(now),
			"a due deadline queue was left unprocessed"
		);
		for (block, _) in Deadlines::<T>::iter() {
			ensure!(cursor.is_none_or(|c| block >= c), "deadline queued behind the cursor");
		}
		let next_id = NextJobId::<T>::get();
		let mut finished = 0u64;
		let mut assigned = 0u64;
		for (job_id, job) in Jobs::<T>::iter() {
			ensure!(job_id < next_id, "job id not below NextJobId");
			ensure!(!job.assignments.is_empty(), "job without providers");
			let everyone: Vec<_> = job.everyone().collect();
			for (i, a) in everyone.iter().enumerate() {
				ensure!(
					everyone.iter().skip(i + 1).all(|b| b.provider != a.provider),
					"provider assigned twice (or arbitrating its own job)"
				);
			}
			if job.in_arbitration() {
				ensure!(
					job.assignments.iter().any(|a| matches!(a.answer, Answer::Revealed(_))),
					"arbitration without a revealed answer to decide on"
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
					if let Some(at) = job.cancel_at {
						ensure!(
							Deadlines::<T>::get(at).contains(&(job_id, DeadlineKind::Cancel))
								|| job.any_answer(),
							"requested cancellation not queued"
						);
					}
					ensure!(!Results::<T>::contains_key(job_id), "open job with a result");
					assigned += everyone.len() as u64;
					for a in everyone.iter() {
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
		let (newest, newest_count) = ExpiryTail::<T>::get();
		let most = T::MaxExpiriesPerBlock::get();
		let mut previous: Option<(BlockNumberFor<T>, u32)> = None;
		for pos in head..tail {
			let (job_id, at) = ExpiryQueue::<T>::get(pos).ok_or("hole in the expiry queue")?;
			let job = Jobs::<T>::get(job_id).ok_or("expiry entry without a job")?;
			ensure!(!job.is_open(), "open job in the expiry queue");
			if pos == head {
				ensure!(
					at.saturating_add(One::one()) >= now,
					"an expiry left behind by more than a block"
				);
			}
			let count = match previous {
				Some((block, count)) if block == at => count.saturating_add(1),
				Some((block, _)) => {
					ensure!(block < at, "expiry blocks decrease along the queue");
					1
				}
				None => 1,
			};
			ensure!(count <= most, "more expiries in one block than MaxExpiriesPerBlock");
			previous = Some((at, count));
		}
		if let Some((at, count)) = previous {
			ensure!(at == newest && count <= newest_count, "ExpiryTail behind the newest expiry");
		}
		Ok(())
	}
}
