//! Answers: redundancy 1 and commit–reveal.

use super::*;
use crate::{mock::*, Event, *};
use frame::testing_prelude::*;

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
		assert_ok!(commit_outcome(id, p, att.outcome));
		assert_noop!(reveal_with(id, p, &output(9), att), Error::<Test>::BadAttestation);
		// Signed for another job id.
		let mut att = attestation(id, p, &output(9));
		let payload = AttestationPayload {
			genesis_hash: JobEscrow::genesis_hash(),
			job_id: id + 1,
			model_hash: artifact_hash(MODEL),
			input_hash: infera_primitives::digest(&input()),
			outcome: att.outcome,
		};
		att.signature = payload.sign(&worker(p));
		assert_noop!(reveal_with(id, p, &output(9), att), Error::<Test>::BadAttestation);
	});
}

#[test]
fn provider_without_worker_key_is_rejected() {
	ExtBuilder.providers(1).provider(21, |p| p.worker = None).build_and_execute(|| {
		let id = submit(Some(1));
		assert_ok!(commit(id, 21, &output(9)));
		assert_noop!(reveal(id, 21, &output(9)), Error::<Test>::NoWorkerKey);
	});
}

#[test]
fn output_not_matching_hash_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		let att = attestation(id, p, &output(9));
		assert_ok!(commit_outcome(id, p, att.outcome));
		assert_noop!(reveal_with(id, p, &output(8), att), Error::<Test>::OutputHashMismatch);
	});
}

#[test]
fn output_of_wrong_size_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		assert_ok!(commit(id, p, &[9u8; 5]));
		assert_noop!(reveal(id, p, &[9u8; 5]), Error::<Test>::WrongOutputSize);
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		assert_ok!(commit(id, p, &output(9)));
		MaxOutput::set(3);
		assert_noop!(reveal(id, p, &output(9)), Error::<Test>::OutputTooLarge);
	});
}

#[test]
fn unknown_job_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let att = Attestation {
			outcome: Outcome::Output(infera_primitives::digest(&output(9))),
			signature: worker(21).sign(b"x"),
		};
		assert_noop!(reveal_with(7, 21, &output(9), att), Error::<Test>::UnknownJob);
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
		// c committed and withheld its reveal: slashed like a losing answer (10%), not 5%.
		assert_eq!(free(c), PROVIDER_FUNDS - 50);
		assert_eq!(free(TREASURY), SMALL_FUNDS + 30 + 50);
		assert_eq!(Balances::total_issuance(), TOTAL_ISSUANCE);
		assert_eq!(slashed_events(), vec![(c, SlashReason::Withheld, 50)]);
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
		// a withheld its reveal (10%); b and c never committed (5%).
		assert_eq!(free(a), PROVIDER_FUNDS - 50);
		for p in [b, c] {
			assert_eq!(free(p), PROVIDER_FUNDS - 25);
		}
		assert_eq!(
			slashed_events(),
			vec![
				(a, SlashReason::Withheld, 50),
				(b, SlashReason::Timeout, 25),
				(c, SlashReason::Timeout, 25)
			]
		);
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
fn a_copied_commitment_harms_only_the_copier() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		let a_commitment = commitment_of(&infera_primitives::digest(&output(1)), &salt(a), &a);
		assert_ok!(JobEscrow::commit_result(RuntimeOrigin::signed(a), id, a_commitment));
		// b copies a's commitment from the pool: accepted (commitments are never compared), so
		// a's own commit and its resends are never refused because of b.
		assert_ok!(JobEscrow::commit_result(RuntimeOrigin::signed(b), id, a_commitment));
		assert_ok!(commit(id, c, &output(1)));
		// b cannot reveal behind a's commitment: it binds a's account.
		assert_noop!(
			JobEscrow::reveal_result(
				RuntimeOrigin::signed(b),
				id,
				bounded_output(&output(1)),
				salt(a),
				attestation(id, b, &output(1)),
			),
			Error::<Test>::CommitmentMismatch
		);
		assert_ok!(reveal(id, a, &output(1)));
		assert_ok!(reveal(id, c, &output(1)));
		run_to_block(6);
		// a and c are paid; only the copier is slashed (a commitment it could not reveal).
		assert!(matches!(status(id), JobStatus::Completed { .. }));
		assert_eq!(slashed_events(), vec![(b, SlashReason::Withheld, STAKE / 10)]);
		assert_eq!(free(a), PROVIDER_FUNDS + PRICE * 3 / 2);
		assert_eq!(free(c), PROVIDER_FUNDS + PRICE * 3 / 2);
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

/// The check the off-chain worker runs before sending an answer is the chain's own: each fault
/// is found by `check_answer` directly, and is the pallet error of the same name.
#[test]
fn check_answer_names_each_fault_the_chain_refuses() {
	use crate::answer::AnswerFault;
	ExtBuilder.build_and_execute(|| {
		let id = submit(Some(1));
		let p = providers_of(id)[0];
		let job = Jobs::<Test>::get(id).unwrap();
		let good = attestation(id, p, &output(9));
		let check =
			|who, out: &[u8], att: &Attestation| JobEscrow::check_answer(id, &job, &who, out, att);
		assert_eq!(check(p, &output(9), &good), Ok(good.outcome.vote_digest()));
		assert_eq!(check(p, &output(8), &good), Err(AnswerFault::OutputHashMismatch));
		assert_eq!(check(p, &[1, 2, 3], &good), Err(AnswerFault::WrongOutputSize));
		let too_long = vec![0; JobEscrow::max_output_bytes() as usize + 1];
		assert_eq!(check(p, &too_long, &good), Err(AnswerFault::OutputTooLarge));
		let refusal = Attestation {
			outcome: Outcome::Refused(RefusalReason::NonFiniteOutput),
			signature: good.signature.clone(),
		};
		assert_eq!(check(p, &output(9), &refusal), Err(AnswerFault::OutputWithRefusal));
		assert_eq!(check(p, &[], &refusal), Err(AnswerFault::BadAttestation));
		assert_eq!(check(USER, &output(9), &good), Err(AnswerFault::NoWorkerKey));
		for (fault, error) in [
			(AnswerFault::OutputTooLarge, Error::<Test>::OutputTooLarge),
			(AnswerFault::WrongOutputSize, Error::<Test>::WrongOutputSize),
			(AnswerFault::OutputHashMismatch, Error::<Test>::OutputHashMismatch),
			(AnswerFault::OutputWithRefusal, Error::<Test>::OutputWithRefusal),
			(AnswerFault::NoWorkerKey, Error::<Test>::NoWorkerKey),
			(AnswerFault::BadAttestation, Error::<Test>::BadAttestation),
		] {
			assert_eq!(DispatchError::from(Error::<Test>::from(fault)), DispatchError::from(error));
		}
	});
}
