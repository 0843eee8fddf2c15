//! Unit tests of provider staking (with the real model registry).

use crate::{
	mock::*, Error, Event, HoldReason, Ledgers, ModelProviders, OperatorOf, Operators, Providers,
	UnlockChunk, WorkerKeys,
};
use frame::{
	testing_prelude::*,
	traits::fungible::{Inspect, InspectHold},
};
use infera_primitives::{
	attestation::WorkerKeyProof,
	traits::{EligibleProvider, ProviderRegistry as _, SlashReason},
	Hash,
};

const PRICE: u64 = 3;

fn held(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::ProviderStake.into(), &who)
}

/// Registers `who` with worker key `key` and a valid proof for it.
fn register_with(who: u64, bond: u64, key: u8, models: Vec<u32>, capacity: u32) -> DispatchResult {
	ProviderStaking::register_provider(
		RuntimeOrigin::signed(who),
		bond,
		worker(key),
		proof(key, who),
		models,
		capacity,
		PRICE,
	)
}

/// Rotates `who` to worker key `key` with a valid proof for it.
fn rotate(who: u64, key: u8) -> DispatchResult {
	ProviderStaking::rotate_worker_key(RuntimeOrigin::signed(who), worker(key), proof(key, who))
}

/// Registers `who` with bond 200, worker key `who`, models 0 and 1, capacity 2.
fn register(who: u64) {
	assert_ok!(register_with(who, 200, who as u8, vec![0, 1], 2));
}

fn chunks(who: u64) -> Vec<UnlockChunk<u64, u64>> {
	Ledgers::<Test>::get(who).unwrap().unbonding.into_inner()
}

#[test]
fn register_provider_holds_bond_and_indexes_models() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		let p = Providers::<Test>::get(P1).unwrap();
		assert_eq!(p.worker, worker(P1 as u8));
		assert_eq!(p.models.into_inner(), vec![0, 1]);
		assert_eq!((p.capacity, p.active_jobs, p.price, p.online), (2, 0, PRICE, true));
		assert_eq!(Ledgers::<Test>::get(P1).unwrap().bonded, 200);
		assert_eq!(held(P1), 200);
		assert_eq!(Balances::free_balance(P1), INITIAL - 200);
		assert_eq!(ModelProviders::<Test>::get(0).into_inner(), vec![P1]);
		assert_eq!(ModelProviders::<Test>::get(1).into_inner(), vec![P1]);
		assert_eq!(WorkerKeys::<Test>::get(worker(P1 as u8)), Some(P1));
		System::assert_last_event(
			Event::ProviderRegistered {
				who: P1,
				bond: 200,
				worker: worker(P1 as u8),
				capacity: 2,
				price: PRICE,
			}
			.into(),
		);
	});
}

#[test]
fn register_provider_errors() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(register_with(P1, 99, 1, vec![0], 1), Error::<Test>::BelowMinimum);
		assert_noop!(register_with(P1, 100, 1, vec![0], 0), Error::<Test>::ZeroCapacity);
		assert_noop!(register_with(P1, 100, 1, vec![0, 1, 2, 0], 1), Error::<Test>::TooManyModels);
		assert_noop!(register_with(P1, 100, 1, vec![0, 0], 1), Error::<Test>::DuplicateModel);
		assert_noop!(register_with(P1, 100, 1, vec![0, 9], 1), Error::<Test>::UnknownModel);
		assert_noop!(
			register_with(P1, 100, 1, vec![DEPRECATED_MODEL], 1),
			Error::<Test>::DeprecatedModel
		);
		assert_noop!(register_with(POOR, 100, 1, vec![0], 1), TokenError::FundsUnavailable);
		assert_noop!(
			ProviderStaking::register_provider(
				RuntimeOrigin::none(),
				100,
				worker(1),
				proof(1, P1),
				vec![],
				1,
				1
			),
			BadOrigin
		);
		assert_ok!(register_with(P1, 100, 1, vec![0], 1));
		assert_noop!(register_with(P1, 100, 2, vec![0], 1), Error::<Test>::AlreadyRegistered);
		assert_noop!(register_with(P2, 100, 1, vec![0], 1), Error::<Test>::WorkerKeyInUse);
		assert_ok!(register_with(P2, 100, 2, vec![0], 1));
		// MaxProvidersPerModel = 2.
		assert_noop!(register_with(P3, 100, 3, vec![0], 1), Error::<Test>::ModelProvidersFull);
	});
}

