//! Unit and property tests of the job pallet.

use crate::{mock::*, Event, *};
use frame::{
	deps::sp_core::Pair,
	testing_prelude::*,
	traits::fungible::{InspectHold as _, Mutate as _},
};
use infera_primitives::{market::QuoteError, traits::SlashReason};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn input() -> BoundedVec<u8, ConstU32<64>> {
	vec![7u8; INPUT_LEN as usize].try_into().unwrap()
}

fn output(v: u8) -> Vec<u8> {
	vec![v; OUTPUT_LEN as usize]
}

fn bounded_output(out: &[u8]) -> BoundedVec<u8, ConstU32<32>> {
	out.to_vec().try_into().unwrap()
}

fn salt(who: AccountId) -> [u8; 32] {
	[who as u8 ^ 0x5a; 32]
}

/// The attestation `signer`'s worker would produce for `out` on `job_id`.
fn attestation_by(job_id: JobId, signer: AccountId, out: &[u8]) -> Attestation {
	let job = Jobs::<Test>::get(job_id).unwrap();
	let output_hash = infera_primitives::digest(out);
	let payload = AttestationPayload {
		job_id,
		model_hash: job.model_hash,
		input_hash: job.input_hash,
		output_hash,
	};
	Attestation { output_hash, signature: payload.sign(&worker(signer)) }
}

fn attestation(job_id: JobId, who: AccountId, out: &[u8]) -> Attestation {
	attestation_by(job_id, who, out)
}

fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::JobEscrow.into(), &who)
}

fn providers_of(job_id: JobId) -> Vec<AccountId> {
	Jobs::<Test>::get(job_id).unwrap().assignments.iter().map(|a| a.provider).collect()
}

fn submit(r: Option<u32>) -> JobId {
	let id = NextJobId::<Test>::get();
	assert_ok!(JobEscrow::submit_job(RuntimeOrigin::signed(USER), MODEL, input(), 10_000, r));
	id
}

fn submit_result(job_id: JobId, who: AccountId, out: &[u8]) -> DispatchResultWithPostInfo {
	JobEscrow::submit_result(
		RuntimeOrigin::signed(who),
		job_id,
		bounded_output(out),
		attestation(job_id, who, out),
	)
}

fn commit(job_id: JobId, who: AccountId, out: &[u8]) -> DispatchResultWithPostInfo {
	let c = commitment_of(&infera_primitives::digest(out), &salt(who), &who);
	JobEscrow::commit_result(RuntimeOrigin::signed(who), job_id, c)
}

fn reveal(job_id: JobId, who: AccountId, out: &[u8]) -> DispatchResultWithPostInfo {
	JobEscrow::reveal_result(
		RuntimeOrigin::signed(who),
		job_id,
		bounded_output(out),
		salt(who),
		attestation(job_id, who, out),
	)
}

fn run_to_block(n: u64) {
	System::run_to_block::<AllPalletsWithSystem>(n);
}

fn status(job_id: JobId) -> JobStatus<u64> {
	Jobs::<Test>::get(job_id).unwrap().status
}

fn slashed_events() -> Vec<(AccountId, SlashReason, Balance)> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::JobEscrow(Event::ProviderSlashed {
				provider, reason, amount, ..
			}) => Some((provider, reason, amount)),
			_ => None,
		})
		.collect()
}

fn used_slots(who: AccountId) -> u32 {
	MockProviders::get(who).unwrap().used
}

/// Price of a job with `r` default-priced providers: r × 100 + 50 + 10% of r × 100.
fn price(r: u32) -> Balance {
	let providers = PRICE * r as Balance;
	providers + AUTHOR_FEE + providers / 10
}

const TOTAL_ISSUANCE: Balance = 2 * USER_FUNDS + 2 * SMALL_FUNDS + 5 * PROVIDER_FUNDS;

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
	let key = input_key(0);
	assert_eq!(&key[..17], b"infera/job-input/");
	assert_eq!(&key[17..], &0u64.to_le_bytes());
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
		// Cancelled jobs expire after the retention and leave the index.
		for id in &ids {
			assert_ok!(JobEscrow::cancel_job(RuntimeOrigin::signed(USER), *id));
		}
		run_to_block(System::block_number() + Retention::get() + 2);
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

// ---------------------------------------------------------------------------------------------
// redundancy 1
// ---------------------------------------------------------------------------------------------

