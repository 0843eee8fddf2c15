//! The gateway's one subscription to the chain: it follows finalized blocks, announces each
//! (waiting requests and the console's live updates wake on it) and keeps every job's timeline
//! from the job pallet's events, decoded as the generated `JobEscrow` event enum: submitted →
//! assigned → committed → revealed → paid, with the block of each step, the provider of each
//! assignment, answer and slash, and the attestation a provider revealed.
//!
//! Timelines are kept for the newest [`MAX_TRACKED_JOBS`] jobs seen since the gateway started;
//! older jobs show only what the chain's job record says.

use crate::{
	chain::Chain,
	runtime::infera::{self, job_escrow::Event as JobEvent},
};
use infera_primitives::{attestation::Attestation, JobId};
use serde::Serialize;
use std::{
	collections::{BTreeMap, BTreeSet},
	sync::{Arc, Mutex},
	time::Duration,
};
use subxt::{
	events::Phase as EventPhase,
	utils::{AccountId32, Static, H256},
};
use tokio::sync::{broadcast, watch};

/// Most jobs whose timelines are kept (the oldest are forgotten first).
pub const MAX_TRACKED_JOBS: usize = 4096;
/// Block announcements a slow console client may fall behind by before it skips some.
const NEWS_BUFFER: usize = 64;
/// Pause before resubscribing after the node connection failed.
const RESUBSCRIBE_AFTER: Duration = Duration::from_secs(2);

/// The newest finalized block.
#[derive(Clone, Copy, Debug)]
pub struct Tip {
	/// Its number.
	pub number: u32,
	/// Its hash.
	pub hash: H256,
}

/// A step of a job, from the job pallet's events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
	/// Submitted (`JobSubmitted`).
	Submitted,
	/// A provider was drawn to answer it (`JobSubmitted`, one step per provider).
	Assigned,
	/// A provider committed to a hidden answer (`ResultCommitted`).
	Committed,
	/// The reveal window opened (`RevealOpened`).
	RevealOpened,
	/// A provider revealed its attested answer (`ResultRevealed`).
	Revealed,
	/// A redundancy-1 job was sent to a blind auditor (`AuditOpened`).
	AuditOpened,
	/// The providers split; arbitrators were drawn (`ArbitrationOpened`).
	ArbitrationOpened,
	/// Settled with an output; the winners were paid (`JobCompleted`).
	Paid,
	/// Settled with a majority refusal (`JobRefused`).
	Refused,
	/// Settled without an answer; refunded (`JobFailed`).
	Failed,
	/// The user asked to cancel (`CancelRequested`).
	CancelRequested,
	/// Cancelled and refunded (`JobCancelled`).
	Cancelled,
	/// A provider lost stake over it (`ProviderSlashed`).
	Slashed,
}

/// The steps of a job one event of the job pallet stands for: the job, the phase and the
/// provider it names, if any.
fn steps(event: JobEvent) -> Vec<(JobId, Phase, Option<AccountId32>)> {
	let one = |job_id, phase, provider| vec![(job_id, phase, provider)];
	match event {
		JobEvent::JobSubmitted { job_id, providers, .. } => {
			let assigned = providers.0.into_iter().map(|p| (job_id, Phase::Assigned, Some(p)));
			std::iter::once((job_id, Phase::Submitted, None)).chain(assigned).collect()
		}
		JobEvent::ResultCommitted { job_id, provider } => {
			one(job_id, Phase::Committed, Some(provider))
		}
		JobEvent::RevealOpened { job_id, .. } => one(job_id, Phase::RevealOpened, None),
		JobEvent::ResultRevealed { job_id, provider, .. } => {
			one(job_id, Phase::Revealed, Some(provider))
		}
		JobEvent::AuditOpened { job_id, auditor, .. } => {
			one(job_id, Phase::AuditOpened, Some(auditor))
		}
		JobEvent::ArbitrationOpened { job_id, .. } => one(job_id, Phase::ArbitrationOpened, None),
		JobEvent::JobCompleted { job_id, .. } => one(job_id, Phase::Paid, None),
		JobEvent::JobRefused { job_id, .. } => one(job_id, Phase::Refused, None),
		JobEvent::JobFailed { job_id, .. } => one(job_id, Phase::Failed, None),
		JobEvent::CancelRequested { job_id, .. } => one(job_id, Phase::CancelRequested, None),
		JobEvent::JobCancelled { job_id } => one(job_id, Phase::Cancelled, None),
		JobEvent::ProviderSlashed { job_id, provider, .. } => {
			one(job_id, Phase::Slashed, Some(provider))
		}
		// An expired job's record is gone; its timeline stays as it was.
		JobEvent::JobExpired { .. } => Vec::new(),
	}
}

