//! Arbitration: a split among a job's providers escalates to fresh arbitrators instead of
//! refunding, the losing side pays the winning side, and withholding a reveal costs no less
//! than revealing a losing answer.

use super::*;
use crate::{mock::*, Event, *};
use frame::testing_prelude::*;

const NAN: RefusalReason = RefusalReason::NonFiniteOutput;

fn arbitrators_of(job_id: JobId) -> Vec<AccountId> {
	Jobs::<Test>::get(job_id).unwrap().arbitrators.iter().map(|a| a.provider).collect()
}

/// Every arbitrator of `job_id` commits to and reveals `out`.
fn arbitrate(job_id: JobId, out: &[u8]) {
	let arbitrators = arbitrators_of(job_id);
	for a in &arbitrators {
		assert_ok!(commit(job_id, *a, out));
	}
	for a in &arbitrators {
		assert_ok!(reveal(job_id, *a, out));
	}
}

/// A redundancy-2 job whose two providers revealed different outputs (1 and 2): its id and
/// providers.
fn split_r2() -> (JobId, Vec<AccountId>) {
	let id = submit(Some(2));
	let p = providers_of(id);
	assert_ok!(commit(id, p[0], &output(1)));
	assert_ok!(commit(id, p[1], &output(2)));
	assert_ok!(reveal(id, p[0], &output(1)));
	assert_ok!(reveal(id, p[1], &output(2)));
	(id, p)
}

/// The slash of `amount` shared by `winners`: what each gets, and the treasury's remainder.
fn shares(amount: Balance, winners: u32) -> (Balance, Balance) {
	let each = amount / winners as Balance;
	(each, amount - each * winners as Balance)
}

#[test]
fn a_sybil_revealing_garbage_at_r2_loses_to_arbitration_and_the_user_pays() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(2));
		let [honest, sybil] = [providers_of(id)[0], providers_of(id)[1]];
		assert_ok!(commit(id, honest, &output(1)));
		assert_ok!(commit(id, sybil, &output(2)));
		assert_ok!(reveal(id, honest, &output(1)));
		assert_ok!(reveal(id, sybil, &output(2)));

		// No refund: three fresh providers are drawn, none of the job's own.
		let arbitrators = arbitrators_of(id);
		assert_eq!(arbitrators.len() as u32, infera_primitives::params::ARBITRATORS);
		assert!(arbitrators.iter().all(|a| *a != honest && *a != sybil));
		assert_eq!(status(id), JobStatus::Pending { deadline: 11 });
		System::assert_last_event(
			Event::ArbitrationOpened {
				job_id: id,
				arbitrators: arbitrators.clone().try_into().unwrap(),
				deadline: 11,
			}
			.into(),
		);
		assert!(arbitrators.iter().all(|a| used_slots(*a) == 1));
		assert!(arbitrators.iter().all(|a| AssignedJobs::<Test>::contains_key(a, id)));

		arbitrate(id, &output(1));
		let hash = infera_primitives::digest(&output(1));
		assert_eq!(status(id), JobStatus::Completed { output_hash: hash, at: 1 });
		assert_eq!(Results::<Test>::get(id).unwrap().into_inner(), output(1));
		// The user pays the full price and gets the honest answer.
		assert_eq!(free(USER), USER_FUNDS - price(2));
		// Four winners share the price (200) and the sybil's 10% slash (50).
		let (slash_share, remainder) = shares(STAKE / 10, 4);
		for winner in arbitrators.iter().chain([&honest]) {
			assert_eq!(free(*winner), PROVIDER_FUNDS + 2 * PRICE / 4 + slash_share);
			assert_eq!(used_slots(*winner), 0);
		}
		assert_eq!(free(sybil), PROVIDER_FUNDS - STAKE / 10);
		assert_eq!(slashed_events(), vec![(sybil, SlashReason::WrongResult, STAKE / 10)]);
		assert_eq!(free(TREASURY), SMALL_FUNDS + 2 * PRICE / 10 + remainder);
		assert_eq!(free(AUTHOR), SMALL_FUNDS + AUTHOR_FEE);
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE);
		assert_eq!(ProviderRecords::<Test>::get(sybil).wrong, 1);
		assert!(arbitrators.iter().all(|a| ProviderRecords::<Test>::get(a).answered == 1));
	});
}

#[test]
fn two_withholding_sybils_at_r3_lose_to_arbitration_and_the_user_pays() {
	ExtBuilder.build_and_execute(|| {
		let (id, [honest, b, c]) = submit3();
		for p in [honest, b, c] {
			assert_ok!(commit(id, p, &output(1)));
		}
		assert_ok!(reveal(id, honest, &output(1)));
		// b and c saw the honest reveal and withhold theirs, hoping for a refund.
		run_to_block(6);
		let arbitrators = arbitrators_of(id);
		// Only two providers are left outside the job.
		assert_eq!(arbitrators.len(), 2);
		assert_eq!(status(id), JobStatus::Pending { deadline: 16 });
		// The withholders cannot reveal now: only the arbitrators answer.
		assert_noop!(reveal(id, b, &output(1)), Error::<Test>::NotAssigned);
		assert_noop!(commit(id, b, &output(1)), Error::<Test>::NotAssigned);

		arbitrate(id, &output(1));
		assert!(matches!(status(id), JobStatus::Completed { at: 6, .. }));
		assert_eq!(free(USER), USER_FUNDS - price(3));
		// Three winners share the price (300) and both withholding slashes (10% each).
		let (slash_share, remainder) = shares(STAKE / 10, 3);
		for winner in arbitrators.iter().chain([&honest]) {
			assert_eq!(free(*winner), PROVIDER_FUNDS + PRICE + 2 * slash_share);
		}
		for p in [b, c] {
			assert_eq!(free(p), PROVIDER_FUNDS - STAKE / 10);
		}
		assert_eq!(
			slashed_events(),
			vec![(b, SlashReason::Withheld, STAKE / 10), (c, SlashReason::Withheld, STAKE / 10)]
		);
		assert_eq!(free(TREASURY), SMALL_FUNDS + 3 * PRICE / 10 + 2 * remainder);
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE);
	});
}