#[test]
fn r1_success_pays_provider_author_treasury() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		let post = submit_result(id, p, &output(9)).unwrap();
		assert_eq!(post.pays_fee, Pays::No);

		assert_eq!(free(USER), USER_FUNDS - 160);
		assert_eq!(held(USER), 0);
		assert_eq!(free(p), PROVIDER_FUNDS + 100);
		assert_eq!(free(AUTHOR), SMALL_FUNDS + 50);
		assert_eq!(free(TREASURY), SMALL_FUNDS + 10);
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE);
		assert_eq!(Results::<Test>::get(id).unwrap().into_inner(), output(9));
		let hash = infera_primitives::digest(&output(9));
		assert_eq!(status(id), JobStatus::Completed { output_hash: hash, at: 1 });
		assert_eq!(used_slots(p), 0);
		assert_eq!(AssignedJobs::<Test>::iter_key_prefix(p).count(), 0);
		assert_eq!(MockModels::get(MODEL).unwrap().open_jobs, 0);
		System::assert_last_event(
			Event::JobCompleted { job_id: id, output_hash: hash, winners: 1, share: 100 }.into(),
		);
		assert!(slashed_events().is_empty());
	});
}

#[test]
fn r1_missing_result_refunds_and_slashes_timeout() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		run_to_block(10);
		assert!(Jobs::<Test>::get(id).unwrap().is_open());
		run_to_block(11);
		assert_eq!(status(id), JobStatus::Failed { reason: FailureReason::NoAnswers, at: 11 });
		assert_eq!(free(USER), USER_FUNDS);
		assert_eq!(held(USER), 0);
		// 5% of 500 moved to the treasury.
		assert_eq!(free(p), PROVIDER_FUNDS - 25);
		assert_eq!(free(TREASURY), SMALL_FUNDS + 25);
		assert_eq!(free(AUTHOR), SMALL_FUNDS);
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE);
		assert_eq!(slashed_events(), vec![(p, SlashReason::Timeout, 25)]);
		assert_eq!(
			JobEscrow::provider_record(&p),
			ProviderRecord { answered: 0, wrong: 0, missed: 1, slashed: 25 }
		);
		assert_eq!(used_slots(p), 0);
		System::assert_last_event(
			Event::JobFailed { job_id: id, reason: FailureReason::NoAnswers }.into(),
		);
	});
}

#[test]
fn r1_result_after_deadline_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		System::set_block_number(11);
		assert_noop!(submit_result(id, p, &output(9)), Error::<Test>::DeadlinePassed);
	});
}

#[test]
fn result_from_non_assigned_provider_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		let other = PROVIDERS.iter().copied().find(|&x| x != p).unwrap();
		assert_noop!(submit_result(id, other, &output(9)), Error::<Test>::NotAssigned);
		assert_noop!(submit_result(id, STRANGER, &output(9)), Error::<Test>::NotAssigned);
	});
}

#[test]
fn bad_attestation_signature_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		let other = PROVIDERS.iter().copied().find(|&x| x != p).unwrap();
		// Signed by another worker's key.
		let att = attestation_by(id, other, &output(9));
		assert_noop!(
			JobEscrow::submit_result(RuntimeOrigin::signed(p), id, bounded_output(&output(9)), att),
			Error::<Test>::BadAttestation
		);
		// Signed for another job id.
		let mut att = attestation(id, p, &output(9));
		let payload = AttestationPayload {
			job_id: id + 1,
			model_hash: artifact_hash(MODEL),
			input_hash: infera_primitives::digest(&input()),
			output_hash: att.output_hash,
		};
		att.signature = payload.sign(&worker(p));
		assert_noop!(
			JobEscrow::submit_result(RuntimeOrigin::signed(p), id, bounded_output(&output(9)), att),
			Error::<Test>::BadAttestation
		);
	});
}

#[test]
fn provider_without_worker_key_is_rejected() {
	ExtBuilder.providers(1).provider(21, |p| p.worker = None).build_and_execute(|| {
		let id = submit(Some(1));
		assert_noop!(submit_result(id, 21, &output(9)), Error::<Test>::NoWorkerKey);
	});
}

#[test]
fn output_not_matching_hash_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		let att = attestation(id, p, &output(9));
		assert_noop!(
			JobEscrow::submit_result(RuntimeOrigin::signed(p), id, bounded_output(&output(8)), att),
			Error::<Test>::OutputHashMismatch
		);
	});
}

#[test]
fn output_of_wrong_size_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		assert_noop!(submit_result(id, p, &[9u8; 5]), Error::<Test>::WrongOutputSize);
		MaxOutput::set(3);
		assert_noop!(submit_result(id, p, &output(9)), Error::<Test>::OutputTooLarge);
	});
}

