//! Unit tests of the model registry.

use crate::{mock::*, Error, Event, HoldReason, ModelByName, Models, NextModelId};
use frame::{testing_prelude::*, traits::fungible::InspectHold};
use infera_primitives::{
	model::{AgreementRule, DType, TensorSpec},
	traits::ModelRegistry as _,
};

const HASH: [u8; 32] = [1u8; 32];
const URI: &[u8] = b"https://h/m.pt";
const FEE: u64 = 5;
/// Deposit of the default model named `mnist`: base 10 + 117 encoded bytes.
const DEPOSIT: u64 = 127;
/// Deposit of a later version: 4 more bytes for `Some(predecessor)`.
const DEPOSIT_NEXT: u64 = DEPOSIT + 4;

fn spec(dtype: DType, shape: &[u32]) -> TensorSpec {
	TensorSpec { dtype, shape: shape.to_vec().try_into().unwrap() }
}

fn input() -> TensorSpec {
	spec(DType::F32, &[2, 2])
}

fn output() -> TensorSpec {
	spec(DType::F32, &[4])
}

fn rule() -> AgreementRule {
	AgreementRule::TopK { k: 2 }
}

fn register_with(
	who: u64,
	name: &[u8],
	uri: &[u8],
	input: TensorSpec,
	output: TensorSpec,
	rule: AgreementRule,
) -> DispatchResult {
	ModelRegistry::register_model(
		RuntimeOrigin::signed(who),
		name.to_vec(),
		HASH,
		uri.to_vec(),
		input,
		output,
		rule,
		FEE,
	)
}

/// Registers the default model `name` for `who` and returns its id.
fn register(who: u64, name: &[u8]) -> u32 {
	assert_ok!(register_with(who, name, URI, input(), output(), rule()));
	NextModelId::<Test>::get() - 1
}

fn publish(who: u64, predecessor: u32) -> DispatchResult {
	ModelRegistry::publish_version(
		RuntimeOrigin::signed(who),
		predecessor,
		[2u8; 32],
		URI.to_vec(),
		input(),
		output(),
		rule(),
		FEE,
	)
}

fn held(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::ModelDeposit.into(), &who)
}

#[test]
fn register_model_holds_deposit_and_emits_event() {
	ExtBuilder.build_and_execute(|| {
		let id = register(ALICE, b"mnist");
		assert_eq!(id, 0);
		let m = Models::<Test>::get(id).unwrap();
		assert_eq!(m.deposit, DEPOSIT);
		assert_eq!(m.deposit, 10 + m.encoded_size() as u64);
		assert_eq!((m.input_len, m.canonical_output_len, m.version), (16, 8, 1));
		assert_eq!((m.predecessor, m.successor, m.deprecated, m.in_use), (None, None, false, 0));
		assert_eq!(held(ALICE), DEPOSIT);
		assert_eq!(Balances::free_balance(ALICE), INITIAL - DEPOSIT);
		assert_eq!(ModelByName::<Test>::get(ALICE, m.name), Some(0));
		System::assert_last_event(
			Event::ModelRegistered { model: 0, owner: ALICE, deposit: DEPOSIT }.into(),
		);
	});
}

#[test]
fn register_model_accepts_every_scheme_and_rule() {
	ExtBuilder.build_and_execute(|| {
		assert_ok!(register_with(ALICE, b"a", b"http://h/m", input(), output(), rule()));
		assert_ok!(register_with(ALICE, b"b", b"file:///m.pt", input(), output(), rule()));
		assert_ok!(register_with(
			ALICE,
			b"c",
			URI,
			spec(DType::U8, &[3, 8, 8]),
			spec(DType::I64, &[1]),
			AgreementRule::Exact
		));
		assert_ok!(register_with(
			ALICE,
			b"d",
			URI,
			spec(DType::F16, &[4]),
			spec(DType::F16, &[8]),
			AgreementRule::Quantized { decimals: 3 }
		));
		assert_eq!(Models::<Test>::get(3).unwrap().canonical_output_len, 64);
		assert_eq!(NextModelId::<Test>::get(), 4);
	});
}

#[test]
fn register_model_rejects_bad_names() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(
			register_with(ALICE, b"", URI, input(), output(), rule()),
			Error::<Test>::EmptyName
		);
		assert_noop!(
			register_with(ALICE, &[b'n'; 17], URI, input(), output(), rule()),
			Error::<Test>::NameTooLong
		);
		assert_ok!(register_with(ALICE, &[b'n'; 16], URI, input(), output(), rule()));
	});
}