#[test]
fn bond_extra_adds_held_stake() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		assert_ok!(ProviderStaking::bond_extra(RuntimeOrigin::signed(P1), 50));
		System::assert_last_event(Event::Bonded { who: P1, amount: 50 }.into());
		assert_eq!(Ledgers::<Test>::get(P1).unwrap().bonded, 250);
		assert_eq!(held(P1), 250);
		assert_eq!(Balances::free_balance(P1), INITIAL - 250);
		assert_noop!(
			ProviderStaking::bond_extra(RuntimeOrigin::signed(P2), 50),
			Error::<Test>::NotProvider
		);
		assert_noop!(
			ProviderStaking::bond_extra(RuntimeOrigin::signed(P1), 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			ProviderStaking::bond_extra(RuntimeOrigin::signed(P1), INITIAL),
			TokenError::FundsUnavailable
		);
	});
}

#[test]
fn unbonded_stake_is_withdrawable_after_the_period() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		assert_ok!(ProviderStaking::unbond(RuntimeOrigin::signed(P1), 60));
		System::assert_last_event(Event::Unbonded { who: P1, amount: 60, unlock_at: 11 }.into());
		assert_eq!(Ledgers::<Test>::get(P1).unwrap().bonded, 140);
		assert_eq!(chunks(P1), vec![UnlockChunk { value: 60, unlock_at: 11 }]);
		// Still held while unbonding.
		assert_eq!(held(P1), 200);
		// A second unbond in the same block merges into the same chunk.
		assert_ok!(ProviderStaking::unbond(RuntimeOrigin::signed(P1), 10));
		assert_eq!(chunks(P1), vec![UnlockChunk { value: 70, unlock_at: 11 }]);
		System::set_block_number(10);
		assert_noop!(
			ProviderStaking::withdraw_unbonded(RuntimeOrigin::signed(P1)),
			Error::<Test>::NothingToWithdraw
		);
		System::set_block_number(11);
		assert_ok!(ProviderStaking::withdraw_unbonded(RuntimeOrigin::signed(P1)));
		System::assert_last_event(Event::Withdrawn { who: P1, amount: 70 }.into());
		assert_eq!(held(P1), 130);
		assert_eq!(Balances::free_balance(P1), INITIAL - 130);
		assert!(chunks(P1).is_empty());
	});
}

#[test]
fn unbond_errors() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(
			ProviderStaking::unbond(RuntimeOrigin::signed(P1), 1),
			Error::<Test>::NotProvider
		);
		register(P1);
		assert_noop!(
			ProviderStaking::unbond(RuntimeOrigin::signed(P1), 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			ProviderStaking::unbond(RuntimeOrigin::signed(P1), 201),
			Error::<Test>::InsufficientBond
		);
		assert_noop!(
			ProviderStaking::unbond(RuntimeOrigin::signed(P1), 101),
			Error::<Test>::BelowMinimum
		);
		assert_ok!(ProviderStaking::unbond(RuntimeOrigin::signed(P1), 10));
		System::set_block_number(2);
		assert_ok!(ProviderStaking::unbond(RuntimeOrigin::signed(P1), 10));
		System::set_block_number(3);
		// MaxUnbondingChunks = 2.
		assert_noop!(
			ProviderStaking::unbond(RuntimeOrigin::signed(P1), 10),
			Error::<Test>::TooManyUnbondingChunks
		);
	});
}