#[test]
fn commit_on_r1_job_and_submit_on_r3_job_are_rejected() {
	ExtBuilder.build_and_execute(|| {
		let one = submit(Some(1));
		let p = providers_of(one)[0];
		assert_noop!(commit(one, p, &output(9)), Error::<Test>::UseSubmitResult);
		assert_noop!(reveal(one, p, &output(9)), Error::<Test>::UseSubmitResult);
		let three = submit(Some(3));
		let q = providers_of(three)[0];
		assert_noop!(submit_result(three, q, &output(9)), Error::<Test>::UseCommitReveal);
	});
}

#[test]
fn unknown_job_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let att = Attestation {
			output_hash: infera_primitives::digest(&output(9)),
			signature: worker(21).sign(b"x"),
		};
		assert_noop!(
			JobEscrow::submit_result(RuntimeOrigin::signed(21), 7, bounded_output(&output(9)), att),
			Error::<Test>::UnknownJob
		);
		assert_noop!(
			JobEscrow::commit_result(RuntimeOrigin::signed(21), 7, [0; 32]),
			Error::<Test>::UnknownJob
		);
		assert_noop!(
			JobEscrow::cancel_job(RuntimeOrigin::signed(USER), 7),
			Error::<Test>::UnknownJob
		);
	});
}

#[test]
fn failed_result_transactions_pay_fees() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let err = submit_result(id, STRANGER, &output(9)).unwrap_err();
		assert_eq!(err.post_info.pays_fee, Pays::Yes);
	});
}

// ---------------------------------------------------------------------------------------------
// redundancy 3: commit and reveal
// ---------------------------------------------------------------------------------------------

/// Submits a job with 3 providers (all five are eligible).
fn submit3() -> (JobId, [AccountId; 3]) {
	let id = submit(Some(3));
	let p = providers_of(id);
	(id, [p[0], p[1], p[2]])
}

#[test]
fn r3_unanimous_pays_all_equally() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		assert_eq!(held(USER), price(3));
		for p in [a, b, c] {
			assert_eq!(commit(id, p, &output(1)).unwrap().pays_fee, Pays::No);
		}
		// Everyone committed: reveal opens now, deadline 1 + 5.
		assert_eq!(status(id), JobStatus::Revealing { deadline: 6 });
		System::assert_last_event(Event::RevealOpened { job_id: id, deadline: 6 }.into());
		for p in [a, b] {
			assert_eq!(reveal(id, p, &output(1)).unwrap().pays_fee, Pays::No);
			assert!(Jobs::<Test>::get(id).unwrap().is_open());
		}
		assert_ok!(reveal(id, c, &output(1)));
		let hash = infera_primitives::digest(&output(1));
		assert_eq!(status(id), JobStatus::Completed { output_hash: hash, at: 1 });
		for p in [a, b, c] {
			assert_eq!(free(p), PROVIDER_FUNDS + 100);
			assert_eq!(used_slots(p), 0);
		}
		assert_eq!(free(USER), USER_FUNDS - price(3));
		assert_eq!(held(USER), 0);
		assert_eq!(free(AUTHOR), SMALL_FUNDS + 50);
		assert_eq!(free(TREASURY), SMALL_FUNDS + 30);
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE);
		assert_eq!(Results::<Test>::get(id).unwrap().into_inner(), output(1));
		assert_eq!(PendingOutputs::<Test>::iter_prefix(id).count(), 0);
		System::assert_last_event(
			Event::JobCompleted { job_id: id, output_hash: hash, winners: 3, share: 100 }.into(),
		);
	});
}

#[test]
fn r3_two_vs_one_slashes_minority_and_pays_majority() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		assert_ok!(commit(id, a, &output(1)));
		assert_ok!(commit(id, b, &output(2)));
		assert_ok!(commit(id, c, &output(1)));
		assert_ok!(reveal(id, a, &output(1)));
		assert_ok!(reveal(id, b, &output(2)));
		assert_ok!(reveal(id, c, &output(1)));
		let hash = infera_primitives::digest(&output(1));
		assert_eq!(status(id), JobStatus::Completed { output_hash: hash, at: 1 });
		// 300 shared by two winners.
		assert_eq!(free(a), PROVIDER_FUNDS + 150);
		assert_eq!(free(c), PROVIDER_FUNDS + 150);
		// 10% of 500 slashed to the treasury.
		assert_eq!(free(b), PROVIDER_FUNDS - 50);
		assert_eq!(MockProviders::get(b).unwrap().stake, 450);
		assert_eq!(free(TREASURY), SMALL_FUNDS + 30 + 50);
		assert_eq!(free(AUTHOR), SMALL_FUNDS + 50);
		assert_eq!(free(USER), USER_FUNDS - price(3));
		assert_eq!(held(USER), 0);
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE);
		assert_eq!(slashed_events(), vec![(b, SlashReason::WrongResult, 50)]);
		assert_eq!(Results::<Test>::get(id).unwrap().into_inner(), output(1));
		let record =
			|answered, wrong, slashed| ProviderRecord { answered, wrong, missed: 0, slashed };
		assert_eq!(JobEscrow::provider_record(&a), record(1, 0, 0));
		assert_eq!(JobEscrow::provider_record(&b), record(0, 1, 50));
		assert_eq!(JobEscrow::provider_record(&c), record(1, 0, 0));
		System::assert_last_event(
			Event::JobCompleted { job_id: id, output_hash: hash, winners: 2, share: 150 }.into(),
		);
	});
}