#[test]
fn register_model_rejects_bad_uris() {
	ExtBuilder.build_and_execute(|| {
		let cases: [(&[u8], Error<Test>); 5] = [
			(b"", Error::<Test>::EmptyUri),
			(b"https://", Error::<Test>::EmptyUri),
			(&[b'h'; 33], Error::<Test>::UriTooLong),
			(b"ftp://h/m.pt", Error::<Test>::UnsupportedUriScheme),
			(b"HTTPS://h/m.pt", Error::<Test>::UnsupportedUriScheme),
		];
		for (uri, err) in cases {
			assert_noop!(register_with(ALICE, b"m", uri, input(), output(), rule()), err);
		}
	});
}

#[test]
fn register_model_rejects_bad_input_specs() {
	ExtBuilder.build_and_execute(|| {
		for (inp, err) in [
			(spec(DType::F32, &[]), Error::<Test>::EmptyShape),
			(spec(DType::F32, &[2, 0]), Error::<Test>::ZeroDimension),
			// 257 × 4 bytes = 1028 > 1024
			(spec(DType::F32, &[257]), Error::<Test>::InputTooLarge),
			(spec(DType::I64, &[u32::MAX, u32::MAX, u32::MAX]), Error::<Test>::InputTooLarge),
		] {
			assert_noop!(register_with(ALICE, b"m", URI, inp, output(), rule()), err);
		}
		// Exactly the maximum is fine.
		assert_ok!(register_with(ALICE, b"m", URI, spec(DType::U8, &[1024]), output(), rule()));
	});
}

#[test]
fn register_model_rejects_inconsistent_output_and_rule() {
	ExtBuilder.build_and_execute(|| {
		for (out, r, err) in [
			(spec(DType::F32, &[]), rule(), Error::<Test>::EmptyShape),
			(spec(DType::F32, &[0]), rule(), Error::<Test>::ZeroDimension),
			(output(), AgreementRule::TopK { k: 5 }, Error::<Test>::TopKOutOfRange),
			(output(), AgreementRule::TopK { k: 0 }, Error::<Test>::TopKOutOfRange),
			(output(), AgreementRule::Quantized { decimals: 10 }, Error::<Test>::TooManyDecimals),
			(
				spec(DType::U8, &[4]),
				AgreementRule::Quantized { decimals: 1 },
				Error::<Test>::RuleUnsupportedForDType,
			),
			// 9 elements × 8 bytes = 72 > 64
			(
				spec(DType::F32, &[9]),
				AgreementRule::Quantized { decimals: 1 },
				Error::<Test>::OutputTooLarge,
			),
			(spec(DType::U8, &[65]), AgreementRule::Exact, Error::<Test>::OutputTooLarge),
			(
				spec(DType::I64, &[u32::MAX, u32::MAX, u32::MAX]),
				AgreementRule::TopK { k: 1 },
				Error::<Test>::OutputTooLarge,
			),
		] {
			assert_noop!(register_with(ALICE, b"m", URI, input(), out, r), err);
		}
		// A large output is fine when its canonical form (top-2 indices) is small.
		assert_ok!(register_with(ALICE, b"m", URI, input(), spec(DType::F32, &[1000]), rule()));
	});
}

#[test]
fn names_are_unique_per_owner() {
	ExtBuilder.build_and_execute(|| {
		register(ALICE, b"mnist");
		assert_noop!(
			register_with(ALICE, b"mnist", URI, input(), output(), rule()),
			Error::<Test>::DuplicateName
		);
		assert_eq!(register(BOB, b"mnist"), 1);
	});
}

#[test]
fn register_model_fails_without_funds_for_the_deposit() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(
			register_with(POOR, b"mnist", URI, input(), output(), rule()),
			TokenError::FundsUnavailable
		);
	});
}

#[test]
fn unsigned_calls_are_rejected() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(
			ModelRegistry::register_model(
				RuntimeOrigin::none(),
				b"m".to_vec(),
				HASH,
				URI.to_vec(),
				input(),
				output(),
				rule(),
				FEE
			),
			BadOrigin
		);
	});
}