#[test]
fn withdraw_without_ledger_fails() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(
			ProviderStaking::withdraw_unbonded(RuntimeOrigin::signed(P1)),
			Error::<Test>::NothingToWithdraw
		);
		register(P1);
		assert_noop!(
			ProviderStaking::withdraw_unbonded(RuntimeOrigin::signed(P1)),
			Error::<Test>::NothingToWithdraw
		);
	});
}

#[test]
fn set_models_updates_the_index() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		assert_ok!(ProviderStaking::set_models(RuntimeOrigin::signed(P1), vec![1, 2]));
		System::assert_last_event(
			Event::ModelsSet { who: P1, models: vec![1, 2].try_into().unwrap() }.into(),
		);
		assert_eq!(Providers::<Test>::get(P1).unwrap().models.into_inner(), vec![1, 2]);
		assert!(!ModelProviders::<Test>::contains_key(0));
		assert_eq!(ModelProviders::<Test>::get(1).into_inner(), vec![P1]);
		assert_eq!(ModelProviders::<Test>::get(2).into_inner(), vec![P1]);
		assert_ok!(ProviderStaking::set_models(RuntimeOrigin::signed(P1), vec![]));
		assert_eq!(ModelProviders::<Test>::iter().count(), 0);
	});
}

#[test]
fn set_models_errors() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(
			ProviderStaking::set_models(RuntimeOrigin::signed(P1), vec![0]),
			Error::<Test>::NotProvider
		);
		register(P1);
		register(P2);
		let set = |m: Vec<u32>| ProviderStaking::set_models(RuntimeOrigin::signed(P3), m);
		assert_ok!(register_with(P3, 100, 3, vec![2], 1));
		assert_noop!(set(vec![7]), Error::<Test>::UnknownModel);
		assert_noop!(set(vec![DEPRECATED_MODEL]), Error::<Test>::DeprecatedModel);
		assert_noop!(set(vec![2, 2]), Error::<Test>::DuplicateModel);
		assert_noop!(set(vec![0, 1, 2, 3]), Error::<Test>::TooManyModels);
		// Models 0 and 1 already have two providers.
		assert_noop!(set(vec![0]), Error::<Test>::ModelProvidersFull);
		// P1 keeps model 0: no new room needed.
		assert_ok!(ProviderStaking::set_models(RuntimeOrigin::signed(P1), vec![1, 0]));
	});
}

#[test]
fn price_and_capacity_can_be_set() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		assert_ok!(ProviderStaking::set_price(RuntimeOrigin::signed(P1), 9));
		System::assert_last_event(Event::PriceSet { who: P1, price: 9 }.into());
		assert_eq!(Providers::<Test>::get(P1).unwrap().price, 9);
		assert_ok!(ProviderStaking::set_capacity(RuntimeOrigin::signed(P1), 5));
		System::assert_last_event(Event::CapacitySet { who: P1, capacity: 5 }.into());
		assert_eq!(Providers::<Test>::get(P1).unwrap().capacity, 5);
		assert_noop!(
			ProviderStaking::set_price(RuntimeOrigin::signed(P2), 1),
			Error::<Test>::NotProvider
		);
		assert_noop!(
			ProviderStaking::set_capacity(RuntimeOrigin::signed(P2), 1),
			Error::<Test>::NotProvider
		);
		assert_noop!(
			ProviderStaking::set_capacity(RuntimeOrigin::signed(P1), 0),
			Error::<Test>::ZeroCapacity
		);
		assert_ok!(ProviderStaking::reserve_slot(&P1));
		assert_ok!(ProviderStaking::reserve_slot(&P1));
		assert_noop!(
			ProviderStaking::set_capacity(RuntimeOrigin::signed(P1), 1),
			Error::<Test>::CapacityBelowActiveJobs
		);
		assert_ok!(ProviderStaking::set_capacity(RuntimeOrigin::signed(P1), 2));
	});
}

