//! `submit_job`: checks, price, draw, input.

use super::*;
use crate::{mock::*, Event, *};
use frame::testing_prelude::*;

// ---------------------------------------------------------------------------------------------
// submit_job
// ---------------------------------------------------------------------------------------------

#[test]
fn submit_job_holds_price_assigns_and_indexes_input() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(None);
		assert_eq!(id, 0);
		let job = Jobs::<Test>::get(0).unwrap();
		assert_eq!(job.redundancy(), 1);
		assert_eq!(job.held, price(1));
		assert_eq!(job.input_hash, infera_primitives::digest(&input()));
		assert_eq!(job.input_len, INPUT_LEN);
		assert_eq!(job.status, JobStatus::Pending { deadline: 11 });
		assert_eq!(held(USER), 160);
		assert_eq!(free(USER), USER_FUNDS - 160);
		assert_eq!(used_slots(job.assignments[0].provider), 1);
		assert_eq!(MockModels::get(MODEL).unwrap().open_jobs, 1);
		assert_eq!(Deadlines::<Test>::get(11).into_inner(), vec![(0, DeadlineKind::Commit)]);
		assert_eq!(NextJobId::<Test>::get(), 1);
		let provider = job.assignments[0].provider;
		assert_eq!(AssignedJobs::<Test>::iter_key_prefix(provider).collect::<Vec<_>>(), vec![0]);
		System::assert_last_event(
			Event::JobSubmitted {
				job_id: 0,
				user: USER,
				model: MODEL,
				providers: vec![job.assignments[0].provider].try_into().unwrap(),
				price: 160,
				input_hash: job.input_hash,
				deadline: 11,
			}
			.into(),
		);
	});
}

#[test]
fn input_is_written_to_the_offchain_index_under_the_documented_key() {
	let mut ext = ExtBuilder.build();
	ext.execute_with(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		assert_ok!(submit_result(id, p, &output(9)));
	});
	let input_hash = infera_primitives::digest(&input());
	let key = input_key(0, &input_hash);
	assert_eq!(&key[..17], b"infera/job-input/");
	assert_eq!(&key[17..25], &0u64.to_le_bytes());
	assert_eq!(&key[25..], &input_hash);
	ext.persist_offchain_overlay();
	assert_eq!(ext.offchain_db().get(&key), Some(input().into_inner()));
	// Cleared when the job expires.
	ext.execute_with(|| run_to_block(21));
	ext.persist_offchain_overlay();
	assert_eq!(ext.offchain_db().get(&key), None);
	ext.execute_with(|| JobEscrow::do_try_state().unwrap());
}

#[test]
fn unknown_model_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(
			JobEscrow::submit_job(RuntimeOrigin::signed(USER), 42, input(), 10_000, None),
			Error::<Test>::UnknownModel
		);
	});
}

#[test]
fn deprecated_model_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(
			JobEscrow::submit_job(
				RuntimeOrigin::signed(USER),
				DEPRECATED_MODEL,
				input(),
				10_000,
				None
			),
			Error::<Test>::ModelDeprecated
		);
	});
}

#[test]
fn wrong_input_size_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let short: BoundedVec<u8, ConstU32<64>> = vec![1u8; 7].try_into().unwrap();
		assert_noop!(
			JobEscrow::submit_job(RuntimeOrigin::signed(USER), MODEL, short, 10_000, None),
			Error::<Test>::WrongInputSize
		);
		let long: BoundedVec<u8, ConstU32<64>> = vec![1u8; 9].try_into().unwrap();
		assert_noop!(
			JobEscrow::submit_job(RuntimeOrigin::signed(USER), MODEL, long, 10_000, None),
			Error::<Test>::WrongInputSize
		);
	});
}

#[test]
fn input_above_governed_maximum_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		MaxInput::set(4);
		assert_noop!(
			JobEscrow::submit_job(RuntimeOrigin::signed(USER), MODEL, input(), 10_000, None),
			Error::<Test>::InputTooLarge
		);
	});
}

#[test]
fn model_output_above_maximum_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		MaxOutput::set(3);
		assert_noop!(
			JobEscrow::submit_job(RuntimeOrigin::signed(USER), MODEL, input(), 10_000, None),
			Error::<Test>::ModelOutputTooLarge
		);
	});
}

