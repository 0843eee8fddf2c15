//! Cancellation, deadlines, retention and the invariants.

use super::*;
use crate::{mock::*, Event, *};
use frame::testing_prelude::*;

// ---------------------------------------------------------------------------------------------
// cancel
// ---------------------------------------------------------------------------------------------

/// Requests a cancellation of `id` and runs to the block it takes effect.
fn cancel_and_wait(id: JobId) -> u64 {
	assert_ok!(JobEscrow::cancel_job(RuntimeOrigin::signed(USER), id));
	let at = Jobs::<Test>::get(id).unwrap().cancel_at.unwrap();
	run_to_block(at);
	at
}

#[test]
fn cancel_takes_effect_after_the_grace_and_keeps_the_protocol_fee() {
	ExtBuilder.build_and_execute(|| {
		let (id, assigned) = submit3();
		let fee = Jobs::<Test>::get(id).unwrap().protocol_fee;
		assert!(fee > 0);
		assert_ok!(JobEscrow::cancel_job(RuntimeOrigin::signed(USER), id));
		System::assert_last_event(Event::CancelRequested { job_id: id, at: 1 + 3 }.into());
		// Nothing happens during the grace.
		run_to_block(3);
		assert!(matches!(status(id), JobStatus::Pending { .. }));
		assert_eq!(held(USER), price(3));
		run_to_block(4);
		assert_eq!(status(id), JobStatus::Cancelled { at: 4 });
		assert_eq!(free(USER), USER_FUNDS - fee);
		assert_eq!(free(TREASURY), SMALL_FUNDS + fee);
		assert_eq!(held(USER), 0);
		for p in assigned {
			assert_eq!(used_slots(p), 0);
			assert_eq!(free(p), PROVIDER_FUNDS);
		}
		assert_eq!(MockModels::get(MODEL).unwrap().open_jobs, 0);
		System::assert_has_event(Event::JobCancelled { job_id: id }.into());
		// The stale commit deadline is ignored later; nobody is slashed.
		run_to_block(12);
		assert_eq!(status(id), JobStatus::Cancelled { at: 4 });
		assert!(slashed_events().is_empty());
	});
}

#[test]
fn an_answer_during_the_grace_completes_the_job() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		// The user sees the answer coming and front-runs it with a cancel: the answer still
		// lands in the grace and the user pays for it.
		assert_ok!(JobEscrow::cancel_job(RuntimeOrigin::signed(USER), id));
		run_to_block(2);
		assert_ok!(submit_result(id, p, &output(9)));
		assert!(matches!(status(id), JobStatus::Completed { .. }));
		assert_eq!(free(USER), USER_FUNDS - price(1));
		assert_eq!(free(p), PROVIDER_FUNDS + PRICE);
		run_to_block(12);
		assert!(matches!(status(id), JobStatus::Completed { .. }));
		assert!(slashed_events().is_empty());
	});
}

#[test]
fn a_commit_during_the_grace_voids_the_cancel() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		assert_ok!(JobEscrow::cancel_job(RuntimeOrigin::signed(USER), id));
		assert_ok!(commit(id, a, &output(1)));
		run_to_block(4);
		// The job goes on: the others commit and everyone is paid.
		assert!(matches!(status(id), JobStatus::Pending { .. }));
		assert_ok!(commit(id, b, &output(1)));
		assert_ok!(commit(id, c, &output(1)));
		for p in [a, b, c] {
			assert_ok!(reveal(id, p, &output(1)));
		}
		assert!(matches!(status(id), JobStatus::Completed { .. }));
		assert_eq!(free(a), PROVIDER_FUNDS + PRICE);
	});
}

#[test]
fn cancel_after_a_commit_twice_or_too_late_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, _, _]) = submit3();
		assert_ok!(commit(id, a, &output(1)));
		assert_noop!(
			JobEscrow::cancel_job(RuntimeOrigin::signed(USER), id),
			Error::<Test>::CannotCancel
		);
		let id = submit(Some(1));
		assert_ok!(JobEscrow::cancel_job(RuntimeOrigin::signed(USER), id));
		assert_noop!(
			JobEscrow::cancel_job(RuntimeOrigin::signed(USER), id),
			Error::<Test>::AlreadyCancelling
		);
		// Commit deadline 12 (submitted at 2): a cancel at 9 would take effect at 12.
		run_to_block(2);
		let late = submit(Some(1));
		run_to_block(9);
		assert_noop!(
			JobEscrow::cancel_job(RuntimeOrigin::signed(USER), late),
			Error::<Test>::TooLateToCancel
		);
	});
}