#[test]
fn worker_key_rotation() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		register(P2);
		assert_ok!(rotate(P1, 42));
		System::assert_last_event(Event::WorkerKeyRotated { who: P1, worker: worker(42) }.into());
		assert_eq!(ProviderStaking::worker_key(&P1), Some(worker(42)));
		assert_eq!(WorkerKeys::<Test>::get(worker(P1 as u8)), None);
		assert_eq!(WorkerKeys::<Test>::get(worker(42)), Some(P1));
		assert_noop!(rotate(P1, P2 as u8), Error::<Test>::WorkerKeyInUse);
		assert_noop!(rotate(P1, 42), Error::<Test>::WorkerKeyInUse);
		assert_noop!(rotate(P3, 7), Error::<Test>::NotProvider);
		assert_eq!(ProviderStaking::worker_key(&P3), None);
		// The old key is free again.
		assert_ok!(register_with(P3, 100, P1 as u8, vec![], 1));
	});
}

#[test]
fn offline_and_online() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		assert_ok!(ProviderStaking::go_offline(RuntimeOrigin::signed(P1)));
		System::assert_last_event(Event::WentOffline { who: P1, forced: false }.into());
		assert!(!Providers::<Test>::get(P1).unwrap().online);
		assert!(ProviderStaking::eligible_providers(0).is_empty());
		assert_noop!(ProviderStaking::reserve_slot(&P1), Error::<Test>::ProviderOffline);
		assert_noop!(
			ProviderStaking::go_offline(RuntimeOrigin::signed(P1)),
			Error::<Test>::AlreadyOffline
		);
		assert_ok!(ProviderStaking::go_online(RuntimeOrigin::signed(P1)));
		System::assert_last_event(Event::WentOnline { who: P1 }.into());
		assert_noop!(
			ProviderStaking::go_online(RuntimeOrigin::signed(P1)),
			Error::<Test>::AlreadyOnline
		);
		assert_noop!(
			ProviderStaking::go_offline(RuntimeOrigin::signed(P2)),
			Error::<Test>::NotProvider
		);
		assert_noop!(
			ProviderStaking::go_online(RuntimeOrigin::signed(P2)),
			Error::<Test>::NotProvider
		);
	});
}

#[test]
fn deregister_unbonds_everything_and_leaves_the_index() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		assert_ok!(ProviderStaking::deregister(RuntimeOrigin::signed(P1)));
		System::assert_last_event(Event::ProviderDeregistered { who: P1, unbonding: 200 }.into());
		assert!(Providers::<Test>::get(P1).is_none());
		assert!(ModelProviders::<Test>::iter().next().is_none());
		assert!(WorkerKeys::<Test>::iter().next().is_none());
		assert_eq!(Ledgers::<Test>::get(P1).unwrap().bonded, 0);
		assert_eq!(chunks(P1), vec![UnlockChunk { value: 200, unlock_at: 11 }]);
		assert_eq!(held(P1), 200);
		System::set_block_number(11);
		assert_ok!(ProviderStaking::withdraw_unbonded(RuntimeOrigin::signed(P1)));
		assert!(Ledgers::<Test>::get(P1).is_none());
		assert_eq!(held(P1), 0);
		assert_eq!(Balances::free_balance(P1), INITIAL);
	});
}