#[test]
fn invalid_redundancy_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		for r in [0, 6] {
			assert_noop!(
				JobEscrow::submit_job(RuntimeOrigin::signed(USER), MODEL, input(), 10_000, Some(r)),
				Error::<Test>::InvalidRedundancy
			);
		}
	});
}

#[test]
fn default_redundancy_comes_from_parameters() {
	ExtBuilder.build_and_execute(|| {
		DefaultRedundancy::set(3);
		let id = submit(None);
		assert_eq!(Jobs::<Test>::get(id).unwrap().redundancy(), 3);
		// Clamped to MaxRedundancy.
		DefaultRedundancy::set(50);
		let id = submit(None);
		assert_eq!(Jobs::<Test>::get(id).unwrap().redundancy(), 5);
	});
}

#[test]
fn jobs_of_pages_a_users_jobs_newest_first_until_they_expire() {
	ExtBuilder.build_and_execute(|| {
		let ids: Vec<JobId> = (0..5).map(|_| submit(None)).collect();
		let page = |before, limit| -> Vec<JobId> {
			JobEscrow::jobs_of(&USER, before, limit).into_iter().map(|j| j.id).collect()
		};
		assert_eq!(page(None, 2), vec![ids[4], ids[3]]);
		assert_eq!(page(Some(ids[3]), 2), vec![ids[2], ids[1]]);
		assert_eq!(page(Some(ids[1]), 10), vec![ids[0]]);
		assert_eq!(page(Some(ids[0]), 10), Vec::<JobId>::new());
		assert!(JobEscrow::jobs_of(&USER2, None, 10).is_empty());
		let view = JobEscrow::job_view(ids[0]).unwrap();
		assert_eq!(
			(view.user, view.model, view.held, view.result),
			(USER, MODEL, view.price, None)
		);
		// The view carries the stored record's terms.
		let stored = Jobs::<Test>::get(ids[0]).unwrap();
		assert_eq!(
			(view.input_hash, view.input_len, view.output_len, view.author),
			(stored.input_hash, INPUT_LEN, OUTPUT_LEN, AUTHOR)
		);
		assert_eq!(
			(view.author_fee, view.protocol_fee, view.audit_fee, view.audited),
			(AUTHOR_FEE, stored.protocol_fee, stored.audit_fee, stored.audited)
		);
		assert_eq!(view.price, stored.price());
		assert_eq!(view.cancel_at, None);
		// Cancelled jobs (after the grace) expire after the retention and leave the index.
		for id in &ids {
			assert_ok!(JobEscrow::cancel_job(RuntimeOrigin::signed(USER), *id));
		}
		let cancel_at = JobEscrow::job_view(ids[0]).unwrap().cancel_at;
		assert_eq!(cancel_at, Jobs::<Test>::get(ids[0]).unwrap().cancel_at);
		assert!(cancel_at >= Some(System::block_number() + CancelGrace::get()));
		run_to_block(System::block_number() + CancelGrace::get() + Retention::get() + 1);
		assert_eq!(page(None, 10), Vec::<JobId>::new());
		assert!(JobEscrow::job_view(ids[0]).is_none());
	});
}

#[test]
fn allowed_redundancy_comes_from_parameters() {
	ExtBuilder.build_and_execute(|| {
		AllowedRedundancy::set(2);
		assert_noop!(
			JobEscrow::submit_job(RuntimeOrigin::signed(USER), MODEL, input(), 10_000, Some(3)),
			Error::<Test>::InvalidRedundancy
		);
		let id = submit(Some(2));
		assert_eq!(Jobs::<Test>::get(id).unwrap().redundancy(), 2);
		// The default follows the allowed maximum down.
		DefaultRedundancy::set(4);
		let id = submit(None);
		assert_eq!(Jobs::<Test>::get(id).unwrap().redundancy(), 2);
		// A governed maximum above the structural cap is clamped to it.
		AllowedRedundancy::set(50);
		assert_noop!(
			JobEscrow::submit_job(RuntimeOrigin::signed(USER), MODEL, input(), 10_000, Some(6)),
			Error::<Test>::InvalidRedundancy
		);
	});
}

#[test]
fn not_enough_providers_holds_nothing() {
	ExtBuilder.providers(2).build_and_execute(|| {
		assert_noop!(
			JobEscrow::submit_job(RuntimeOrigin::signed(USER), MODEL, input(), 10_000, Some(3)),
			Error::<Test>::NotEnoughProviders
		);
		assert_eq!(held(USER), 0);
		assert_eq!(free(USER), USER_FUNDS);
	});
}