/// One step of a job's timeline.
#[derive(Clone, Debug, Serialize)]
pub struct TimelineEntry {
	/// The finalized block it happened in.
	pub block: u32,
	/// What happened.
	pub phase: Phase,
	/// The provider, for assignments, audits, commits, reveals and slashes.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub provider: Option<AccountId32>,
	/// The worker's signature over the revealed outcome (`0x` hex), for reveals.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub attestation: Option<String>,
}

/// What a finalized block did to jobs, as the console's live feed sends it.
#[derive(Clone, Debug, Serialize)]
pub struct BlockNews {
	/// The block.
	pub block: u32,
	/// Each job step in it.
	pub jobs: Vec<(JobId, Phase)>,
}

#[derive(scale_decode::DecodeAsType)]
struct AnswerCallFields {
	attestation: Static<Attestation>,
}

/// Follows finalized blocks; see the module docs.
pub struct Follower {
	tips: watch::Sender<Option<Tip>>,
	news: broadcast::Sender<BlockNews>,
	timelines: Mutex<BTreeMap<JobId, Vec<TimelineEntry>>>,
	/// The gateway's own jobs in flight, whose steps are logged as they are seen.
	logged: Mutex<BTreeSet<JobId>>,
}

/// Logs a job's steps while it lives ([`Follower::log_steps`]).
pub struct StepLog<'a> {
	follower: &'a Follower,
	job_id: JobId,
}

impl Drop for StepLog<'_> {
	fn drop(&mut self) {
		lock(&self.follower.logged).remove(&self.job_id);
	}
}