#[test]
fn remainder_of_the_share_goes_back_to_the_user() {
	ExtBuilder.providers(3).provider(21, |p| p.price = 101).build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		// providers 301, protocol fee 30, author 50.
		assert_eq!(held(USER), 381);
		assert_ok!(commit(id, a, &output(1)));
		assert_ok!(commit(id, b, &output(1)));
		assert_ok!(commit(id, c, &output(1)));
		for p in [a, b, c] {
			assert_ok!(reveal(id, p, &output(1)));
		}
		for p in [a, b, c] {
			assert_eq!(free(p), PROVIDER_FUNDS + 100);
		}
		// 301 = 3 × 100 + 1: the 1 is refunded.
		assert_eq!(free(USER), USER_FUNDS - 380);
		assert_eq!(free(TREASURY), SMALL_FUNDS + 30);
		// Only three providers exist in this test.
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE - 2 * PROVIDER_FUNDS);
	});
}

#[test]
fn r3_no_majority_refunds_in_full() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		for (p, v) in [(a, 1), (b, 2), (c, 3)] {
			assert_ok!(commit(id, p, &output(v)));
		}
		for (p, v) in [(a, 1), (b, 2), (c, 3)] {
			assert_ok!(reveal(id, p, &output(v)));
		}
		assert_eq!(status(id), JobStatus::Failed { reason: FailureReason::NoMajority, at: 1 });
		assert_eq!(free(USER), USER_FUNDS);
		assert_eq!(held(USER), 0);
		for p in [a, b, c] {
			assert_eq!(free(p), PROVIDER_FUNDS);
			assert_eq!(used_slots(p), 0);
		}
		assert_eq!(free(TREASURY), SMALL_FUNDS);
		assert_eq!(free(AUTHOR), SMALL_FUNDS);
		assert!(slashed_events().is_empty());
		assert!(Results::<Test>::get(id).is_none());
		assert_eq!(PendingOutputs::<Test>::iter_prefix(id).count(), 0);
		System::assert_last_event(
			Event::JobFailed { job_id: id, reason: FailureReason::NoMajority }.into(),
		);
	});
}

#[test]
fn one_answer_out_of_three_is_no_majority() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		for p in [a, b, c] {
			assert_ok!(commit(id, p, &output(1)));
		}
		assert_ok!(reveal(id, a, &output(1)));
		run_to_block(6);
		assert_eq!(status(id), JobStatus::Failed { reason: FailureReason::NoMajority, at: 6 });
		assert_eq!(free(USER), USER_FUNDS);
		assert_eq!(free(a), PROVIDER_FUNDS);
		// b and c missed the reveal: 5% of 500 each.
		assert_eq!(free(b), PROVIDER_FUNDS - 25);
		assert_eq!(free(c), PROVIDER_FUNDS - 25);
		assert_eq!(free(TREASURY), SMALL_FUNDS + 50);
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE);
	});
}

#[test]
fn missed_commit_is_slashed_and_majority_still_wins() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		assert_ok!(commit(id, a, &output(1)));
		assert_ok!(commit(id, b, &output(1)));
		// c never commits: reveal stays closed until the commit deadline.
		assert_noop!(reveal(id, a, &output(1)), Error::<Test>::RevealNotOpen);
		run_to_block(11);
		assert_eq!(status(id), JobStatus::Revealing { deadline: 16 });
		assert_noop!(commit(id, c, &output(1)), Error::<Test>::DeadlinePassed);
		assert_noop!(reveal(id, c, &output(1)), Error::<Test>::NotCommitted);
		assert_ok!(reveal(id, a, &output(1)));
		assert_ok!(reveal(id, b, &output(1)));
		// Everyone who committed revealed: settled at once.
		let hash = infera_primitives::digest(&output(1));
		assert_eq!(status(id), JobStatus::Completed { output_hash: hash, at: 11 });
		assert_eq!(free(a), PROVIDER_FUNDS + 150);
		assert_eq!(free(b), PROVIDER_FUNDS + 150);
		assert_eq!(free(c), PROVIDER_FUNDS - 25);
		assert_eq!(free(TREASURY), SMALL_FUNDS + 30 + 25);
		assert_eq!(free(AUTHOR), SMALL_FUNDS + 50);
		assert_eq!(free(USER), USER_FUNDS - price(3));
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE);
		assert_eq!(slashed_events(), vec![(c, SlashReason::Timeout, 25)]);
	});
}