#[test]
fn deregister_errors() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(
			ProviderStaking::deregister(RuntimeOrigin::signed(P1)),
			Error::<Test>::NotProvider
		);
		register(P1);
		assert_ok!(ProviderStaking::reserve_slot(&P1));
		assert_noop!(
			ProviderStaking::deregister(RuntimeOrigin::signed(P1)),
			Error::<Test>::ActiveJobs
		);
		ProviderStaking::release_slot(&P1);
		assert_ok!(ProviderStaking::unbond(RuntimeOrigin::signed(P1), 10));
		System::set_block_number(2);
		assert_ok!(ProviderStaking::unbond(RuntimeOrigin::signed(P1), 10));
		System::set_block_number(3);
		assert_noop!(
			ProviderStaking::deregister(RuntimeOrigin::signed(P1)),
			Error::<Test>::TooManyUnbondingChunks
		);
		// After withdrawing, it works.
		System::set_block_number(12);
		assert_ok!(ProviderStaking::withdraw_unbonded(RuntimeOrigin::signed(P1)));
		assert_ok!(ProviderStaking::deregister(RuntimeOrigin::signed(P1)));
	});
}

#[test]
fn eligible_providers_are_online_with_free_capacity() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		assert_ok!(register_with(P2, 300, 2, vec![0], 1));
		assert_eq!(
			ProviderStaking::eligible_providers(0),
			vec![
				EligibleProvider { who: P1, stake: 200, price: PRICE },
				EligibleProvider { who: P2, stake: 300, price: PRICE },
			]
		);
		assert_ok!(ProviderStaking::reserve_slot(&P2));
		assert_eq!(Providers::<Test>::get(P2).unwrap().active_jobs, 1);
		assert_eq!(
			ProviderStaking::eligible_providers(0),
			vec![EligibleProvider { who: P1, stake: 200, price: PRICE }]
		);
		assert_noop!(ProviderStaking::reserve_slot(&P2), Error::<Test>::NoFreeCapacity);
		assert_noop!(ProviderStaking::reserve_slot(&P3), Error::<Test>::NotProvider);
		ProviderStaking::release_slot(&P2);
		assert_eq!(Providers::<Test>::get(P2).unwrap().active_jobs, 0);
		assert_eq!(ProviderStaking::eligible_providers(0).len(), 2);
		// Unknown or deprecated models have no eligible provider.
		assert!(ProviderStaking::eligible_providers(9).is_empty());
		assert_ok!(ModelRegistry::deprecate(RuntimeOrigin::signed(AUTHOR), 0));
		assert!(ProviderStaking::eligible_providers(0).is_empty());
	});
}

#[test]
fn slash_pays_the_treasury_and_chills_below_minimum() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		let slashed =
			ProviderStaking::slash(&P1, Perbill::from_percent(60), SlashReason::WrongResult, &[]);
		assert_eq!(slashed, 120);
		System::assert_has_event(
			Event::Slashed { who: P1, amount: 120, reason: SlashReason::WrongResult }.into(),
		);
		System::assert_last_event(Event::WentOffline { who: P1, forced: true }.into());
		assert_eq!(Ledgers::<Test>::get(P1).unwrap().bonded, 80);
		assert_eq!(held(P1), 80);
		assert_eq!(Balances::total_balance(&P1), INITIAL - 120);
		assert_eq!(Balances::free_balance(TREASURY), TREASURY_INITIAL + 120);
		assert!(!Providers::<Test>::get(P1).unwrap().online);
		assert!(ProviderStaking::eligible_providers(0).is_empty());
		assert_noop!(
			ProviderStaking::go_online(RuntimeOrigin::signed(P1)),
			Error::<Test>::BelowMinimum
		);
		assert_ok!(ProviderStaking::bond_extra(RuntimeOrigin::signed(P1), 20));
		assert_ok!(ProviderStaking::go_online(RuntimeOrigin::signed(P1)));
	});
}

#[test]
fn small_slash_keeps_provider_online() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		assert_eq!(
			ProviderStaking::slash(&P1, Perbill::from_percent(10), SlashReason::Timeout, &[]),
			20
		);
		System::assert_last_event(
			Event::Slashed { who: P1, amount: 20, reason: SlashReason::Timeout }.into(),
		);
		assert!(Providers::<Test>::get(P1).unwrap().online);
		assert_eq!(held(P1), 180);
	});
}

