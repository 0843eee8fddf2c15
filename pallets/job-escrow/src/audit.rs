//! Audits of redundancy-1 jobs (the Proof-of-Sampling idea): a job answered by one provider is
//! checked by a second one, drawn blind, with probability `audit_rate`.
//!
//! **Coin.** The coin is tossed when the provider's commitment lands, with the configured
//! randomness of that block (the runtime's is the block's own BABE VRF output): the provider
//! is bound before anyone but the block's author can know whether it is audited.
//!
//! **Auditor.** One provider of the model other than the job's is drawn, its slot reserved; it
//! commits like any provider, and only then do both reveal, so neither can copy the other. If
//! they agree, both are paid; if not, the split goes to arbitration like any other.
//!
//! **Who pays.** Every redundancy-1 job pays an audit fee (`audit_rate` × the provider's price,
//! rounded up) into the audit reserve (`Config::AuditReserve`); an audited job's auditor is
//! paid its price from the reserve, moved into the job's escrow when it is drawn (returned if
//! the job ends without paying it). The fees cover the audits in expectation; a reserve too
//! poor to pay funds what it can, and the auditor shares the price with the provider.

use crate::*;
use infera_primitives::draw;

impl<T: Config> Pallet<T> {
	/// The audit fee of a job with `redundancy` providers charging `provider_total` in all,
	/// under `terms`: the audit rate of the price, rounded up, at redundancy 1; zero otherwise.
	pub fn audit_fee_of(
		redundancy: u32,
		provider_total: BalanceOf<T>,
		terms: &JobTerms<BlockNumberFor<T>>,
	) -> BalanceOf<T> {
		infera_primitives::fees::audit_fee(redundancy, provider_total, terms.audit_rate)
	}

	/// Whether job `job_id` is audited at `rate`, by the randomness of the current block.
	pub(crate) fn audit_coin(job_id: JobId, rate: Perbill) -> bool {
		if rate.is_zero() {
			return false;
		}
		let (seed, _) = T::Randomness::random(&draw::subject(draw::AUDIT_COIN_SUBJECT, job_id));
		let point = draw::point(&seed.encode(), 0) % u128::from(Perbill::ACCURACY);
		point < u128::from(rate.deconstruct())
	}

	/// Tosses the audit coin of redundancy-1 job `job_id`, whose provider just committed; on
	/// an audit, draws the auditor, funds its price from the reserve and opens its commit
	/// phase. Returns whether an audit opened (`false` also when no other provider can audit or
	/// the deadline queues are full: the job goes on unaudited).
	pub(crate) fn open_audit(job_id: JobId, job: &mut Job<T>, now: BlockNumberFor<T>) -> bool {
		if !Self::audit_coin(job_id, job.terms.audit_rate)
			|| job.assignments.len() >= T::MaxRedundancy::get() as usize
		{
			return false;
		}
		let pool = Self::outside_pool(job);
		let target = now.saturating_add(job.terms.commit_period);
		if Self::free_deadline_slot(target).is_none() {
			return false;
		}
		let Some(auditor) = Self::draw(pool, 1, job_id, draw::AUDITOR_SUBJECT).pop() else {
			return false;
		};
		if T::Providers::reserve_slot(&auditor.who).is_err() {
			return false;
		}
		let Some(deadline) = Self::schedule(target, job_id, DeadlineKind::Commit) else {
			T::Providers::release_slot(&auditor.who);
			return false;
		};
		let funded = Self::underwrite(&job.user, auditor.price);
		let assignment =
			Assignment { provider: auditor.who.clone(), price: funded, answer: Answer::Pending };
		if let Err(assignment) = job.assignments.try_push(assignment) {
			// Checked above; defensive.
			T::Providers::release_slot(&assignment.provider);
			return false;
		}
		AssignedJobs::<T>::insert(&auditor.who, job_id, ());
		job.held = job.held.saturating_add(funded);
		job.underwritten = funded;
		job.audited = true;
		job.status = JobStatus::Pending { deadline };
		Self::deposit_event(Event::AuditOpened { job_id, auditor: auditor.who, deadline });
		true
	}

	/// Moves up to `amount` from the audit reserve into `user`'s escrow for its job (keeping
	/// the reserve alive); returns how much moved.
	fn underwrite(user: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
		let reserve = T::AuditReserve::get();
		let available =
			T::Currency::reducible_balance(&reserve, Preservation::Preserve, Fortitude::Polite);
		let amount = amount.min(available);
		if amount.is_zero() {
			return amount;
		}
		if T::Currency::transfer(&reserve, user, amount, Preservation::Preserve).is_err() {
			return Zero::zero();
		}
		if T::Currency::hold(&HoldReason::JobEscrow.into(), user, amount).is_err() {
			// Give it back: the user keeps nothing of the reserve's.
			let _ = T::Currency::transfer(user, &reserve, amount, Preservation::Expendable);
			return Zero::zero();
		}
		amount
	}
}
