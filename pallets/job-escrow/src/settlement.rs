//! Settlement of a job: tally the answers, pay the winners (or refund), slash the losers and
//! the late, release everything the job held.
//!
//! Answers are grouped by their vote digest (an output's hash or a refusal's digest,
//! [`Outcome::vote_digest`]). A digest given by a strict majority of the *redundancy* wins:
//! - the winners share the providers' total equally; the remainder of the integer division
//!   (less than one unit per winner) goes back to the user;
//! - the author gets the author fee and the treasury the protocol fee;
//! - a winning output is stored in [`Results`]; a winning refusal completes the job as
//!   [`JobStatus::Refused`]: the user paid for a real attempt and nobody is slashed for it;
//! - providers whose answer differs are slashed the job's wrong-result slash.
//!
//! Without a strict majority (or any answer) the user is refunded in full and nobody is slashed
//! for a wrong answer, since none is known. In every outcome providers that missed their
//! deadline are slashed the job's timeout slash.

use crate::*;

/// The answers of a job, counted by vote digest in order of first appearance.
pub(crate) type Tally = Vec<(Digest, u32)>;

impl<T: Config> Pallet<T> {
	/// Settles an open job: pays or refunds, slashes, releases slots, records the outcome and
	/// queues the job for expiry.
	pub(crate) fn settle(job_id: JobId, mut job: Job<T>, now: BlockNumberFor<T>) {
		let tally = Self::tally(&job);
		let winner = Self::majority(&tally, job.redundancy());
		let outcome = match winner {
			Some((digest, winners)) => Self::pay_winners(job_id, &mut job, digest, winners, now),
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
		Self::slash_losers(job_id, &job, winner.map(|(digest, _)| digest));
		Self::close(job_id, job);
		Self::deposit_event(outcome);
	}

	/// Counts the revealed answers of `job` by vote digest.
	pub(crate) fn tally(job: &Job<T>) -> Tally {
		let mut tally: Tally = Vec::new();
		for a in job.assignments.iter() {
			if let Answer::Revealed(digest) = a.answer {
				match tally.iter_mut().find(|(d, _)| *d == digest) {
					Some((_, count)) => *count = count.saturating_add(1),
					None => tally.push((digest, 1)),
				}
			}
		}
		tally
	}

	/// The vote digest given by more than half of `redundancy` providers, with its count.
	pub(crate) fn majority(tally: &Tally, redundancy: u32) -> Option<(Digest, u32)> {
		tally.iter().find(|(_, count)| count.saturating_mul(2) > redundancy).copied()
	}

	/// Pays the providers that gave `digest`, the author and the treasury; stores the winning
	/// output (or records the refusal). Returns the event to emit.
	fn pay_winners(
		job_id: JobId,
		job: &mut Job<T>,
		digest: Digest,
		winners: u32,
		now: BlockNumberFor<T>,
	) -> Event<T> {
		let user = job.user.clone();
		let share = job.provider_total() / BalanceOf::<T>::from(winners.max(1));
		for a in job.assignments.iter() {
			if a.answer == Answer::Revealed(digest) {
				let paid = Self::pay(&user, &a.provider, share);
				job.held = job.held.saturating_sub(paid);
				ProviderRecords::<T>::mutate(&a.provider, |r| {
					r.answered = r.answered.saturating_add(1)
				});
			}
		}
		let author_paid = Self::pay(&user, &job.author, job.author_fee);
		job.held = job.held.saturating_sub(author_paid);
		Self::pay_protocol_fee(job);
		match RefusalReason::from_vote_digest(&digest) {
			Some(reason) => {
				job.status = JobStatus::Refused { reason, at: now };
				Event::JobRefused { job_id, reason, winners, share }
			}
			None => {
				if let Some(output) = PendingOutputs::<T>::take(job_id, digest) {
					Results::<T>::insert(job_id, output);
				}
				job.status = JobStatus::Completed { output_hash: digest, at: now };
				Event::JobCompleted { job_id, output_hash: digest, winners, share }
			}
		}
	}

	/// Pays the job's protocol fee from its escrow to the treasury.
	pub(crate) fn pay_protocol_fee(job: &mut Job<T>) {
		let paid = Self::pay(&job.user, &T::TreasuryAccount::get(), job.protocol_fee);
		job.held = job.held.saturating_sub(paid);
	}

	/// Slashes every provider of `job` that answered other than `winner` (wrong result) or did
	/// not answer in time (timeout), under the job's own terms.
	fn slash_losers(job_id: JobId, job: &Job<T>, winner: Option<Digest>) {
		for a in job.assignments.iter() {
			let reason = match (a.answer, winner) {
				(Answer::Revealed(digest), Some(won)) if digest != won => SlashReason::WrongResult,
				(Answer::Revealed(_), _) => continue,
				(Answer::Pending | Answer::Committed(_), _) => SlashReason::Timeout,
			};
			let ratio = match reason {
				SlashReason::WrongResult => job.terms.wrong_result_slash,
				SlashReason::Timeout | SlashReason::InvalidAttestation => job.terms.timeout_slash,
			};
			let amount = T::Providers::slash(&a.provider, ratio, reason);
			ProviderRecords::<T>::mutate(&a.provider, |r| {
				match reason {
					SlashReason::WrongResult => r.wrong = r.wrong.saturating_add(1),
					SlashReason::Timeout | SlashReason::InvalidAttestation => {
						r.missed = r.missed.saturating_add(1)
					}
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

	/// A cancellation took effect: the treasury keeps the protocol fee, the user gets the rest
	/// back, and nobody is slashed (the user withdrew the job).
	pub(crate) fn finish_cancelled(job_id: JobId, mut job: Job<T>, now: BlockNumberFor<T>) {
		Self::pay_protocol_fee(&mut job);
		job.status = JobStatus::Cancelled { at: now };
		Self::close(job_id, job);
		Self::deposit_event(Event::JobCancelled { job_id });
	}

	/// Ends a finished job: refunds what it still holds, drops its pending outputs, releases
	/// its slots, stores it and queues it for expiry.
	fn close(job_id: JobId, mut job: Job<T>) {
		Self::refund(&job.user, job.held);
		job.held = Zero::zero();
		let _ = PendingOutputs::<T>::clear_prefix(job_id, job.redundancy(), None);
		Self::release_capacity(job_id, &job);
		Jobs::<T>::insert(job_id, job);
		Self::push_expiry(job_id);
	}

	/// Pays `amount` of `user`'s escrow to `dest`; returns what was paid (zero on failure, in
	/// which case the amount stays held and is refunded when the job closes).
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
}
