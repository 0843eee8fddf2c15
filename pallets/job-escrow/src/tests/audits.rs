//! Audits of redundancy-1 jobs: the coin is tossed at the provider's commitment, a blind
//! auditor is drawn among the other providers, agreement pays both, a mismatch goes to
//! arbitration, and every redundancy-1 job pays the audit fee into the reserve.

use super::*;
use crate::{mock::*, Event, *};
use frame::testing_prelude::*;

fn auditor_of(job_id: JobId) -> Option<AccountId> {
	let job = Jobs::<Test>::get(job_id).unwrap();
	job.audited.then(|| job.assignments[1].provider)
}

/// A redundancy-1 job, audited at a 100% rate, whose provider committed to garbage and whose
/// auditor committed to the right answer: its id, provider and auditor.
fn audited_cheat() -> (JobId, AccountId, AccountId) {
	AuditRate::set(Perbill::from_percent(100));
	let id = submit(Some(1));
	let cheater = providers_of(id)[0];
	assert_ok!(commit(id, cheater, &output(6)));
	let auditor = auditor_of(id).unwrap();
	assert_ok!(commit(id, auditor, &output(9)));
	(id, cheater, auditor)
}

/// Every arbitrator of `job_id` (there must be some) commits to and reveals `out`.
fn arbitrate(job_id: JobId, out: &[u8]) {
	let arbitrators = Jobs::<Test>::get(job_id).unwrap().arbitrators;
	assert!(!arbitrators.is_empty(), "the job went to arbitration");
	for a in arbitrators.iter() {
		assert_ok!(commit(job_id, a.provider, out));
	}
	for a in arbitrators.iter() {
		assert_ok!(reveal(job_id, a.provider, out));
	}
}

#[test]
fn an_unaudited_job_reveals_right_after_its_commit() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		assert_ok!(commit(id, p, &output(9)));
		// No coin to toss at a zero audit rate: the reveal phase opens at once.
		assert_eq!(status(id), JobStatus::Revealing { deadline: 6 });
		assert_ok!(reveal(id, p, &output(9)));
		let hash = infera_primitives::digest(&output(9));
		assert_eq!(status(id), JobStatus::Completed { output_hash: hash, at: 1 });
		assert_eq!(free(USER), USER_FUNDS - price(1));
		assert_eq!(free(AUDIT_RESERVE), SMALL_FUNDS);
	});
}

#[test]
fn every_r1_job_pays_the_audit_fee_into_the_reserve() {
	ExtBuilder.build_and_execute(|| {
		AuditRate::set(Perbill::from_percent(10));
		let quote = JobEscrow::quote(MODEL, Some(1)).unwrap();
		assert_eq!(quote.audit_fee, PRICE / 10);
		assert_eq!(quote.total, price(1) + PRICE / 10);
		// At redundancy 3 there is no audit fee.
		assert_eq!(JobEscrow::quote(MODEL, Some(3)).unwrap().audit_fee, 0);
		let (mut unaudited, mut funded) = (0, 0);
		for _ in 0..10 {
			let id = submit(Some(1));
			let p = providers_of(id)[0];
			assert_eq!(Jobs::<Test>::get(id).unwrap().audit_fee, PRICE / 10);
			assert_ok!(commit(id, p, &output(9)));
			if auditor_of(id).is_none() {
				assert_ok!(reveal(id, p, &output(9)));
				unaudited += 1;
			} else {
				funded += Jobs::<Test>::get(id).unwrap().underwritten;
			}
			run_to_block(System::block_number() + 1);
		}
		assert!(unaudited > 0);
		// Finished jobs paid their fee; audited ones, still open, hold the auditor's funding.
		assert_eq!(free(AUDIT_RESERVE), SMALL_FUNDS + unaudited * PRICE / 10 - funded);
	});
}