#[test]
fn cancel_by_someone_else_or_after_settlement_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		assert_noop!(
			JobEscrow::cancel_job(RuntimeOrigin::signed(USER2), id),
			Error::<Test>::NotJobOwner
		);
		let p = providers_of(id)[0];
		assert_ok!(submit_result(id, p, &output(9)));
		assert_noop!(
			JobEscrow::cancel_job(RuntimeOrigin::signed(USER), id),
			Error::<Test>::JobFinished
		);
	});
}

// ---------------------------------------------------------------------------------------------
// hooks: deadlines and retention
// ---------------------------------------------------------------------------------------------

#[test]
fn a_full_deadline_queue_is_processed_in_its_block() {
	ExtBuilder
		.provider(21, |p| p.capacity = 10)
		.provider(22, |p| p.capacity = 10)
		.build_and_execute(|| {
			for _ in 0..7 {
				submit(Some(1));
			}
			// Deadlines: 4 at block 11 (a full queue), 3 at block 12.
			assert_eq!(Deadlines::<Test>::get(11).len(), 4);
			run_to_block(11);
			let failed =
				|n: u64| (0..n).filter(|&i| matches!(status(i), JobStatus::Failed { .. })).count();
			assert_eq!(failed(7), 4);
			assert!(!Deadlines::<Test>::contains_key(11));
			assert_eq!(DeadlineCursor::<Test>::get(), Some(12));
			run_to_block(12);
			assert_eq!(failed(7), 7);
			assert_eq!(DeadlineCursor::<Test>::get(), Some(13));
			assert_eq!(free(USER), USER_FUNDS);
		});
}

#[test]
fn settled_jobs_cost_deadline_processing_a_read_and_nothing_else() {
	ExtBuilder
		.provider(21, |p| p.capacity = 10)
		.provider(22, |p| p.capacity = 10)
		.build_and_execute(|| {
			for _ in 0..4 {
				let id = submit(Some(1));
				let p = providers_of(id)[0];
				assert_ok!(submit_result(id, p, &output(9)));
			}
			run_to_block(10);
			let work = JobEscrow::process_deadlines(11, 1);
			assert_eq!(work, schedule::DeadlineWork { live: 0, escalated: 0, stale: 4, blocks: 1 });
		});
}

#[test]
fn on_idle_catches_up_with_queues_left_behind() {
	ExtBuilder.provider(21, |p| p.capacity = 10).build().execute_with(|| {
		let id = submit(Some(1));
		// A chain that skipped blocks (say, an upgrade that stalled) finds old queues.
		DeadlineCursor::<Test>::put(5);
		System::set_block_number(30);
		JobEscrow::on_initialize(30);
		// `on_initialize` did the oldest queues it may; the rest waits for spare weight.
		assert!(!JobEscrow::deadlines_caught_up(30));
		JobEscrow::on_idle(30, Weight::MAX);
		assert!(JobEscrow::deadlines_caught_up(30));
		assert!(matches!(status(id), JobStatus::Failed { .. }));
		JobEscrow::do_try_state().unwrap();
	});
}

#[test]
fn finished_jobs_expire_after_retention() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		assert_ok!(submit_result(id, p, &output(9)));
		let cancelled = submit(Some(1));
		assert_eq!(cancel_and_wait(cancelled), 4);
		run_to_block(20);
		assert!(Jobs::<Test>::contains_key(id));
		assert!(Results::<Test>::contains_key(id));
		run_to_block(21);
		assert!(!Jobs::<Test>::contains_key(id));
		assert!(!Results::<Test>::contains_key(id));
		assert!(Jobs::<Test>::contains_key(cancelled));
		run_to_block(24);
		assert!(!Jobs::<Test>::contains_key(cancelled));
		assert_eq!(ExpiryQueueBounds::<Test>::get(), (2, 2));
		System::assert_has_event(Event::JobExpired { job_id: id }.into());
		assert_noop!(
			JobEscrow::cancel_job(RuntimeOrigin::signed(USER), id),
			Error::<Test>::UnknownJob
		);
		let _ = p;
	});
}

