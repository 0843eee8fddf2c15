//! [`crate::ValidateAnswer`]: an answer that the call could only refuse because of when it comes
//! is not a valid transaction, so the pool drops it and no block can include (and charge) it.

use super::*;
use frame::deps::sp_runtime::{
	traits::{DispatchTransaction, TransactionExtension, TxBaseImplication},
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidity},
};

/// What the extension says of `call` signed by `who`, at the current block.
fn validity(who: AccountId, call: crate::Call<Test>) -> TransactionValidity {
	let call = RuntimeCall::JobEscrow(call);
	let info = call.get_dispatch_info();
	ValidateAnswer::<Test>::new()
		.validate_only(RuntimeOrigin::signed(who), &call, &info, 0, TransactionSource::External, 0)
		.map(|(valid, _, _)| valid)
}

fn commit_call(job_id: JobId, who: AccountId) -> crate::Call<Test> {
	let commitment = commitment_of(&infera_primitives::digest(&output(1)), &salt(who), &who);
	crate::Call::commit_result { job_id, commitment }
}

fn reveal_call(job_id: JobId, who: AccountId) -> crate::Call<Test> {
	crate::Call::reveal_result {
		job_id,
		output: bounded_output(&output(1)),
		salt: salt(who),
		attestation: attestation(job_id, who, &output(1)),
	}
}

fn invalid(reason: InvalidTransaction) -> TransactionValidity {
	Err(reason.into())
}

#[test]
fn a_due_answer_is_valid_for_the_rest_of_its_window() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		// Submitted at block 1, commits due before block 11.
		assert_eq!(status(id), JobStatus::Pending { deadline: 11 });
		System::set_block_number(4);
		assert_eq!(validity(a, commit_call(id, a)).map(|v| v.longevity), Ok(7));
		for p in [a, b, c] {
			assert_ok!(commit(id, p, &output(1)));
		}
		let JobStatus::Revealing { deadline } = status(id) else { panic!("reveal not open") };
		assert_eq!(validity(a, reveal_call(id, a)).map(|v| v.longevity), Ok(deadline - 4));
	});
}

#[test]
fn an_answer_sent_twice_is_stale_once_the_first_landed() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		assert_ok!(commit(id, a, &output(1)));
		// The provider's node sent its commit again while the first waited in the pool.
		assert_eq!(validity(a, commit_call(id, a)), invalid(InvalidTransaction::Stale));
		assert_ok!(commit(id, b, &output(1)));
		assert_ok!(commit(id, c, &output(1)));
		assert_ok!(reveal(id, a, &output(1)));
		assert_eq!(validity(a, reveal_call(id, a)), invalid(InvalidTransaction::Stale));
		// b has not revealed: its reveal is still valid.
		assert!(validity(b, reveal_call(id, b)).is_ok());
	});
}

#[test]
fn an_answer_held_back_past_its_window_is_stale() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		assert_ok!(commit(id, a, &output(1)));
		assert_ok!(commit(id, b, &output(1)));
		// A block author keeps c's commit out of blocks until the commit deadline.
		run_to_block(11);
		assert_eq!(validity(c, commit_call(id, c)), invalid(InvalidTransaction::Stale));
		// ... and a's reveal until the reveal deadline: the job settles without it.
		run_to_block(16);
		assert_eq!(validity(a, reveal_call(id, a)), invalid(InvalidTransaction::Stale));
	});
}

#[test]
fn a_reveal_before_the_reveal_phase_is_premature() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, _, _]) = submit3();
		assert_ok!(commit(id, a, &output(1)));
		assert_eq!(validity(a, reveal_call(id, a)), invalid(InvalidTransaction::Future));
	});
}

#[test]
fn answers_from_outside_the_round_are_invalid_calls() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, b, c]) = submit3();
		assert_eq!(validity(USER, commit_call(id, USER)), invalid(InvalidTransaction::Call));
		assert_eq!(validity(a, commit_call(id + 1, a)), invalid(InvalidTransaction::Call));
		assert_ok!(commit(id, a, &output(1)));
		assert_ok!(commit(id, b, &output(1)));
		run_to_block(11);
		// c missed the commit: it has nothing to reveal.
		assert_eq!(validity(c, reveal_call(id, c)), invalid(InvalidTransaction::Call));
	});
}

#[test]
fn an_operator_answers_in_its_providers_slot() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, _, _]) = submit3();
		let operator = USER + 100;
		MockOperators::insert(operator, a);
		assert!(validity(operator, commit_call(id, a)).is_ok());
		assert_ok!(commit(id, a, &output(1)));
		assert_eq!(validity(operator, commit_call(id, a)), invalid(InvalidTransaction::Stale));
	});
}

#[test]
fn other_calls_and_origins_pass_unchanged() {
	ExtBuilder.build_and_execute(|| {
		let (id, [a, _, _]) = submit3();
		let submit = crate::Call::submit_job {
			model: MODEL,
			input: input(),
			max_price: 10_000,
			redundancy: Some(1),
		};
		assert_eq!(validity(USER, submit), Ok(Default::default()));
		assert_eq!(validity(USER, crate::Call::cancel_job { job_id: id }), Ok(Default::default()));
		let call = RuntimeCall::JobEscrow(commit_call(id, a));
		let info = call.get_dispatch_info();
		// (`validate_only` itself refuses an origin no extension authorized.)
		let unsigned = ValidateAnswer::<Test>::new().validate(
			RuntimeOrigin::none(),
			&call,
			&info,
			0,
			(),
			&TxBaseImplication((0u8, &call)),
			TransactionSource::External,
		);
		assert_eq!(unsigned.map(|(valid, _, _)| valid), Ok(Default::default()));
	});
}