#[test]
fn offline_and_full_providers_are_not_eligible() {
	ExtBuilder
		.providers(3)
		.provider(21, |p| p.online = false)
		.provider(22, |p| p.capacity = 0)
		.build_and_execute(|| {
			assert_noop!(
				JobEscrow::submit_job(RuntimeOrigin::signed(USER), MODEL, input(), 10_000, Some(2)),
				Error::<Test>::NotEnoughProviders
			);
			let id = submit(Some(1));
			assert_eq!(providers_of(id), vec![23]);
		});
}

#[test]
fn price_above_max_is_rejected_and_nothing_held() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(
			JobEscrow::submit_job(RuntimeOrigin::signed(USER), MODEL, input(), 159, None),
			Error::<Test>::PriceAboveMax
		);
		assert_ok!(JobEscrow::submit_job(RuntimeOrigin::signed(USER), MODEL, input(), 160, None));
		assert_eq!(held(USER), 160);
	});
}

#[test]
fn price_sums_the_assigned_providers_prices() {
	ExtBuilder
		.providers(2)
		.provider(21, |p| p.price = 30)
		.provider(22, |p| p.price = 70)
		.build_and_execute(|| {
			let quote = JobEscrow::quote(MODEL, Some(2)).unwrap();
			assert_eq!(
				(quote.providers, quote.author_fee, quote.protocol_fee, quote.total),
				(100, 50, 10, 100 + 50 + 10)
			);
			assert_eq!(quote.eligible_providers, 2);
			assert_eq!(JobEscrow::quote(MODEL, Some(1)).unwrap().total, 70 + 50 + 7);
			assert_eq!(
				JobEscrow::quote(MODEL, Some(3)),
				Err(QuoteError::NotEnoughProviders { eligible: 2 })
			);
			assert_eq!(
				JobEscrow::quote(MODEL, Some(0)),
				Err(QuoteError::InvalidRedundancy { max: 5 })
			);
			assert_eq!(JobEscrow::quote(MODEL + 100, None), Err(QuoteError::UnknownModel));
			let id = submit(Some(2));
			assert_eq!(Jobs::<Test>::get(id).unwrap().held, 160);
			assert_eq!(Jobs::<Test>::get(id).unwrap().protocol_fee, 10);
		});
}

#[test]
fn unfunded_user_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(
			JobEscrow::submit_job(RuntimeOrigin::signed(POOR), MODEL, input(), 10_000, None),
			Error::<Test>::InsufficientBalance
		);
		// Enough for the free balance but not for the price.
		Balances::set_balance(&POOR, 159);
		assert_noop!(
			JobEscrow::submit_job(RuntimeOrigin::signed(POOR), MODEL, input(), 10_000, None),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn stake_weighted_draw_favours_big_stakes_and_never_repeats() {
	// Provider 21 holds 97% of the stake.
	let mut counts = [0u32; 5];
	for seed in 0..200u64 {
		ExtBuilder
			.seed(seed)
			.provider(21, |p| p.stake = 97_000)
			.provider(22, |p| p.stake = 1_000)
			.provider(23, |p| p.stake = 1_000)
			.provider(24, |p| p.stake = 1_000)
			.provider(25, |p| p.stake = 0)
			.build_and_execute(|| {
				let id = submit(Some(1));
				counts[(providers_of(id)[0] - 21) as usize] += 1;
				let id = submit(Some(4));
				let mut p = providers_of(id);
				p.sort();
				p.dedup();
				assert_eq!(p.len(), 4, "drawn without replacement");
				// A zero-stake provider is never drawn while staked ones remain.
				assert!(!p.contains(&25));
			});
	}
	assert!(counts[0] > 170, "heavy staker drawn {} / 200", counts[0]);
	assert_eq!(counts[4], 0);
}

#[test]
fn deadline_queue_overflow_moves_to_next_block() {
	ExtBuilder.provider(21, |p| p.capacity = 10).build_and_execute(|| {
		for _ in 0..5 {
			submit(Some(1));
		}
		assert_eq!(Deadlines::<Test>::get(11).len(), 4);
		assert_eq!(Deadlines::<Test>::get(12).into_inner(), vec![(4, DeadlineKind::Commit)]);
		assert_eq!(status(4), JobStatus::Pending { deadline: 12 });
	});
}