#[test]
fn unbonding_stake_cannot_escape_a_slash() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		assert_ok!(ProviderStaking::unbond(RuntimeOrigin::signed(P1), 100));
		// 75% of 200 total = 150: the 100 bonded first, then 50 of the unbonding chunk.
		assert_eq!(
			ProviderStaking::slash(&P1, Perbill::from_percent(75), SlashReason::WrongResult, &[]),
			150
		);
		assert_eq!(Ledgers::<Test>::get(P1).unwrap().bonded, 0);
		assert_eq!(chunks(P1), vec![UnlockChunk { value: 50, unlock_at: 11 }]);
		assert_eq!(held(P1), 50);
		assert_eq!(Balances::free_balance(TREASURY), TREASURY_INITIAL + 150);
	});
}

#[test]
fn deregistered_provider_is_still_slashable_until_withdrawn() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		assert_ok!(ProviderStaking::deregister(RuntimeOrigin::signed(P1)));
		assert_eq!(
			ProviderStaking::slash(
				&P1,
				Perbill::from_percent(100),
				SlashReason::InvalidAttestation,
				&[]
			),
			200
		);
		System::assert_last_event(
			Event::Slashed { who: P1, amount: 200, reason: SlashReason::InvalidAttestation }.into(),
		);
		// Nothing left: the ledger is gone.
		assert!(Ledgers::<Test>::get(P1).is_none());
		assert_eq!(held(P1), 0);
		assert_eq!(Balances::free_balance(TREASURY), TREASURY_INITIAL + 200);
	});
}

#[test]
fn slash_of_unknown_account_or_zero_ratio_does_nothing() {
	ExtBuilder.build_and_execute(|| {
		assert_eq!(
			ProviderStaking::slash(&P2, Perbill::from_percent(50), SlashReason::Timeout, &[]),
			0
		);
		register(P1);
		assert_eq!(ProviderStaking::slash(&P1, Perbill::zero(), SlashReason::Timeout, &[]), 0);
		assert_eq!(held(P1), 200);
		assert_eq!(Balances::free_balance(TREASURY), TREASURY_INITIAL);
	});
}

#[test]
fn reregistering_after_deregister_reuses_the_ledger() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		assert_ok!(ProviderStaking::deregister(RuntimeOrigin::signed(P1)));
		assert_ok!(register_with(P1, 150, 5, vec![2], 1));
		let ledger = Ledgers::<Test>::get(P1).unwrap();
		assert_eq!(ledger.bonded, 150);
		assert_eq!(ledger.unbonding.len(), 1);
		assert_eq!(held(P1), 350);
	});
}

#[test]
fn try_state_detects_a_broken_index() {
	ExtBuilder.build().execute_with(|| {
		register(P1);
		assert_ok!(ProviderStaking::do_try_state());
		ModelProviders::<Test>::remove(0);
		assert!(ProviderStaking::do_try_state().is_err());
	});
}

#[test]
fn integrity_test_passes() {
	ExtBuilder.build().execute_with(|| {
		<ProviderStaking as Hooks<u64>>::integrity_test();
	});
}

#[test]
fn provider_view_shows_stake_terms_and_serving_index() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		assert_ok!(ProviderStaking::unbond(RuntimeOrigin::signed(P1), 50));
		assert_ok!(set_operator(P1, Some(OPERATOR)));
		let view = ProviderStaking::provider_view(&P1).unwrap();
		assert_eq!((view.bonded, view.unbonding, view.price), (150, 50, PRICE));
		assert_eq!(view.unlocking, chunks(P1));
		assert_eq!(view.unlocking, vec![UnlockChunk { value: 50, unlock_at: 11 }]);
		assert_eq!((view.worker, view.operator), (worker(P1 as u8).0, Some(OPERATOR)));
		assert_eq!((view.capacity, view.active_jobs, view.online), (2, 0, true));
		assert_eq!(view.models, vec![0, 1]);
		assert_eq!(view.record, Default::default());
		assert_eq!(ProviderStaking::providers_of(1), vec![P1]);
		assert!(ProviderStaking::provider_view(&P2).is_none());
	});
}