#[test]
fn missed_reveal_is_slashed_at_the_reveal_deadline() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		for p in [a, b, c] {
			assert_ok!(commit(id, p, &output(1)));
		}
		assert_ok!(reveal(id, a, &output(1)));
		assert_ok!(reveal(id, b, &output(1)));
		run_to_block(5);
		assert!(Jobs::<Test>::get(id).unwrap().is_open());
		run_to_block(6);
		let hash = infera_primitives::digest(&output(1));
		assert_eq!(status(id), JobStatus::Completed { output_hash: hash, at: 6 });
		assert_eq!(free(a), PROVIDER_FUNDS + 150);
		assert_eq!(free(b), PROVIDER_FUNDS + 150);
		assert_eq!(free(c), PROVIDER_FUNDS - 25);
		assert_eq!(free(TREASURY), SMALL_FUNDS + 30 + 25);
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE);
		assert_eq!(slashed_events(), vec![(c, SlashReason::Timeout, 25)]);
	});
}

#[test]
fn reveal_after_deadline_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		for p in [a, b, c] {
			assert_ok!(commit(id, p, &output(1)));
		}
		System::set_block_number(6);
		assert_noop!(reveal(id, a, &output(1)), Error::<Test>::DeadlinePassed);
	});
}

#[test]
fn all_providers_silent_refunds_and_slashes_everyone() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		run_to_block(11);
		assert_eq!(status(id), JobStatus::Failed { reason: FailureReason::NoAnswers, at: 11 });
		assert_eq!(free(USER), USER_FUNDS);
		assert_eq!(held(USER), 0);
		for p in [a, b, c] {
			assert_eq!(free(p), PROVIDER_FUNDS - 25);
			assert_eq!(used_slots(p), 0);
		}
		assert_eq!(free(TREASURY), SMALL_FUNDS + 75);
		assert_eq!(free(AUTHOR), SMALL_FUNDS);
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE);
		assert_eq!(slashed_events().len(), 3);
		assert_eq!(MockModels::get(MODEL).unwrap().open_jobs, 0);
	});
}

#[test]
fn committed_but_nobody_revealed_refunds() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		assert_ok!(commit(id, a, &output(1)));
		run_to_block(11);
		assert_eq!(status(id), JobStatus::Revealing { deadline: 16 });
		run_to_block(16);
		assert_eq!(status(id), JobStatus::Failed { reason: FailureReason::NoAnswers, at: 16 });
		assert_eq!(free(USER), USER_FUNDS);
		for p in [a, b, c] {
			assert_eq!(free(p), PROVIDER_FUNDS - 25);
		}
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE);
	});
}

#[test]
fn reveal_not_matching_commitment_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		for p in [a, b, c] {
			assert_ok!(commit(id, p, &output(1)));
		}
		// A different (validly attested) output than committed.
		assert_noop!(reveal(id, a, &output(2)), Error::<Test>::CommitmentMismatch);
		// The right output with the wrong salt.
		assert_noop!(
			JobEscrow::reveal_result(
				RuntimeOrigin::signed(a),
				id,
				bounded_output(&output(1)),
				[0u8; 32],
				attestation(id, a, &output(1)),
			),
			Error::<Test>::CommitmentMismatch
		);
	});
}

#[test]
fn copied_commitment_fails() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		let a_commitment = commitment_of(&infera_primitives::digest(&output(1)), &salt(a), &a);
		assert_ok!(JobEscrow::commit_result(RuntimeOrigin::signed(a), id, a_commitment));
		// b copies a's commitment verbatim: refused.
		assert_noop!(
			JobEscrow::commit_result(RuntimeOrigin::signed(b), id, a_commitment),
			Error::<Test>::DuplicateCommitment
		);
		// Even a copy of the commitment that slipped through (e.g. in another job) could not be
		// revealed by b: the commitment binds a's account.
		assert_ne!(
			commitment_of(&infera_primitives::digest(&output(1)), &salt(a), &b),
			a_commitment
		);
		assert_ok!(commit(id, b, &output(1)));
		assert_ok!(commit(id, c, &output(1)));
		// b cannot reveal with a's salt and hash either.
		assert_noop!(
			JobEscrow::reveal_result(
				RuntimeOrigin::signed(b),
				id,
				bounded_output(&output(2)),
				salt(a),
				attestation(id, b, &output(2)),
			),
			Error::<Test>::CommitmentMismatch
		);
	});
}

