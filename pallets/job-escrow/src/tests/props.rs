//! Property test: random sequences of calls keep every invariant.

use super::*;
use crate::{mock::*, *};
use frame::testing_prelude::*;

// ---------------------------------------------------------------------------------------------
// property test
// ---------------------------------------------------------------------------------------------

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
	// Capacity slots (of providers and arbitrators) and model use counts match the open jobs.
	for who in PROVIDERS {
		let expected =
			open.iter().filter(|(_, j)| j.everyone().any(|a| a.provider == who)).count() as u32;
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