#[test]
fn genesis_hash_is_the_hash_of_block_zero() {
	ExtBuilder.build_and_execute(|| {
		// `frame_system`'s genesis build records 69s as the hash of block 0; a real chain
		// records the genesis block's hash there when block 1 is initialised.
		assert_eq!(ProviderStaking::genesis_hash(), Hash::repeat_byte(69));
		System::set_block_number(5);
		assert_eq!(ProviderStaking::genesis_hash(), Hash::repeat_byte(69));
	});
}

#[test]
fn front_runner_cannot_register_a_key_with_someone_elses_proof() {
	ExtBuilder.build_and_execute(|| {
		// P2 sees P1's registration (worker key 7, proof signed for P1) in the pool and sends it
		// as its own first.
		let victims_proof = proof(7, P1);
		assert_noop!(
			ProviderStaking::register_provider(
				RuntimeOrigin::signed(P2),
				100,
				worker(7),
				victims_proof,
				vec![0],
				1,
				PRICE
			),
			Error::<Test>::BadWorkerKeyProof
		);
		assert_eq!(WorkerKeys::<Test>::get(worker(7)), None);
		assert!(Providers::<Test>::get(P2).is_none());
		assert_eq!(held(P2), 0);
		// P1's own transaction still goes through.
		assert_ok!(ProviderStaking::register_provider(
			RuntimeOrigin::signed(P1),
			100,
			worker(7),
			victims_proof,
			vec![0],
			1,
			PRICE
		));
		assert_eq!(WorkerKeys::<Test>::get(worker(7)), Some(P1));
		assert_eq!(ProviderStaking::worker_key(&P1), Some(worker(7)));
	});
}

#[test]
fn proof_by_another_key_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		// Signed for P1, but by key 8, not by the key registered.
		assert_noop!(
			ProviderStaking::register_provider(
				RuntimeOrigin::signed(P1),
				100,
				worker(7),
				proof(8, P1),
				vec![0],
				1,
				PRICE
			),
			Error::<Test>::BadWorkerKeyProof
		);
	});
}

#[test]
fn proof_for_another_chain_is_rejected() {
	ExtBuilder.build_and_execute(|| {
		let other_chain = WorkerKeyProof { genesis_hash: Hash::repeat_byte(1), provider: &P1 }
			.sign(&worker_pair(7));
		assert_noop!(
			ProviderStaking::register_provider(
				RuntimeOrigin::signed(P1),
				100,
				worker(7),
				other_chain,
				vec![0],
				1,
				PRICE
			),
			Error::<Test>::BadWorkerKeyProof
		);
		assert_ok!(register_with(P1, 100, 7, vec![0], 1));
		let other_chain = WorkerKeyProof { genesis_hash: Hash::repeat_byte(1), provider: &P1 }
			.sign(&worker_pair(8));
		assert_noop!(
			ProviderStaking::rotate_worker_key(RuntimeOrigin::signed(P1), worker(8), other_chain),
			Error::<Test>::BadWorkerKeyProof
		);
	});
}

#[test]
fn rotation_needs_a_proof_for_the_rotating_provider() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		register(P2);
		// P2 front-runs P1's rotation to key 42 with P1's proof.
		let p1s_proof = proof(42, P1);
		assert_noop!(
			ProviderStaking::rotate_worker_key(RuntimeOrigin::signed(P2), worker(42), p1s_proof),
			Error::<Test>::BadWorkerKeyProof
		);
		// Nor does a proof by another key do.
		assert_noop!(
			ProviderStaking::rotate_worker_key(
				RuntimeOrigin::signed(P1),
				worker(42),
				proof(43, P1)
			),
			Error::<Test>::BadWorkerKeyProof
		);
		assert_eq!(ProviderStaking::worker_key(&P2), Some(worker(P2 as u8)));
		assert_ok!(ProviderStaking::rotate_worker_key(
			RuntimeOrigin::signed(P1),
			worker(42),
			p1s_proof
		));
		assert_eq!(ProviderStaking::worker_key(&P1), Some(worker(42)));
	});
}

