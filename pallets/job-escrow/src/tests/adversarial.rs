//! The attacks of the security model, each against the rule that stops it: users who send
//! inputs no model can answer, providers who copy or refuse, signatures from another chain,
//! jobs that would store data for free, and load that would leave deadlines behind.

use super::*;
use crate::{mock::*, Event, *};
use frame::testing_prelude::*;

const NAN: RefusalReason = RefusalReason::NonFiniteOutput;

#[test]
fn an_unanswerable_input_at_r1_is_refused_paid_and_slashes_nobody() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		assert_ok!(submit_refusal(id, p, NAN));
		assert_eq!(status(id), JobStatus::Refused { reason: NAN, at: 1 });
		System::assert_last_event(
			Event::JobRefused { job_id: id, reason: NAN, winners: 1, share: PRICE }.into(),
		);
		// The user paid for a real attempt; the provider was paid and kept its stake.
		assert_eq!(free(USER), USER_FUNDS - price(1));
		assert_eq!(free(p), PROVIDER_FUNDS + PRICE);
		assert!(slashed_events().is_empty());
		assert!(!Results::<Test>::contains_key(id));
		assert_eq!(ProviderRecords::<Test>::get(p).answered, 1);
	});
}

#[test]
fn an_unanswerable_input_at_r3_is_refused_by_vote_and_slashes_nobody() {
	ExtBuilder.build_and_execute(|| {
		let (id, providers) = submit3();
		for p in providers {
			assert_ok!(commit_refusal(id, p, NAN));
		}
		for p in providers {
			assert_ok!(reveal_refusal(id, p, NAN));
		}
		assert_eq!(status(id), JobStatus::Refused { reason: NAN, at: 1 });
		assert!(slashed_events().is_empty());
		for p in providers {
			assert_eq!(free(p), PROVIDER_FUNDS + PRICE);
		}
		assert_eq!(free(USER), USER_FUNDS - price(3));
	});
}

#[test]
fn a_lone_refusal_against_a_majority_output_is_a_wrong_answer() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		assert_ok!(commit(id, a, &output(1)));
		assert_ok!(commit(id, b, &output(1)));
		assert_ok!(commit_refusal(id, c, RefusalReason::ForwardFailed));
		assert_ok!(reveal(id, a, &output(1)));
		assert_ok!(reveal(id, b, &output(1)));
		assert_ok!(reveal_refusal(id, c, RefusalReason::ForwardFailed));
		assert!(matches!(status(id), JobStatus::Completed { .. }));
		assert_eq!(slashed_events(), vec![(c, SlashReason::WrongResult, STAKE / 10)]);
		assert_eq!(Results::<Test>::get(id).unwrap().into_inner(), output(1));
	});
}

#[test]
fn a_refusal_carries_no_output_and_must_be_signed() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		assert_ok!(commit_outcome(id, p, Outcome::Refused(NAN)));
		assert_noop!(
			reveal_with(id, p, &output(1), attest_outcome(id, p, Outcome::Refused(NAN))),
			Error::<Test>::OutputWithRefusal
		);
		// A refusal signed by another worker key.
		let forged = attest_outcome(id, STRANGER, Outcome::Refused(NAN));
		assert_noop!(reveal_with(id, p, &[], forged), Error::<Test>::BadAttestation);
	});
}

#[test]
fn an_attestation_from_another_chain_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		let job = Jobs::<Test>::get(id).unwrap();
		let outcome = Outcome::Output(infera_primitives::digest(&output(9)));
		// Signed for the same job id, model and input on a chain with another genesis.
		let payload = AttestationPayload {
			genesis_hash: infera_primitives::Hash::repeat_byte(0xee),
			job_id: id,
			model_hash: job.model_hash,
			input_hash: job.input_hash,
			outcome,
		};
		assert_ne!(payload.genesis_hash, JobEscrow::genesis_hash());
		let replayed = Attestation { outcome, signature: payload.sign(&worker(p)) };
		assert_ok!(commit_outcome(id, p, outcome));
		assert_noop!(reveal_with(id, p, &output(9), replayed), Error::<Test>::BadAttestation);
	});
}