#[test]
fn an_audited_job_that_agrees_pays_both_and_the_reserve_funds_the_auditor() {
	ExtBuilder.build_and_execute(|| {
		AuditRate::set(Perbill::from_percent(100));
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		let paid = price(1) + PRICE;
		assert_ok!(commit(id, p, &output(9)));
		let auditor = auditor_of(id).expect("a 100% rate audits every job");
		assert_ne!(auditor, p);
		System::assert_has_event(Event::AuditOpened { job_id: id, auditor, deadline: 11 }.into());
		// The provider cannot reveal before the auditor is bound: nothing to copy.
		assert_eq!(status(id), JobStatus::Pending { deadline: 11 });
		assert_noop!(reveal(id, p, &output(9)), Error::<Test>::RevealNotOpen);
		assert_ok!(commit(id, auditor, &output(9)));
		assert_ok!(reveal(id, p, &output(9)));
		assert_ok!(reveal(id, auditor, &output(9)));
		assert!(matches!(status(id), JobStatus::Completed { .. }));
		let job = Jobs::<Test>::get(id).unwrap();
		let funded = job.underwritten;
		assert!(funded > 0);
		let share = (PRICE + funded) / 2;
		assert_eq!(free(p), PROVIDER_FUNDS + share);
		assert_eq!(free(auditor), PROVIDER_FUNDS + share);
		// The user paid its price and its audit fee, nothing of the auditor's price.
		assert_eq!(free(USER), USER_FUNDS - paid);
		assert_eq!(job.price(), paid);
		assert_eq!(free(AUDIT_RESERVE), SMALL_FUNDS - funded + PRICE + (PRICE + funded) % 2);
		assert!(slashed_events().is_empty());
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE);
	});
}

#[test]
fn a_wrong_answer_caught_by_an_audit_is_arbitrated_and_slashed() {
	ExtBuilder.build_and_execute(|| {
		let (id, cheater, auditor) = audited_cheat();
		assert_ok!(reveal(id, cheater, &output(6)));
		assert_ok!(reveal(id, auditor, &output(9)));
		arbitrate(id, &output(9));
		let hash = infera_primitives::digest(&output(9));
		assert!(
			matches!(status(id), JobStatus::Completed { output_hash, .. } if output_hash == hash)
		);
		assert_eq!(slashed_events(), vec![(cheater, SlashReason::WrongResult, STAKE / 10)]);
		assert!(free(auditor) > PROVIDER_FUNDS);
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE);
	});
}

#[test]
fn a_provider_that_withholds_once_audited_loses_like_a_wrong_answer() {
	ExtBuilder.build_and_execute(|| {
		let (id, cheater, auditor) = audited_cheat();
		// The cheater sees the audit and does not reveal: the auditor alone is no majority of
		// two, so the job goes to arbitration at the reveal deadline.
		assert_ok!(reveal(id, auditor, &output(9)));
		run_to_block(7);
		arbitrate(id, &output(9));
		assert!(matches!(status(id), JobStatus::Completed { .. }));
		assert_eq!(slashed_events(), vec![(cheater, SlashReason::Withheld, STAKE / 10)]);
	});
}

#[test]
fn without_another_provider_nothing_is_audited() {
	ExtBuilder.providers(1).build_and_execute(|| {
		AuditRate::set(Perbill::from_percent(100));
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		assert_ok!(submit_result(id, p, &output(9)));
		assert!(auditor_of(id).is_none());
		assert!(matches!(status(id), JobStatus::Completed { .. }));
	});
}

#[test]
fn the_coin_audits_about_the_audit_rate_of_jobs() {
	ExtBuilder.build_and_execute(|| {
		let rate = Perbill::from_percent(10);
		let trials = 2_000u64;
		let audited = (0..trials).filter(|job_id| JobEscrow::audit_coin(*job_id, rate)).count();
		// Binomial(2000, 0.1): mean 200, standard deviation 13.4; ±60 is 4.5 deviations.
		assert!((140..=260).contains(&audited), "{audited} of {trials} audited");
		assert!(!(0..trials).any(|job_id| JobEscrow::audit_coin(job_id, Perbill::zero())));
		assert!((0..trials).all(|job_id| JobEscrow::audit_coin(job_id, Perbill::one())));
	});
}