#[test]
fn publish_version_links_lineage_and_becomes_latest() {
	ExtBuilder.build_and_execute(|| {
		let v1 = register(ALICE, b"mnist");
		assert_ok!(publish(ALICE, v1));
		let v2 = 1;
		let m2 = Models::<Test>::get(v2).unwrap();
		assert_eq!((m2.version, m2.predecessor, m2.successor), (2, Some(v1), None));
		assert_eq!(m2.artifact_hash, [2u8; 32]);
		assert_eq!(m2.name, Models::<Test>::get(v1).unwrap().name);
		assert_eq!(Models::<Test>::get(v1).unwrap().successor, Some(v2));
		assert_eq!(ModelRegistry::latest_version(v1), Some(v2));
		assert_eq!(ModelRegistry::latest_version(v2), Some(v2));
		assert_eq!(m2.deposit, DEPOSIT_NEXT);
		assert_eq!(held(ALICE), DEPOSIT + DEPOSIT_NEXT);
		assert_eq!(Balances::free_balance(ALICE), INITIAL - DEPOSIT - DEPOSIT_NEXT);
		System::assert_last_event(
			Event::VersionPublished {
				model: v2,
				predecessor: v1,
				version: 2,
				deposit: DEPOSIT_NEXT,
			}
			.into(),
		);
	});
}

#[test]
fn publish_version_errors() {
	ExtBuilder.build_and_execute(|| {
		let v1 = register(ALICE, b"mnist");
		assert_noop!(publish(ALICE, 9), Error::<Test>::UnknownModel);
		assert_noop!(publish(BOB, v1), Error::<Test>::NotOwner);
		assert_noop!(
			ModelRegistry::publish_version(
				RuntimeOrigin::signed(ALICE),
				v1,
				HASH,
				b"gopher://x".to_vec(),
				input(),
				output(),
				rule(),
				FEE
			),
			Error::<Test>::UnsupportedUriScheme
		);
		assert_noop!(
			ModelRegistry::publish_version(
				RuntimeOrigin::signed(ALICE),
				v1,
				HASH,
				URI.to_vec(),
				input(),
				output(),
				AgreementRule::TopK { k: 9 },
				FEE
			),
			Error::<Test>::TopKOutOfRange
		);
		assert_ok!(publish(ALICE, v1));
		assert_noop!(publish(ALICE, v1), Error::<Test>::NotLatestVersion);
		assert_ok!(publish(ALICE, 1));
		// MaxVersions = 3.
		assert_noop!(publish(ALICE, 2), Error::<Test>::TooManyVersions);
	});
}

#[test]
fn deprecate_stops_new_jobs_but_not_running_ones() {
	ExtBuilder.build_and_execute(|| {
		let id = register(ALICE, b"mnist");
		assert_ok!(ModelRegistry::acquire(id));
		assert_ok!(ModelRegistry::deprecate(RuntimeOrigin::signed(ALICE), id));
		System::assert_last_event(Event::ModelDeprecated { model: id }.into());
		assert!(Models::<Test>::get(id).unwrap().deprecated);
		assert!(!ModelRegistry::is_active(id));
		assert_noop!(ModelRegistry::acquire(id), Error::<Test>::Deprecated);
		// The running job still finishes and releases.
		ModelRegistry::release(id);
		assert_eq!(Models::<Test>::get(id).unwrap().in_use, 0);
	});
}

#[test]
fn deprecate_errors() {
	ExtBuilder.build_and_execute(|| {
		let id = register(ALICE, b"mnist");
		assert_noop!(
			ModelRegistry::deprecate(RuntimeOrigin::signed(ALICE), 7),
			Error::<Test>::UnknownModel
		);
		assert_noop!(
			ModelRegistry::deprecate(RuntimeOrigin::signed(BOB), id),
			Error::<Test>::NotOwner
		);
		assert_ok!(ModelRegistry::deprecate(RuntimeOrigin::signed(ALICE), id));
		assert_noop!(
			ModelRegistry::deprecate(RuntimeOrigin::signed(ALICE), id),
			Error::<Test>::Deprecated
		);
	});
}