#[test]
fn double_commit_and_double_reveal_are_rejected() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		assert_ok!(commit(id, a, &output(1)));
		assert_noop!(commit(id, a, &output(1)), Error::<Test>::AlreadyCommitted);
		assert_ok!(commit(id, b, &output(1)));
		assert_ok!(commit(id, c, &output(2)));
		assert_ok!(reveal(id, a, &output(1)));
		assert_noop!(reveal(id, a, &output(1)), Error::<Test>::AlreadyAnswered);
		assert_noop!(commit(id, a, &output(1)), Error::<Test>::AlreadyCommitted);
	});
}

#[test]
fn double_submit_result_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		assert_ok!(submit_result(id, p, &output(9)));
		assert_noop!(submit_result(id, p, &output(9)), Error::<Test>::JobFinished);
	});
}

#[test]
fn commit_from_non_assigned_provider_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let (id, assigned) = submit3();
		let other = PROVIDERS.iter().copied().find(|x| !assigned.contains(x)).unwrap();
		assert_noop!(commit(id, other, &output(1)), Error::<Test>::NotAssigned);
		assert_noop!(commit(id, STRANGER, &output(1)), Error::<Test>::NotAssigned);
	});
}

#[test]
fn reveal_with_bad_attestation_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		for p in [a, b, c] {
			assert_ok!(commit(id, p, &output(1)));
		}
		assert_noop!(
			JobEscrow::reveal_result(
				RuntimeOrigin::signed(a),
				id,
				bounded_output(&output(1)),
				salt(a),
				attestation_by(id, b, &output(1)),
			),
			Error::<Test>::BadAttestation
		);
		let att = attestation(id, a, &output(1));
		assert_noop!(
			JobEscrow::reveal_result(
				RuntimeOrigin::signed(a),
				id,
				bounded_output(&output(3)),
				salt(a),
				att,
			),
			Error::<Test>::OutputHashMismatch
		);
	});
}

#[test]
fn r2_needs_both_to_agree() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(2));
		let p = providers_of(id);
		assert_ok!(commit(id, p[0], &output(1)));
		assert_ok!(commit(id, p[1], &output(2)));
		assert_ok!(reveal(id, p[0], &output(1)));
		assert_ok!(reveal(id, p[1], &output(2)));
		assert_eq!(status(id), JobStatus::Failed { reason: FailureReason::NoMajority, at: 1 });
		assert_eq!(free(USER), USER_FUNDS);
	});
}

// ---------------------------------------------------------------------------------------------
// cancel
// ---------------------------------------------------------------------------------------------

#[test]
fn cancel_before_any_answer_refunds_in_full() {
	ExtBuilder.build_and_execute(|| {
		let (id, assigned) = submit3();
		assert_ok!(JobEscrow::cancel_job(RuntimeOrigin::signed(USER), id));
		assert_eq!(status(id), JobStatus::Cancelled { at: 1 });
		assert_eq!(free(USER), USER_FUNDS);
		assert_eq!(held(USER), 0);
		for p in assigned {
			assert_eq!(used_slots(p), 0);
			assert_eq!(free(p), PROVIDER_FUNDS);
		}
		assert_eq!(MockModels::get(MODEL).unwrap().open_jobs, 0);
		System::assert_last_event(Event::JobCancelled { job_id: id }.into());
		// The stale deadline entry is ignored later.
		run_to_block(12);
		assert_eq!(status(id), JobStatus::Cancelled { at: 1 });
		assert!(slashed_events().is_empty());
	});
}