#[test]
fn a_job_priced_at_zero_still_pays_for_its_storage() {
	ExtBuilder.provider(21, |p| p.price = 0).providers(1).build_and_execute(|| {
		ByteFee::set(3);
		let id = submit(Some(1));
		let job = Jobs::<Test>::get(id).unwrap();
		assert_eq!(job.provider_total(), 0);
		let storage = 3 * (INPUT_LEN + OUTPUT_LEN) as Balance;
		assert_eq!(job.protocol_fee, storage);
		assert_eq!(JobEscrow::quote(MODEL, Some(1)).unwrap().protocol_fee, storage);
		assert_ok!(submit_result(id, 21, &output(9)));
		assert_eq!(free(TREASURY), SMALL_FUNDS + storage);
	});
}

#[test]
fn nobody_delivering_is_a_plain_refund_and_a_cancel_is_not() {
	ExtBuilder.build_and_execute(|| {
		ProtocolFee::set(Perbill::from_percent(10));
		let silent = submit(Some(1));
		let cancelled = submit(Some(1));
		assert_ok!(JobEscrow::cancel_job(RuntimeOrigin::signed(USER), cancelled));
		let fee = Jobs::<Test>::get(cancelled).unwrap().protocol_fee;
		run_to_block(11);
		assert_eq!(status(silent), JobStatus::Failed { reason: FailureReason::NoAnswers, at: 11 });
		assert_eq!(status(cancelled), JobStatus::Cancelled { at: 4 });
		// The silent job was refunded in full, the cancelled one kept its protocol fee.
		assert_eq!(free(USER), USER_FUNDS - fee);
	});
}

/// Property 5: at the most jobs a block's deadline queue takes, every block, for three commit
/// periods, with nobody answering (every deadline live), every job settles in its deadline block
/// and no queue is left behind.
#[test]
fn deadlines_never_fall_behind_under_sustained_full_queues() {
	let mut builder = ExtBuilder.providers(5);
	for who in PROVIDERS {
		builder = builder.provider(who, |p| p.capacity = 1_000);
	}
	builder.build_and_execute(|| {
		let per_block = <<Test as Config>::MaxDeadlinesPerBlock as Get<u32>>::get();
		let commit_period = CommitPeriod::get();
		let mut due = Vec::new();
		for block in 1..=3 * commit_period {
			run_to_block(block);
			for _ in 0..per_block {
				let id = submit(Some(1));
				due.push((id, Jobs::<Test>::get(id).unwrap().commit_deadline));
			}
			JobEscrow::do_try_state().expect("no deadline left behind");
			for &(id, deadline) in &due {
				if deadline <= block {
					assert_eq!(
						status(id),
						JobStatus::Failed { reason: FailureReason::NoAnswers, at: deadline },
						"job {id} settled at its deadline"
					);
				}
			}
		}
		// Every block's queue filled exactly: no job was pushed to a later block.
		assert!(due.iter().all(|&(id, deadline)| {
			let submitted = Jobs::<Test>::get(id).unwrap().submitted_at;
			deadline == submitted + commit_period
		}));
	});
}

#[test]
fn an_operator_answers_for_its_provider_and_a_stranger_for_nobody() {
	ExtBuilder.build_and_execute(|| {
		/// The account whose key the provider's node holds.
		const OPERATOR: AccountId = 99;
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		MockOperators::insert(OPERATOR, p);
		let out = output(9);
		// The commitment binds the provider's account, whoever sends it.
		let c = commitment_of(&infera_primitives::digest(&out), &salt(p), &p);
		assert_noop!(
			JobEscrow::commit_result(RuntimeOrigin::signed(STRANGER), id, c),
			Error::<Test>::NotAssigned
		);
		assert_ok!(JobEscrow::commit_result(RuntimeOrigin::signed(OPERATOR), id, c));
		System::assert_has_event(Event::ResultCommitted { job_id: id, provider: p }.into());
		let att = attestation(id, p, &out);
		assert_ok!(JobEscrow::reveal_result(
			RuntimeOrigin::signed(OPERATOR),
			id,
			bounded_output(&out),
			salt(p),
			att
		));
		assert!(matches!(status(id), JobStatus::Completed { .. }));
		// The provider is paid; the operator only answered.
		assert_eq!(free(p), PROVIDER_FUNDS + PRICE);
		assert_eq!(free(OPERATOR), 0);
	});
}