#[test]
fn a_lone_output_against_a_refusal_is_decided_by_the_arbitrators() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(2));
		let [refuser, liar] = [providers_of(id)[0], providers_of(id)[1]];
		assert_ok!(commit_refusal(id, refuser, NAN));
		assert_ok!(commit(id, liar, &output(7)));
		assert_ok!(reveal_refusal(id, refuser, NAN));
		assert_ok!(reveal(id, liar, &output(7)));
		let arbitrators = arbitrators_of(id);
		for a in &arbitrators {
			assert_ok!(commit_refusal(id, *a, NAN));
		}
		for a in &arbitrators {
			assert_ok!(reveal_refusal(id, *a, NAN));
		}
		assert_eq!(status(id), JobStatus::Refused { reason: NAN, at: 1 });
		assert_eq!(slashed_events(), vec![(liar, SlashReason::WrongResult, STAKE / 10)]);
		assert_eq!(free(refuser), PROVIDER_FUNDS + 2 * PRICE / 4 + shares(STAKE / 10, 4).0);
		assert!(!Results::<Test>::contains_key(id));
	});
}

#[test]
fn arbitrators_that_split_too_refund_the_user_and_slash_no_answer() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		for (p, v) in [(a, 1), (b, 2), (c, 3)] {
			assert_ok!(commit(id, p, &output(v)));
		}
		for (p, v) in [(a, 1), (b, 2), (c, 3)] {
			assert_ok!(reveal(id, p, &output(v)));
		}
		let arbitrators = arbitrators_of(id);
		assert_eq!(arbitrators.len(), 2);
		for (x, v) in arbitrators.iter().zip([4, 5]) {
			assert_ok!(commit(id, *x, &output(v)));
		}
		for (x, v) in arbitrators.iter().zip([4, 5]) {
			assert_ok!(reveal(id, *x, &output(v)));
		}
		assert_eq!(status(id), JobStatus::Failed { reason: FailureReason::NoMajority, at: 1 });
		assert_eq!(free(USER), USER_FUNDS);
		assert!(slashed_events().is_empty());
		for p in arbitrators.iter().chain([&a, &b, &c]) {
			assert_eq!(free(*p), PROVIDER_FUNDS);
			assert_eq!(used_slots(*p), 0);
		}
		assert_eq!(PendingOutputs::<Test>::iter_prefix(id).count(), 0);
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE);
	});
}

#[test]
fn without_another_provider_a_split_refunds() {
	ExtBuilder.providers(2).build_and_execute(|| {
		let (id, _) = split_r2();
		assert!(arbitrators_of(id).is_empty());
		assert_eq!(status(id), JobStatus::Failed { reason: FailureReason::NoMajority, at: 1 });
		assert_eq!(free(USER), USER_FUNDS);
		assert!(slashed_events().is_empty());
	});
}

#[test]
fn silent_arbitrators_are_slashed_and_the_job_fails() {
	ExtBuilder.build_and_execute(|| {
		let (id, p) = split_r2();
		let arbitrators = arbitrators_of(id);
		run_to_block(11);
		assert_eq!(status(id), JobStatus::Failed { reason: FailureReason::NoMajority, at: 11 });
		let expected: Vec<_> =
			arbitrators.iter().map(|a| (*a, SlashReason::Timeout, STAKE / 20)).collect();
		assert_eq!(slashed_events(), expected);
		assert_eq!(free(USER), USER_FUNDS);
		assert_eq!(free(p[0]), PROVIDER_FUNDS);
	});
}

#[test]
fn arbitrators_answer_by_commit_and_reveal_only() {
	ExtBuilder.build_and_execute(|| {
		let (id, p) = split_r2();
		let x = arbitrators_of(id)[0];
		assert_noop!(reveal(id, x, &output(1)), Error::<Test>::RevealNotOpen);
		// The job's own providers have nothing left to send.
		assert_noop!(reveal(id, p[0], &output(1)), Error::<Test>::NotAssigned);
		// Nor can the user cancel a job whose answers are in.
		assert_noop!(
			JobEscrow::cancel_job(RuntimeOrigin::signed(USER), id),
			Error::<Test>::CannotCancel
		);
	});
}

#[test]
fn withholding_never_costs_less_than_a_losing_answer() {
	for (wrong, timeout) in [(10, 5), (5, 10), (0, 0), (50, 1), (1, 50)] {
		let terms = JobTerms::<u64> {
			commit_period: 10,
			reveal_period: 5,
			cancel_grace: 5,
			wrong_result_slash: Perbill::from_percent(wrong),
			timeout_slash: Perbill::from_percent(timeout),
			audit_rate: Perbill::zero(),
		};
		let withheld = terms.ratio(SlashReason::Withheld);
		assert!(withheld >= terms.ratio(SlashReason::WrongResult));
		assert!(withheld >= terms.ratio(SlashReason::Timeout));
		assert_eq!(withheld, Perbill::from_percent(wrong.max(timeout)));
	}
}