#[test]
fn cancel_after_a_commit_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, _, _]) = submit3();
		assert_ok!(commit(id, a, &output(1)));
		assert_noop!(
			JobEscrow::cancel_job(RuntimeOrigin::signed(USER), id),
			Error::<Test>::CannotCancel
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
fn deadline_overflow_is_carried_to_the_next_block() {
	ExtBuilder
		.provider(21, |p| p.capacity = 10)
		.provider(22, |p| p.capacity = 10)
		.build_and_execute(|| {
			MaxDeadlinesProcessed::set(3);
			for _ in 0..7 {
				submit(Some(1));
			}
			// Deadlines: 4 at block 11, 3 at block 12.
			run_to_block(11);
			let failed =
				|n: u64| (0..n).filter(|&i| matches!(status(i), JobStatus::Failed { .. })).count();
			assert_eq!(failed(7), 3);
			assert_eq!(Deadlines::<Test>::get(11).len(), 1);
			assert_eq!(DeadlineCursor::<Test>::get(), Some(11));
			run_to_block(12);
			// The leftover of block 11, then two of block 12.
			assert_eq!(failed(7), 6);
			run_to_block(13);
			assert_eq!(failed(7), 7);
			assert_eq!(DeadlineCursor::<Test>::get(), Some(14));
			assert_eq!(free(USER), USER_FUNDS);
		});
}

#[test]
fn finished_jobs_expire_after_retention() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		assert_ok!(submit_result(id, p, &output(9)));
		let cancelled = submit(Some(1));
		assert_ok!(JobEscrow::cancel_job(RuntimeOrigin::signed(USER), cancelled));
		run_to_block(20);
		assert!(Jobs::<Test>::contains_key(id));
		assert!(Results::<Test>::contains_key(id));
		run_to_block(21);
		assert!(!Jobs::<Test>::contains_key(id));
		assert!(!Results::<Test>::contains_key(id));
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
fn expiry_is_bounded_per_block() {
	ExtBuilder.provider(21, |p| p.capacity = 10).build_and_execute(|| {
		MaxExpiriesPerBlock::set(2);
		for _ in 0..5 {
			let id = submit(Some(1));
			assert_ok!(JobEscrow::cancel_job(RuntimeOrigin::signed(USER), id));
		}
		run_to_block(21);
		assert_eq!(Jobs::<Test>::iter().count(), 3);
		run_to_block(22);
		assert_eq!(Jobs::<Test>::iter().count(), 1);
		run_to_block(23);
		assert_eq!(Jobs::<Test>::iter().count(), 0);
	});
}

#[test]
fn reveal_period_change_applies_to_the_next_phase() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		RevealPeriod::set(2);
		for p in [a, b, c] {
			assert_ok!(commit(id, p, &output(1)));
		}
		assert_eq!(status(id), JobStatus::Revealing { deadline: 3 });
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

// ---------------------------------------------------------------------------------------------
// property test
// ---------------------------------------------------------------------------------------------

mod props {
	use super::*;
	use proptest::prelude::*;

	#[derive(Clone, Debug)]
	enum Action {
		Submit { user: bool, redundancy: u32, tight: bool },
		Commit { job: u64, slot: usize, value: u8 },
		Reveal { job: u64, slot: usize, value: u8, honest_salt: bool },
		Result { job: u64, value: u8 },
		Cancel { job: u64, owner: bool },
		Advance(u64),
	}

	fn action() -> impl Strategy<Value = Action> {
		prop_oneof![
			3 => (any::<bool>(), 1u32..=4, prop::bool::weighted(0.1))
				.prop_map(|(user, redundancy, tight)| Action::Submit { user, redundancy, tight }),
			4 => (0u64..12, 0usize..4, 1u8..=2)
				.prop_map(|(job, slot, value)| Action::Commit { job, slot, value }),
			4 => (0u64..12, 0usize..4, 1u8..=2, prop::bool::weighted(0.9))
				.prop_map(|(job, slot, value, honest_salt)| Action::Reveal { job, slot, value, honest_salt }),
			2 => (0u64..12, 1u8..=2).prop_map(|(job, value)| Action::Result { job, value }),
			1 => (0u64..12, any::<bool>()).prop_map(|(job, owner)| Action::Cancel { job, owner }),
			3 => (1u64..=7).prop_map(Action::Advance),
		]
	}

	/// The value a provider answers with: providers commit the value they will reveal.
	fn value_of(job: u64, who: AccountId, requested: u8) -> u8 {
		// Mostly honest: most providers answer 1, some follow the generated value.
		if (job + who).is_multiple_of(3) {
			requested
		} else {
			1
		}
	}

	fn apply(action: &Action) {
		let provider_at = |job: u64, slot: usize| {
			Jobs::<Test>::get(job).and_then(|j| j.assignments.get(slot).map(|a| a.provider))
		};
		match action.clone() {
			Action::Submit { user, redundancy, tight } => {
				let who = if user { USER } else { USER2 };
				let max = if tight { price(redundancy) - 1 } else { 100_000 };
				let _ = JobEscrow::submit_job(
					RuntimeOrigin::signed(who),
					MODEL,
					input(),
					max,
					Some(redundancy),
				);
			}
			Action::Commit { job, slot, value } => {
				if let Some(p) = provider_at(job, slot) {
					let _ = commit(job, p, &output(value_of(job, p, value)));
				}
			}
			Action::Reveal { job, slot, value, honest_salt } => {
				if let Some(p) = provider_at(job, slot) {
					let out = output(value_of(job, p, value));
					if Jobs::<Test>::get(job).is_some() {
						let s = if honest_salt { salt(p) } else { [0; 32] };
						let _ = JobEscrow::reveal_result(
							RuntimeOrigin::signed(p),
							job,
							bounded_output(&out),
							s,
							attestation(job, p, &out),
						);
					}
				}
			}
			Action::Result { job, value } => {
				if let Some(p) = provider_at(job, 0) {
					let _ = submit_result(job, p, &output(value_of(job, p, value)));
				}
			}
			Action::Cancel { job, owner } => {
				let who = match Jobs::<Test>::get(job) {
					Some(j) if owner => j.user,
					_ => STRANGER,
				};
				let _ = JobEscrow::cancel_job(RuntimeOrigin::signed(who), job);
			}
			Action::Advance(n) => run_to_block(System::block_number() + n),
		}
	}

	/// Invariants beyond `do_try_state`, using what only the mock can see.
	fn check_invariants() {
		JobEscrow::do_try_state().expect("try_state");
		let now = System::block_number();
		let open: Vec<_> = Jobs::<Test>::iter().filter(|(_, j)| j.is_open()).collect();
		// Every held balance is accounted for by an open job.
		for who in [USER, USER2, POOR, AUTHOR, TREASURY, STRANGER].into_iter().chain(PROVIDERS) {
			let expected: Balance =
				open.iter().filter(|(_, j)| j.user == who).map(|(_, j)| j.held).sum();
			assert_eq!(held(who), expected, "escrow of {who}");
			assert_eq!(Balances::total_balance_on_hold(&who), expected, "all holds of {who}");
		}
		// Slashes move stake to the treasury: issuance is conserved.
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE);
		// Capacity slots and model use counts match the open jobs.
		for who in PROVIDERS {
			let expected = open
				.iter()
				.filter(|(_, j)| j.assignments.iter().any(|a| a.provider == who))
				.count() as u32;
			assert_eq!(used_slots(who), expected, "slots of {who}");
		}
		assert_eq!(MockModels::get(MODEL).unwrap().open_jobs, open.len() as u32);
		// No job outlives its deadlines: once the hooks of this block ran without backlog,
		// every open job's deadline lies in the future.
		if DeadlineCursor::<Test>::get() == Some(now + 1) {
			for (id, j) in &open {
				let (deadline, _) = j.status.deadline().unwrap();
				assert!(deadline > now, "job {id} outlived its deadline {deadline} at {now}");
			}
		}
		// Finished jobs are gone after their retention (with slack for the per-block bound).
		for (id, j) in Jobs::<Test>::iter() {
			if let Some(at) = j.status.finished_at() {
				assert!(at + Retention::get() + 10 > now, "job {id} outlived its retention");
			}
		}
	}

	proptest! {
		#![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]
		#[test]
		fn random_sequences_keep_the_invariants(
			seed in any::<u64>(),
			actions in prop::collection::vec(action(), 1..60),
		) {
			ExtBuilder.seed(seed).build_and_execute(|| {
				run_to_block(2);
				for a in &actions {
					apply(a);
					check_invariants();
				}
				// Finally every job ends and expires; nothing stays held.
				run_to_block(System::block_number() + 10 + 5 + 20 + 3);
				check_invariants();
				assert_eq!(Jobs::<Test>::iter().filter(|(_, j)| j.is_open()).count(), 0);
				assert_eq!(held(USER) + held(USER2), 0);
			});
		}
	}
}

#[test]
fn submit_job_weight_adds_the_growth_of_redundancy_and_input_to_the_measured_call() {
	type Measured = <Test as Config>::WeightInfo;
	let smallest = JobEscrow::submit_job_weight(1, 1, 3);
	assert_eq!(smallest, Measured::submit_job(3));

	let redundancy_3 = JobEscrow::submit_job_weight(1, 3, 3);
	let drawn = Measured::submit_job_providers(3) - Measured::submit_job_providers(1);
	assert_eq!(redundancy_3, smallest + drawn);
	assert!(drawn.ref_time() > 0, "each drawn provider costs");

	let input_256 = JobEscrow::submit_job_weight(256, 1, 3);
	let bytes = Measured::submit_job_input(256) - Measured::submit_job_input(1);
	assert_eq!(input_256, smallest + bytes);
	assert!(bytes.ref_time() > 0, "each input byte costs");

	// The declared (pre-dispatch) weight covers the most candidates a call can consider.
	let most: u32 = <<Test as Config>::MaxCandidates as Get<u32>>::get();
	assert!(JobEscrow::submit_job_weight(1, 1, most).all_gt(smallest));
}