#[test]
fn set_fee_changes_fee() {
	ExtBuilder.build_and_execute(|| {
		let id = register(ALICE, b"mnist");
		assert_ok!(ModelRegistry::set_fee(RuntimeOrigin::signed(ALICE), id, 42));
		assert_eq!(ModelRegistry::model(id).unwrap().fee, 42);
		System::assert_last_event(Event::FeeSet { model: id, fee: 42 }.into());
		// The deposit does not change with the fee.
		assert_eq!(held(ALICE), DEPOSIT);
		assert_noop!(
			ModelRegistry::set_fee(RuntimeOrigin::signed(BOB), id, 1),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			ModelRegistry::set_fee(RuntimeOrigin::signed(ALICE), 5, 1),
			Error::<Test>::UnknownModel
		);
	});
}

#[test]
fn transfer_ownership_moves_lineage_and_deposits() {
	ExtBuilder.build_and_execute(|| {
		let v1 = register(ALICE, b"mnist");
		assert_ok!(publish(ALICE, v1));
		let other = register(ALICE, b"other");
		assert_ok!(ModelRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), v1, BOB));
		System::assert_last_event(
			Event::OwnershipTransferred {
				model: 1,
				from: ALICE,
				to: BOB,
				deposit: DEPOSIT + DEPOSIT_NEXT,
			}
			.into(),
		);
		assert_eq!(Models::<Test>::get(0).unwrap().owner, BOB);
		assert_eq!(Models::<Test>::get(1).unwrap().owner, BOB);
		assert_eq!(Models::<Test>::get(other).unwrap().owner, ALICE);
		assert_eq!(held(ALICE), DEPOSIT);
		assert_eq!(held(BOB), DEPOSIT + DEPOSIT_NEXT);
		assert_eq!(Balances::free_balance(ALICE), INITIAL - DEPOSIT);
		assert_eq!(Balances::free_balance(BOB), INITIAL - DEPOSIT - DEPOSIT_NEXT);
		let name = Models::<Test>::get(0).unwrap().name;
		assert_eq!(ModelByName::<Test>::get(ALICE, &name), None);
		assert_eq!(ModelByName::<Test>::get(BOB, &name), Some(1));
		assert_eq!(ModelRegistry::model(0).unwrap().owner, BOB);
	});
}

#[test]
fn transfer_ownership_errors() {
	ExtBuilder.build_and_execute(|| {
		let id = register(ALICE, b"mnist");
		register(BOB, b"mnist");
		assert_noop!(
			ModelRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), 9, BOB),
			Error::<Test>::UnknownModel
		);
		assert_noop!(
			ModelRegistry::transfer_ownership(RuntimeOrigin::signed(BOB), id, BOB),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			ModelRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), id, ALICE),
			Error::<Test>::SameOwner
		);
		assert_noop!(
			ModelRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), id, BOB),
			Error::<Test>::DuplicateName
		);
		assert_noop!(
			ModelRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), id, POOR),
			TokenError::FundsUnavailable
		);
	});
}

#[test]
fn remove_returns_deposit_and_frees_name() {
	ExtBuilder.build_and_execute(|| {
		let id = register(ALICE, b"mnist");
		assert_ok!(ModelRegistry::remove(RuntimeOrigin::signed(ALICE), id));
		System::assert_last_event(
			Event::ModelRemoved { model: id, owner: ALICE, deposit: DEPOSIT }.into(),
		);
		assert!(Models::<Test>::get(id).is_none());
		assert_eq!(held(ALICE), 0);
		assert_eq!(Balances::free_balance(ALICE), INITIAL);
		// The name is free again; the id is not reused.
		assert_eq!(register(ALICE, b"mnist"), 1);
	});
}

#[test]
fn remove_relinks_the_lineage() {
	ExtBuilder.build_and_execute(|| {
		let v1 = register(ALICE, b"mnist");
		assert_ok!(publish(ALICE, v1));
		assert_ok!(publish(ALICE, 1));
		// Remove the middle version: v1 <-> v3.
		assert_ok!(ModelRegistry::remove(RuntimeOrigin::signed(ALICE), 1));
		assert_eq!(Models::<Test>::get(0).unwrap().successor, Some(2));
		assert_eq!(Models::<Test>::get(2).unwrap().predecessor, Some(0));
		// Remove the newest: v1 becomes the newest again.
		assert_ok!(ModelRegistry::remove(RuntimeOrigin::signed(ALICE), 2));
		assert_eq!(ModelRegistry::latest_version(0), Some(0));
		assert_eq!(Models::<Test>::get(0).unwrap().successor, None);
		assert_eq!(held(ALICE), DEPOSIT);
		// And a new version can follow it again.
		assert_ok!(publish(ALICE, 0));
	});
}

