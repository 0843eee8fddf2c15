//! Settlement of a job: tally the answers, escalate a split to arbitration, pay the winners
//! (or refund), slash the losers and the late, release everything the job held.
//!
//! Answers are grouped by their vote digest (an output's hash or a refusal's digest,
//! [`Outcome::vote_digest`]). The **verdict** is the digest given by a strict majority of the
//! providers (of the *redundancy*, so a missing answer counts against every digest) or, once a
//! job went to arbitration, by a strict majority of its arbitrators. With a verdict:
//! - every provider and arbitrator that gave it shares the providers' total equally; the
//!   remainder of the integer division (less than one unit per winner) goes back to the user;
//! - the author gets the author fee and the treasury the protocol fee;
//! - a winning output is stored in [`Results`]; a winning refusal completes the job as
//!   [`JobStatus::Refused`]: the user paid for a real attempt and nobody is slashed for it;
//! - everyone whose revealed answer differs is slashed the job's wrong-result slash.
//!
//! **Arbitration.** When the providers revealed something but reached no strict majority, the
//! job does not end: [`ARBITRATORS`] fresh providers of the model (never the job's own) are
//! drawn and answer by commit and reveal, and their strict majority decides. The slashes of an
//! arbitrated job go to its winners, so arbitrators are paid from the price plus the slashes
//! and a sybil that splits a job pays the honest side. Only when nobody could be drawn, or the
//! arbitrators also split, does the job fail ([`FailureReason::NoMajority`]) with a refund.
//!
//! **Missing answers.** In every outcome, a provider that never committed (or answered) is
//! slashed the timeout slash, and one that committed but never revealed the withholding slash:
//! the larger of the wrong-result and timeout slashes, so that withholding a losing answer
//! never costs less than revealing it.

use crate::*;

/// The answers of a job, counted by vote digest in order of first appearance.
pub(crate) type Tally = Vec<(Digest, u32)>;

/// How a round of a job ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RoundEnd {
	/// The job finished (paid, refused, failed) or is still in the same round.
	Done,
	/// The providers split and arbitrators were drawn: the job goes on with them.
	Escalated,
}

impl<T: Config> Pallet<T> {
	/// Settles an open job at the end of its current round: pays the verdict, or opens
	/// arbitration on a split, or fails with a refund; slashes; releases slots; records the
	/// outcome and queues the job for expiry.
	pub(crate) fn settle(job_id: JobId, mut job: Job<T>, now: BlockNumberFor<T>) -> RoundEnd {
		let tally = Self::tally(job.acting());
		let seats = job.acting().len() as u32;
		if let Some((digest, _)) = Self::majority(&tally, seats) {
			let (event, winners) = Self::pay_winners(job_id, &mut job, digest, now);
			// An arbitrated job's slashes pay its winners; otherwise they go to the treasury.
			let beneficiaries = if job.in_arbitration() { winners } else { Vec::new() };
			Self::slash_losers(job_id, &job, Some(digest), &beneficiaries);
			Self::close(job_id, job);
			Self::deposit_event(event);
			return RoundEnd::Done;
		}
		if !tally.is_empty()
			&& !job.in_arbitration()
			&& Self::open_arbitration(job_id, &mut job, now)
		{
			Jobs::<T>::insert(job_id, job);
			return RoundEnd::Escalated;
		}
		let reason = if job.everyone().any(|a| Self::revealed(a).is_some()) {
			FailureReason::NoMajority
		} else {
			FailureReason::NoAnswers
		};
		job.status = JobStatus::Failed { reason, at: now };
		Self::slash_losers(job_id, &job, None, &[]);
		Self::close(job_id, job);
		Self::deposit_event(Event::JobFailed { job_id, reason });
		RoundEnd::Done
	}

	/// An upper bound of the weight of opening arbitration: reading the model's eligible
	/// providers (at most `MaxCandidates`), drawing [`ARBITRATORS`] of them, reserving their
	/// slots and queueing a deadline is a part of what `submit_job` does with as many
	/// candidates and providers, so its benchmarks bound it.
	pub fn arbitration_weight() -> Weight {
		Self::submit_job_weight(1, ARBITRATORS, T::MaxCandidates::get())
	}

	/// Counts the revealed answers among `assignments` by vote digest.
	pub(crate) fn tally(assignments: &[Assignment<T::AccountId, BalanceOf<T>>]) -> Tally {
		let mut tally: Tally = Vec::new();
		for digest in assignments.iter().filter_map(Self::revealed) {
			match tally.iter_mut().find(|(d, _)| *d == digest) {
				Some((_, count)) => *count = count.saturating_add(1),
				None => tally.push((digest, 1)),
			}
		}
		tally
	}

	/// The vote digest an assignment revealed, if it did.
	fn revealed(a: &Assignment<T::AccountId, BalanceOf<T>>) -> Option<Digest> {
		match a.answer {
			Answer::Revealed(digest) => Some(digest),
			Answer::Pending | Answer::Committed(_) => None,
		}
	}

	/// The vote digest given by more than half of `seats` answerers, with its count.
	pub(crate) fn majority(tally: &Tally, seats: u32) -> Option<(Digest, u32)> {
		tally.iter().find(|(_, count)| count.saturating_mul(2) > seats).copied()
	}