#[test]
fn expiries_are_spread_so_that_every_block_removes_its_own() {
	ExtBuilder.provider(21, |p| p.capacity = 10).build_and_execute(|| {
		MaxExpiriesPerBlock::set(2);
		for _ in 0..5 {
			let id = submit(Some(1));
			let p = providers_of(id)[0];
			assert_ok!(submit_result(id, p, &output(9)));
		}
		// Five jobs finished in block 1 with a retention of 20: two expire at 21, two at 22,
		// the last at 23; `on_initialize` removes each block's own, nothing is left behind.
		let expiring_at: Vec<u64> =
			(0..5).map(|pos| ExpiryQueue::<Test>::get(pos).unwrap().1).collect();
		assert_eq!(expiring_at, vec![21, 21, 22, 22, 23]);
		for (block, left) in [(20, 5), (21, 3), (22, 1), (23, 0)] {
			run_to_block(block);
			assert_eq!(Jobs::<Test>::iter().count(), left, "block {block}");
			JobEscrow::do_try_state().unwrap();
		}
	});
}

#[test]
fn a_retention_cut_never_leaves_expiries_behind() {
	ExtBuilder.provider(21, |p| p.capacity = 10).build_and_execute(|| {
		let early = submit(Some(1));
		assert_ok!(submit_result(early, providers_of(early)[0], &output(9)));
		// Governance cuts the retention from 20 to 2 blocks.
		Retention::set(2);
		run_to_block(3);
		let late = submit(Some(1));
		assert_ok!(submit_result(late, providers_of(late)[0], &output(9)));
		// The later job would be due at 5, before the earlier one (21): it waits for it, so
		// the queue stays in order and each block removes what is due.
		assert_eq!(ExpiryQueue::<Test>::get(1), Some((late, 21)));
		for block in 4..=21 {
			run_to_block(block);
			JobEscrow::do_try_state().unwrap();
		}
		assert_eq!(Jobs::<Test>::iter().count(), 0);
		// Once the older entries are gone the new retention applies.
		let next = submit(Some(1));
		assert_ok!(submit_result(next, providers_of(next)[0], &output(9)));
		assert_eq!(ExpiryQueue::<Test>::get(2), Some((next, 23)));
	});
}

#[test]
fn a_job_keeps_the_periods_and_slashes_it_was_submitted_under() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		// Governance changes the rules while the job runs.
		RevealPeriod::set(2);
		TimeoutSlash::set(Perbill::from_percent(50));
		for p in [a, b, c] {
			assert_ok!(commit(id, p, &output(1)));
		}
		// The reveal period of the job's submission (5), not the new one.
		assert_eq!(status(id), JobStatus::Revealing { deadline: 6 });
		assert_ok!(reveal(id, a, &output(1)));
		assert_ok!(reveal(id, b, &output(1)));
		run_to_block(6);
		// c withheld its reveal: slashed the larger of the job's wrong-result (10%) and
		// timeout (5%) slashes, not the new 50% timeout slash.
		assert_eq!(slashed_events(), vec![(c, SlashReason::Withheld, STAKE / 10)]);
		// A job submitted now runs under the new rules.
		let later = submit(Some(1));
		assert_eq!(
			Jobs::<Test>::get(later).unwrap().terms.timeout_slash,
			Perbill::from_percent(50)
		);
	});
}

#[test]
fn try_state_detects_unaccounted_escrow() {
	ExtBuilder.build().execute_with(|| {
		submit(Some(1));
		assert_ok!(JobEscrow::do_try_state());
		assert_ok!(<Balances as frame::traits::fungible::MutateHold<_>>::hold(
			&HoldReason::JobEscrow.into(),
			&USER,
			1
		));
		assert!(JobEscrow::do_try_state().is_err());
	});
}

#[test]
fn try_state_detects_a_job_past_its_deadline() {
	ExtBuilder.build().execute_with(|| {
		let id = submit(Some(1));
		// Pretend the deadline queue was processed past the job without handling it.
		Deadlines::<Test>::remove(11);
		assert!(JobEscrow::do_try_state().is_err());
		let _ = id;
	});
}