#[test]
fn remove_errors() {
	ExtBuilder.build_and_execute(|| {
		let id = register(ALICE, b"mnist");
		assert_noop!(
			ModelRegistry::remove(RuntimeOrigin::signed(ALICE), 3),
			Error::<Test>::UnknownModel
		);
		assert_noop!(
			ModelRegistry::remove(RuntimeOrigin::signed(BOB), id),
			Error::<Test>::NotOwner
		);
		assert_ok!(ModelRegistry::acquire(id));
		assert_noop!(ModelRegistry::remove(RuntimeOrigin::signed(ALICE), id), Error::<Test>::InUse);
		ModelRegistry::release(id);
		assert_ok!(ModelRegistry::remove(RuntimeOrigin::signed(ALICE), id));
	});
}

#[test]
fn trait_exposes_model_and_counts_usage() {
	ExtBuilder.build_and_execute(|| {
		let id = register(ALICE, b"mnist");
		let info = ModelRegistry::model(id).unwrap();
		assert_eq!(info.owner, ALICE);
		assert_eq!(info.fee, FEE);
		assert_eq!(info.artifact_hash, HASH);
		assert_eq!(info.input, input());
		assert_eq!(info.output, output());
		assert_eq!(info.rule, rule());
		assert_eq!((info.input_len, info.canonical_output_len, info.deprecated), (16, 8, false));
		assert!(ModelRegistry::is_active(id));
		assert!(ModelRegistry::model(9).is_none());
		assert_eq!(ModelRegistry::latest_version(9), None);
		assert_noop!(ModelRegistry::acquire(9), Error::<Test>::UnknownModel);
		assert_ok!(ModelRegistry::acquire(id));
		assert_ok!(ModelRegistry::acquire(id));
		assert_eq!(Models::<Test>::get(id).unwrap().in_use, 2);
		ModelRegistry::release(id);
		assert_eq!(Models::<Test>::get(id).unwrap().in_use, 1);
		ModelRegistry::release(id);
	});
}

#[test]
fn try_state_detects_a_wrong_hold() {
	ExtBuilder.build().execute_with(|| {
		register(ALICE, b"mnist");
		assert_ok!(ModelRegistry::do_try_state());
		Models::<Test>::mutate(0, |m| m.as_mut().unwrap().deposit += 1);
		assert!(ModelRegistry::do_try_state().is_err());
	});
}

#[test]
fn integrity_test_passes() {
	ExtBuilder.build().execute_with(|| {
		<ModelRegistry as Hooks<u64>>::integrity_test();
	});
}

#[test]
fn model_views_show_the_latest_version_and_page_by_id() {
	ExtBuilder.build_and_execute(|| {
		let first = register(ALICE, b"mnist");
		assert_ok!(publish(ALICE, first));
		let second = first + 1;
		let other = register(BOB, b"other");
		let view = ModelRegistry::model_view(first).unwrap();
		assert_eq!((view.owner, view.version, view.latest), (ALICE, 1, second));
		assert_eq!((view.name, view.artifact_uri), (b"mnist".to_vec(), URI.to_vec()));
		assert_eq!(ModelRegistry::model_view(second).unwrap().latest, second);
		// The lineage links and the deposit are the stored entry's.
		assert_eq!((view.predecessor, view.successor), (None, Some(second)));
		let stored = Models::<Test>::get(first).unwrap();
		assert!(stored.deposit > 0);
		assert_eq!(view.deposit, stored.deposit);
		let newer = ModelRegistry::model_view(second).unwrap();
		assert_eq!((newer.predecessor, newer.successor), (Some(first), None));
		let ids = |after, limit| -> Vec<u32> {
			ModelRegistry::models(after, limit).into_iter().map(|m| m.id).collect()
		};
		assert_eq!(ids(None, 10), vec![first, second, other]);
		assert_eq!(ids(None, 2), vec![first, second]);
		assert_eq!(ids(Some(second), 2), vec![other]);
		// Removed models leave a gap that pages skip.
		assert_ok!(ModelRegistry::remove(RuntimeOrigin::signed(BOB), other));
		assert_eq!(ids(Some(first), 10), vec![second]);
		assert!(ModelRegistry::model_view(other).is_none());
	});
}