/// A lock that a panicking holder cannot make unusable (the data are plain records).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
	mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Follower {
	/// A follower that has seen nothing yet; [`Follower::run`] feeds it.
	pub fn new() -> Arc<Follower> {
		Arc::new(Follower {
			tips: watch::channel(None).0,
			news: broadcast::channel(NEWS_BUFFER).0,
			timelines: Mutex::new(BTreeMap::new()),
			logged: Mutex::new(BTreeSet::new()),
		})
	}

	/// The newest finalized block, updated as blocks come.
	pub fn tips(&self) -> watch::Receiver<Option<Tip>> {
		self.tips.subscribe()
	}

	/// Every finalized block from now on, with its job steps.
	pub fn news(&self) -> broadcast::Receiver<BlockNews> {
		self.news.subscribe()
	}

	/// The newest finalized block seen.
	pub fn tip(&self) -> Option<Tip> {
		*self.tips.borrow()
	}

	/// Job `job_id`'s steps seen so far.
	pub fn timeline(&self, job_id: JobId) -> Vec<TimelineEntry> {
		self.lock().get(&job_id).cloned().unwrap_or_default()
	}

	/// The newest `n` jobs seen, newest first.
	pub fn recent_jobs(&self, n: usize) -> Vec<JobId> {
		self.lock().keys().rev().take(n).copied().collect()
	}

	fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<JobId, Vec<TimelineEntry>>> {
		lock(&self.timelines)
	}

	/// Logs job `job_id`'s steps (to stderr) as finalized blocks show them, until the returned
	/// guard is dropped.
	pub fn log_steps(&self, job_id: JobId) -> StepLog<'_> {
		lock(&self.logged).insert(job_id);
		StepLog { follower: self, job_id }
	}

	fn record(&self, job_id: JobId, entry: TimelineEntry) {
		if lock(&self.logged).contains(&job_id) {
			eprintln!(
				"gateway: job {job_id}: {} at block {}",
				super::phase_name(entry.phase),
				entry.block
			);
		}
		let mut timelines = self.lock();
		timelines.entry(job_id).or_default().push(entry);
		while timelines.len() > MAX_TRACKED_JOBS {
			timelines.pop_first();
		}
	}

	/// Follows the chain for as long as the gateway runs, resubscribing after failures.
	pub async fn run(self: Arc<Self>, chain: Arc<Chain>) {
		loop {
			if let Err(e) = self.follow(&chain).await {
				eprintln!("gateway: following finalized blocks failed: {e:#}; resubscribing");
			}
			tokio::time::sleep(RESUBSCRIBE_AFTER).await;
		}
	}

	async fn follow(&self, chain: &Chain) -> anyhow::Result<()> {
		let mut blocks = chain.client.stream_blocks().await?;
		while let Some(block) = blocks.next().await {
			let block = block?;
			let number = block.number() as u32;
			let at = block.at().await?;
			let events = at.events().fetch().await?;
			let mut jobs = Vec::new();
			let mut extrinsics = None;
			for ev in events.iter() {
				let ev = ev?;
				if ev.pallet_name() != "JobEscrow" {
					continue;
				}
				// An event this build's metadata cannot decode (a runtime upgrade changed it) is
				// skipped, not allowed to stop the follower: the block's other steps still count.
				let event = match ev.decode_as::<infera::Event>() {
					Ok(infera::Event::JobEscrow(event)) => event,
					Ok(_) => continue,
					Err(e) => {
						eprintln!("gateway: block {number}: an undecodable JobEscrow event: {e}");
						continue;
					}
				};
				for (job_id, phase, provider) in steps(event) {
					let attestation = match (phase, ev.phase()) {
						(Phase::Revealed, EventPhase::ApplyExtrinsic(index)) => {
							if extrinsics.is_none() {
								extrinsics = Some(at.extrinsics().fetch().await?);
							}
							extrinsics
								.as_ref()
								.and_then(|all| all.iter().nth(index as usize))
								.and_then(Result::ok)
								.and_then(|ext| {
									ext.decode_call_data_fields_unchecked_as::<AnswerCallFields>()
										.ok()
								})
								.map(|f| format!("0x{}", hex::encode(f.attestation.0.signature.0)))
						}
						_ => None,
					};
					let entry = TimelineEntry { block: number, phase, provider, attestation };
					self.record(job_id, entry);
					jobs.push((job_id, phase));
				}
			}
			self.tips.send_replace(Some(Tip { number, hash: block.hash() }));
			// Nobody listening is fine.
			let _ = self.news.send(BlockNews { block: number, jobs });
		}
		anyhow::bail!("the finalized block stream ended")
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::runtime::infera::runtime_types::bounded_collections::bounded_vec::BoundedVec;

	#[test]
	fn a_submission_is_one_step_and_an_assignment_per_provider_drawn() {
		let (alice, bob) = (AccountId32([1; 32]), AccountId32([2; 32]));
		let submitted = JobEvent::JobSubmitted {
			job_id: 7,
			user: alice.clone(),
			model: 0,
			providers: BoundedVec(vec![alice.clone(), bob.clone()]),
			price: 1,
			input_hash: [0; 32],
			deadline: 9,
		};
		assert_eq!(
			steps(submitted),
			vec![
				(7, Phase::Submitted, None),
				(7, Phase::Assigned, Some(alice)),
				(7, Phase::Assigned, Some(bob.clone())),
			]
		);
		let committed = JobEvent::ResultCommitted { job_id: 7, provider: bob.clone() };
		assert_eq!(steps(committed), vec![(7, Phase::Committed, Some(bob))]);
		assert_eq!(steps(JobEvent::JobCancelled { job_id: 7 }), vec![(7, Phase::Cancelled, None)]);
		assert_eq!(steps(JobEvent::JobExpired { job_id: 7 }), Vec::new());
	}
}
