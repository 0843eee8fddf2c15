//! Property test: the deadline and expiry queues keep up with a saturating load.
//!
//! Every block of the load submits half as many jobs as a block's deadline queue holds
//! (`MaxDeadlinesPerBlock`), the mock's stand-in for the weight-limited maximum, so that every
//! job may need a commit and a reveal entry (the runtime's queue of 512 holds its measured
//! maximum of 341 jobs per block plus reveal entries), for twice the commit period, while
//! each provider behaves in one generated way (answers, lies, stays silent, or withholds its
//! reveal). Every job must settle by its last announced deadline + 1 block, and `try_state`
//! (which also asserts that no deadline or expiry is left behind) holds after every block.

use super::*;
use alloc::collections::BTreeMap;
use proptest::prelude::*;

/// How one provider treats every job it is drawn for.
#[derive(Clone, Copy, Debug)]
enum Conduct {
	/// Commits and reveals the true output.
	Honest,
	/// Commits and reveals a wrong output.
	Wrong,
	/// Never answers.
	Silent,
	/// Commits the true output and never reveals it.
	Withholds,
}

fn conduct() -> impl Strategy<Value = Conduct> {
	prop_oneof![
		4 => Just(Conduct::Honest),
		1 => Just(Conduct::Wrong),
		1 => Just(Conduct::Silent),
		1 => Just(Conduct::Withholds),
	]
}

/// The output a provider of this conduct answers with.
fn answer_of(conduct: Conduct) -> Vec<u8> {
	match conduct {
		Conduct::Honest | Conduct::Withholds | Conduct::Silent => output(1),
		Conduct::Wrong => output(2),
	}
}

/// Price every provider asks: low, so the users can pay for the whole load.
const LOAD_PRICE: Balance = 10;
/// Jobs each provider can hold at once: more than the load ever gives it.
const LOAD_CAPACITY: u32 = 1_000;

/// Every provider of every open job acts on it once, by its conduct: commits while the job's
/// round is pending, reveals while it is revealing.
fn act(conducts: &BTreeMap<AccountId, Conduct>) {
	let open: Vec<_> = Jobs::<Test>::iter().filter(|(_, j)| j.is_open()).collect();
	for (id, job) in open {
		for a in job.acting() {
			let conduct = conducts[&a.provider];
			let out = answer_of(conduct);
			match (conduct, &job.status, &a.answer) {
				(Conduct::Silent, _, _) | (Conduct::Withholds, JobStatus::Revealing { .. }, _) => {}
				(_, JobStatus::Pending { .. }, Answer::Pending) => {
					let _ = commit(id, a.provider, &out);
				}
				(_, JobStatus::Revealing { .. }, Answer::Committed(_)) => {
					let _ = reveal(id, a.provider, &out);
				}
				_ => {}
			}
		}
	}
	// A redundancy-1 job that was not audited may reveal in the block of its commitment.
	for (id, job) in Jobs::<Test>::iter().filter(|(_, j)| j.is_open()) {
		for a in job.acting() {
			let conduct = conducts[&a.provider];
			if matches!(conduct, Conduct::Honest | Conduct::Wrong)
				&& matches!(
					(&job.status, &a.answer),
					(JobStatus::Revealing { .. }, Answer::Committed(_))
				) {
				let _ = reveal(id, a.provider, &answer_of(conduct));
			}
		}
	}
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]
	#[test]
	fn a_saturating_load_settles_every_job_by_its_deadline(
		seed in any::<u64>(),
		conducts in prop::collection::vec(conduct(), PROVIDERS.len()),
		redundancy in 1u32..=3,
		audit_percent in prop_oneof![Just(0u32), Just(50)],
	) {
		let conducts: BTreeMap<AccountId, Conduct> =
			PROVIDERS.iter().copied().zip(conducts).collect();
		let mut builder = ExtBuilder.seed(seed);
		for who in PROVIDERS {
			builder = builder.provider(who, |p| {
				p.price = LOAD_PRICE;
				p.capacity = LOAD_CAPACITY;
			});
		}
		builder.build_and_execute(|| {
			AuditRate::set(Perbill::from_percent(audit_percent));
			run_to_block(2);
			let queue: u32 = <<Test as Config>::MaxDeadlinesPerBlock as Get<u32>>::get();
			let per_block = queue / 2;
			let load_blocks = 2 * CommitPeriod::get();
			// Latest deadline seen for every job while it was open.
			let mut deadlines: BTreeMap<JobId, u64> = BTreeMap::new();
			let mut submitted = 0u32;
			let last = 2 + load_blocks + MAX_JOB_LIFE_IN_MOCK + Retention::get() + 2;
			while System::block_number() < last {
				let now = System::block_number();
				if now < 2 + load_blocks {
					for i in 0..per_block {
						let user = if i % 2 == 0 { USER } else { USER2 };
						assert_ok!(JobEscrow::submit_job(
							RuntimeOrigin::signed(user),
							MODEL,
							input(),
							10_000,
							Some(redundancy),
						));
						submitted += 1;
					}
				}
				act(&conducts);
				for (id, job) in Jobs::<Test>::iter() {
					if let Some((deadline, _)) = job.status.deadline() {
						deadlines.insert(id, deadline);
					}
				}
				run_to_block(now + 1);
				JobEscrow::do_try_state().expect("try_state");
				for (id, deadline) in &deadlines {
					let finished = Jobs::<Test>::get(id).and_then(|j| j.status.finished_at());
					if let Some(at) = finished {
						assert!(at <= deadline + 1, "job {id} settled at {at}, its deadline {deadline}");
					}
				}
			}
			assert_eq!(submitted, per_block * load_blocks as u32);
			// Everything settled and expired; nothing stays held.
			assert_eq!(Jobs::<Test>::iter().count(), 0);
			assert_eq!(held(USER) + held(USER2), 0);
		});
	}
}

/// Longest a job of the mock can stay open: its commit and reveal rounds, an audit or
/// round and an arbitration round of the same length, and the queues' spill of a few blocks.
const MAX_JOB_LIFE_IN_MOCK: u64 = 3 * (10 + 5) + 10;