	/// Draws up to [`ARBITRATORS`] providers of the job's model, none of its own, reserves a
	/// slot of each and opens their commit phase. Returns `false` (and changes nothing) when
	/// nobody can be drawn or the deadline queues are full.
	fn open_arbitration(job_id: JobId, job: &mut Job<T>, now: BlockNumberFor<T>) -> bool {
		let pool = Self::outside_pool(job);
		let target = now.saturating_add(job.terms.commit_period);
		if pool.is_empty() || Self::free_deadline_slot(target).is_none() {
			return false;
		}
		let mut arbitrators = BoundedVec::new();
		for p in Self::draw(pool, ARBITRATORS, job_id, crate::assignment::ARBITRATE_SUBJECT) {
			if T::Providers::reserve_slot(&p.who).is_err() {
				continue;
			}
			let assignment =
				Assignment { provider: p.who, price: p.price, answer: Answer::Pending };
			if let Err(assignment) = arbitrators.try_push(assignment) {
				T::Providers::release_slot(&assignment.provider);
			}
		}
		let deadline = match Self::schedule(target, job_id, DeadlineKind::Commit) {
			Some(deadline) if !arbitrators.is_empty() => deadline,
			_ => {
				for a in arbitrators.iter() {
					T::Providers::release_slot(&a.provider);
				}
				return false;
			}
		};
		for a in arbitrators.iter() {
			AssignedJobs::<T>::insert(&a.provider, job_id, ());
		}
		let drawn = arbitrators.iter().map(|a| a.provider.clone()).collect::<Vec<_>>();
		job.arbitrators = arbitrators;
		job.status = JobStatus::Pending { deadline };
		Self::deposit_event(Event::ArbitrationOpened {
			job_id,
			arbitrators: BoundedVec::truncate_from(drawn),
			deadline,
		});
		true
	}

	/// Pays everyone (provider or arbitrator) that gave `digest`, the author and the treasury;
	/// stores the winning output (or records the refusal). Returns the event to emit and the
	/// winners.
	fn pay_winners(
		job_id: JobId,
		job: &mut Job<T>,
		digest: Digest,
		now: BlockNumberFor<T>,
	) -> (Event<T>, Vec<T::AccountId>) {
		let user = job.user.clone();
		let winners: Vec<T::AccountId> = job
			.everyone()
			.filter(|a| a.answer == Answer::Revealed(digest))
			.map(|a| a.provider.clone())
			.collect();
		let count = winners.len() as u32;
		let share = job.provider_total() / BalanceOf::<T>::from(count.max(1));
		for winner in winners.iter() {
			let paid = Self::pay(&user, winner, share);
			job.held = job.held.saturating_sub(paid);
			ProviderRecords::<T>::mutate(winner, |r| r.answered = r.answered.saturating_add(1));
		}
		let author_paid = Self::pay(&user, &job.author, job.author_fee);
		job.held = job.held.saturating_sub(author_paid);
		Self::pay_protocol_fee(job);
		let event = match RefusalReason::from_vote_digest(&digest) {
			Some(reason) => {
				job.status = JobStatus::Refused { reason, at: now };
				Event::JobRefused { job_id, reason, winners: count, share }
			}
			None => {
				if let Some(output) = PendingOutputs::<T>::take(job_id, digest) {
					Results::<T>::insert(job_id, output);
				}
				job.status = JobStatus::Completed { output_hash: digest, at: now };
				Event::JobCompleted { job_id, output_hash: digest, winners: count, share }
			}
		};
		(event, winners)
	}

	/// Pays the job's protocol fee from its escrow to the treasury, and its audit fee to the
	/// audit reserve.
	pub(crate) fn pay_protocol_fee(job: &mut Job<T>) {
		let paid = Self::pay(&job.user, &T::TreasuryAccount::get(), job.protocol_fee);
		job.held = job.held.saturating_sub(paid);
		let paid = Self::pay(&job.user, &T::AuditReserve::get(), job.audit_fee);
		job.held = job.held.saturating_sub(paid);
	}

	/// Slashes everyone of `job` (providers and arbitrators) that revealed other than `winner`
	/// (wrong result), committed without revealing (withheld) or never committed (timeout),
	/// under the job's own terms; the slashes go to `beneficiaries` (see
	/// [`ProviderRegistry::slash`]).
	fn slash_losers(
		job_id: JobId,
		job: &Job<T>,
		winner: Option<Digest>,
		beneficiaries: &[T::AccountId],
	) {
		for a in job.everyone() {
			let reason = match (a.answer, winner) {
				(Answer::Revealed(digest), Some(won)) if digest != won => SlashReason::WrongResult,
				(Answer::Revealed(_), _) => continue,
				(Answer::Committed(_), _) => SlashReason::Withheld,
				(Answer::Pending, _) => SlashReason::Timeout,
			};
			let amount =
				T::Providers::slash(&a.provider, job.terms.ratio(reason), reason, beneficiaries);
			ProviderRecords::<T>::mutate(&a.provider, |r| {
				match reason {
					SlashReason::WrongResult => r.wrong = r.wrong.saturating_add(1),
					SlashReason::Timeout
					| SlashReason::Withheld
					| SlashReason::InvalidAttestation => r.missed = r.missed.saturating_add(1),
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
		// What the audit reserve put in and nobody was paid goes back to it first.
		let unspent = job.held.min(job.underwritten);
		let returned = Self::pay(&job.user, &T::AuditReserve::get(), unspent);
		job.held = job.held.saturating_sub(returned);
		Self::refund(&job.user, job.held);
		job.held = Zero::zero();
		let answers = job.redundancy().saturating_add(job.arbitrators.len() as u32);
		let _ = PendingOutputs::<T>::clear_prefix(job_id, answers, None);
		Self::release_capacity(job_id, &job);
		Jobs::<T>::insert(job_id, job);
		Self::push_expiry(job_id, frame_system::Pallet::<T>::block_number());
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

	/// Gives back every provider and arbitrator slot of `job` (`job_id`) and its use of the
	/// model.
	fn release_capacity(job_id: JobId, job: &Job<T>) {
		for a in job.everyone() {
			T::Providers::release_slot(&a.provider);
			AssignedJobs::<T>::remove(&a.provider, job_id);
		}
		T::Models::release(job.model);
	}
}