/// An account with no stake that a provider names its operator.
const OPERATOR: u64 = 20;

fn set_operator(who: u64, operator: Option<u64>) -> DispatchResult {
	ProviderStaking::set_operator(RuntimeOrigin::signed(who), operator)
}

#[test]
fn an_operator_answers_for_its_provider_and_can_do_nothing_else() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		assert_noop!(set_operator(OPERATOR, Some(P1)), Error::<Test>::NotProvider);
		assert_ok!(set_operator(P1, Some(OPERATOR)));
		System::assert_last_event(
			Event::OperatorSet { provider: P1, operator: Some(OPERATOR) }.into(),
		);
		assert_eq!(ProviderStaking::acting_for(&OPERATOR), P1);
		assert_eq!(ProviderStaking::acting_for(&P1), P1);
		assert_eq!(ProviderStaking::acting_for(&P2), P2);
		// The operator's key moves none of the provider's stake or terms: those calls act on
		// the operator's own account, which is no provider.
		let signed = || RuntimeOrigin::signed(OPERATOR);
		assert_noop!(ProviderStaking::unbond(signed(), 50), Error::<Test>::NotProvider);
		assert_noop!(ProviderStaking::set_price(signed(), 1), Error::<Test>::NotProvider);
		assert_noop!(ProviderStaking::deregister(signed()), Error::<Test>::NotProvider);
		assert_noop!(
			ProviderStaking::withdraw_unbonded(signed()),
			Error::<Test>::NothingToWithdraw
		);
		assert_eq!(held(P1), 200);
	});
}

#[test]
fn operators_are_unique_never_providers_and_can_leave() {
	ExtBuilder.build_and_execute(|| {
		register(P1);
		register(P2);
		assert_noop!(set_operator(P1, Some(P1)), Error::<Test>::OperatorIsProvider);
		assert_noop!(set_operator(P1, Some(P2)), Error::<Test>::OperatorIsProvider);
		assert_ok!(set_operator(P1, Some(OPERATOR)));
		// Another provider cannot take the operator over (it would answer for the wrong one).
		assert_noop!(set_operator(P2, Some(OPERATOR)), Error::<Test>::OperatorInUse);
		// An operator cannot register as a provider while it operates.
		assert_noop!(register_with(OPERATOR, 200, 77, vec![0], 1), Error::<Test>::IsOperator);
		// Naming it again, or another, replaces the mapping.
		assert_ok!(set_operator(P1, Some(OPERATOR)));
		assert_ok!(set_operator(P1, Some(OPERATOR + 1)));
		assert_eq!(OperatorOf::<Test>::get(OPERATOR), None);
		assert_eq!(ProviderStaking::acting_for(&OPERATOR), OPERATOR);
		// An account named without its consent walks away.
		assert_ok!(ProviderStaking::renounce_operator(RuntimeOrigin::signed(OPERATOR + 1)));
		System::assert_last_event(Event::OperatorSet { provider: P1, operator: None }.into());
		assert_eq!(Operators::<Test>::get(P1), None);
		assert_noop!(
			ProviderStaking::renounce_operator(RuntimeOrigin::signed(OPERATOR + 1)),
			Error::<Test>::NotOperator
		);
		// Deregistering drops the operator.
		assert_ok!(set_operator(P2, Some(OPERATOR)));
		assert_ok!(ProviderStaking::deregister(RuntimeOrigin::signed(P2)));
		assert_eq!(OperatorOf::<Test>::get(OPERATOR), None);
		assert_ok!(set_operator(P1, None));
		assert_eq!(Operators::<Test>::iter().count(), 0);
	});
}
