//! Load and latency measurement: many accounts submit pre-signed `submit_job` extrinsics as fast
//! as the node takes them (`author_submitExtrinsic` over several connections), then the tool
//! follows finalized blocks until every accepted submission is included, and reads each job's
//! record until it settles.
//!
//! Reported: submissions per second accepted by the node's pool, submissions per second
//! included in blocks (and the most in one block), the distribution of blocks from a job's
//! inclusion to its settlement under that load, and how many jobs the chain's benchmarked
//! weights let into one block. `infera-load` is the command-line front end;
//! `e2e/tests/load.rs` runs a small load against a dev node.

use crate::{
	market::{self, keypair},
	Client,
};
use anyhow::{bail, Context, Result};
use futures::{stream, StreamExt};
use infera_client::runtime::infera::{
	self, job_escrow::Event as JobEvent, system::Event as SystemEvent,
};
use std::{
	collections::{BTreeMap, BTreeSet},
	time::{Duration, Instant},
};
use subxt::{
	config::substrate::SubstrateExtrinsicParamsBuilder,
	events::Phase,
	rpcs::{rpc_params, RpcClient},
	utils::{AccountId32, MultiAddress},
	SubstrateConfig,
};
use subxt_signer::sr25519::Keypair;

/// What to send.
#[derive(Clone, Debug)]
pub struct LoadConfig {
	/// The node's WebSocket URL.
	pub url: String,
	/// Model the jobs are for.
	pub model: u128,
	/// Inputs, used round robin.
	pub inputs: Vec<Vec<u8>>,
	/// Number of jobs.
	pub jobs: usize,
	/// Number of sending accounts (`//Load0`, `//Load1`, …, funded by `//Alice`).
	pub senders: usize,
	/// Redundancy of every job.
	pub redundancy: u32,
	/// Most a job may cost.
	pub max_price: u128,
	/// WebSocket connections the submissions are spread over.
	pub connections: usize,
	/// How long to wait for inclusion and settlement.
	pub timeout: Duration,
}

/// What was measured.
#[derive(Clone, Debug, Default)]
pub struct LoadReport {
	/// Extrinsics signed.
	pub signed: usize,
	/// Submissions the pool accepted.
	pub accepted: usize,
	/// Submissions the pool refused, with the first error.
	pub refused: usize,
	/// The first refusal's message.
	pub first_refusal: Option<String>,
	/// Seconds from the first submission to the last pool answer.
	pub submit_secs: f64,
	/// Jobs included (a `JobSubmitted` event from one of the senders).
	pub included: usize,
	/// Seconds from the first submission to the last inclusion seen (finalized).
	pub include_secs: f64,
	/// Blocks that included jobs, and the most jobs in one block.
	pub blocks: usize,
	/// Most jobs included in one block.
	pub max_per_block: usize,
	/// Jobs settled as completed.
	pub completed: usize,
	/// Jobs settled otherwise (failed: refunded).
	pub failed: usize,
	/// Jobs still open when the timeout passed.
	pub open: usize,
	/// Settled jobs whose settlement came later than one block after their last deadline
	/// (property: none).
	pub late: usize,
	/// The largest settlement block minus last deadline over settled jobs (negative: every
	/// job settled before its deadline).
	pub max_overrun: Option<i64>,
	/// The longest run of consecutive blocks each filled to [`FULL_BLOCK_PERCENT`] of the
	/// jobs its weight allows.
	pub sustained: u64,
	/// Blocks from inclusion to settlement of settled jobs, sorted.
	pub latency_blocks: Vec<u64>,
	/// What the chain's weights allow for these jobs.
	pub capacity: WeightCapacity,
}

/// How many of the jobs sent the chain's weights let into a block, read from the chain itself:
/// the weight an included job actually counted (`System.ExtrinsicSuccess`: the benchmarked
/// `submit_job` weight for its input size, redundancy and candidate providers, after the call's
/// refund of what it did not use) and the block limits of `System.BlockWeights`.
#[derive(Clone, Debug, Default)]
pub struct WeightCapacity {
	/// Ref time (ps) one job extrinsic counts against the block: its call's actual weight plus
	/// the base weight of every extrinsic.
	pub job_ps: u64,
	/// Ref time (ps) normal-class extrinsics may fill in one block.
	pub normal_block_ps: u64,
	/// Ref time (ps) of a whole block.
	pub block_ps: u64,
}

impl WeightCapacity {
	/// Jobs that fit in one block of this chain.
	pub fn per_block(&self) -> u64 {
		self.normal_block_ps / self.job_ps.max(1)
	}

	/// Jobs that fit in a block of two seconds of weight (Substrate's usual block weight) with
	/// this chain's normal-class share: the unit our throughput target is stated in.
	pub fn per_two_second_block(&self) -> u64 {
		let normal_share = self.normal_block_ps as f64 / self.block_ps.max(1) as f64;
		(2e12 * normal_share / self.job_ps.max(1) as f64) as u64
	}
}

/// The [`WeightCapacity`] for jobs whose call actually weighed `call_ps`.
async fn weight_capacity(client: &Client, call_ps: u64) -> Result<WeightCapacity> {
	let at = client.at_current_block().await?;
	let weights = at.constants().entry(infera::constants().system().block_weights())?;
	let normal = weights.per_class.normal;
	Ok(WeightCapacity {
		job_ps: call_ps + normal.base_extrinsic.ref_time,
		normal_block_ps: normal.max_total.context("the normal class has no maximum")?.ref_time,
		block_ps: weights.max_block.ref_time,
	})
}

impl LoadReport {
	/// Submissions per second accepted by the pool.
	pub fn accepted_per_sec(&self) -> f64 {
		self.accepted as f64 / self.submit_secs.max(1e-9)
	}

	/// Jobs per second included in blocks.
	pub fn included_per_sec(&self) -> f64 {
		self.included as f64 / self.include_secs.max(1e-9)
	}

	/// Latency quantile `q` in blocks (0 when nothing settled).
	pub fn latency(&self, q: f64) -> u64 {
		if self.latency_blocks.is_empty() {
			return 0;
		}
		let i = ((self.latency_blocks.len() - 1) as f64 * q).round() as usize;
		self.latency_blocks[i]
	}
}

impl std::fmt::Display for LoadReport {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		writeln!(
			f,
			"submitted {} signed jobs: {} accepted, {} refused{} in {:.2} s = {:.0} accepted/s",
			self.signed,
			self.accepted,
			self.refused,
			self.first_refusal.as_ref().map(|e| format!(" (first: {e})")).unwrap_or_default(),
			self.submit_secs,
			self.accepted_per_sec()
		)?;
		writeln!(
			f,
			"included {} jobs in {} blocks within {:.2} s = {:.0} included/s (most in one block: {})",
			self.included,
			self.blocks,
			self.include_secs,
			self.included_per_sec(),
			self.max_per_block
		)?;
		write!(
			f,
			"settled: {} completed, {} failed (refunded), {} open; inclusion-to-result latency \
			 (blocks): p50 {} p95 {} p99 {} max {}",
			self.completed,
			self.failed,
			self.open,
			self.latency(0.5),
			self.latency(0.95),
			self.latency(0.99),
			self.latency(1.0)
		)?;
		write!(
			f,
			"\ndeadlines: {} jobs settled later than deadline + 1 block (latest settlement: \
			 deadline {:+}); {} consecutive blocks at >= {FULL_BLOCK_PERCENT}% of the jobs their \
			 weight allows",
			self.late,
			self.max_overrun.unwrap_or(0),
			self.sustained
		)?;
		let c = &self.capacity;
		write!(
			f,
			"\nweights: one job counts {:.1} µs against the block ({:.1} ms for normal \
			 transactions in a block of {:.1} ms): {} jobs per block; {} per 2-second block",
			c.job_ps as f64 / 1e6,
			c.normal_block_ps as f64 / 1e9,
			c.block_ps as f64 / 1e9,
			c.per_block(),
			c.per_two_second_block()
		)
	}
}

/// The load senders' keys: `//Load0` … `//Load{n-1}`.
pub fn senders(n: usize) -> Result<Vec<Keypair>> {
	(0..n).map(|i| keypair(&format!("//Load{i}"))).collect()
}

/// Gives every sender `amount` from `//Alice` (one transfer each, consecutive nonces) unless it
/// has that much already.
pub async fn fund_senders(client: &Client, senders: &[Keypair], amount: u128) -> Result<()> {
	let alice = keypair("//Alice")?;
	let mut nonce = market::nonce(client, alice.public_key().0).await?;
	let mut transfers = Vec::new();
	for sender in senders {
		let account = sender.public_key().0;
		if market::free_balance(client, account).await.unwrap_or(0) >= amount {
			continue;
		}
		let dest = MultiAddress::Id(AccountId32(account));
		let call = infera::tx().balances().transfer_keep_alive(dest, amount);
		transfers.push((call, nonce));
		nonce += 1;
	}
	let sends = transfers.iter().map(|(call, n)| market::submit(client, &alice, call, Some(*n)));
	futures::future::try_join_all(sends).await?;
	Ok(())
}

/// Sets the timeout and wrong-result slashes to zero with `//Alice`'s sudo (dev chains), so
/// that a provider which cannot answer at the weight-limited maximum (its answers compete with
/// the submissions for block space) stays bonded and online, and the load stays at that
/// maximum for the whole run instead of ending when the provider is slashed out.
pub async fn disable_slashes(client: &Client) -> Result<()> {
	let alice = keypair("//Alice")?;
	for name in ["timeout-slash", "wrong-result-slash"] {
		market::submit(client, &alice, &market::sudo_set(name, "0%")?, None).await?;
	}
	Ok(())
}

/// Signs `config.jobs` `submit_job` extrinsics, round robin over `senders`, each at its next
/// nonce; returns each sender's encoded extrinsics in nonce order.
async fn sign_jobs(
	client: &Client,
	config: &LoadConfig,
	senders: &[Keypair],
) -> Result<Vec<Vec<Vec<u8>>>> {
	let at = client.at_current_block().await?;
	let mut nonces = Vec::new();
	for sender in senders {
		nonces.push(market::nonce(client, sender.public_key().0).await?);
	}
	let transactions = at.transactions();
	let mut signed = vec![Vec::new(); senders.len()];
	for i in 0..config.jobs {
		let s = i % senders.len();
		let input = &config.inputs[i % config.inputs.len()];
		let call =
			market::submit_job_call(config.model, input, config.max_price, config.redundancy);
		// Immortal: the whole batch is signed before the first is sent.
		let params = SubstrateExtrinsicParamsBuilder::<SubstrateConfig>::new()
			.nonce(nonces[s])
			.immortal()
			.build();
		nonces[s] += 1;
		// Offline: `create_signed` asks the node for the account nonce of every transaction
		// (one runtime call each, which made signing 1 000 jobs take 45 s), though the nonce
		// and mortality are given here.
		let tx = transactions.create_signable_offline(&call, params)?.sign(&senders[s])?;
		signed[s].push(tx.into_encoded());
	}
	Ok(signed)
}

/// Runs the load described by `config` against the node and measures it. `senders` must be
/// funded.
pub async fn run(client: &Client, config: &LoadConfig, senders: &[Keypair]) -> Result<LoadReport> {
	if senders.is_empty() || config.inputs.is_empty() {
		bail!("need at least one sender and one input");
	}
	let signing = Instant::now();
	let signed = sign_jobs(client, config, senders).await?;
	eprintln!(
		"infera-load: signed {} jobs in {:.1} s",
		config.jobs,
		signing.elapsed().as_secs_f64()
	);
	let mut report = LoadReport { signed: signed.iter().map(Vec::len).sum(), ..Default::default() };
	let mut rpcs = Vec::new();
	for _ in 0..config.connections.max(1) {
		rpcs.push(RpcClient::from_insecure_url(&config.url).await?);
	}
	let first_block = client.at_current_block().await?.block_number();

	// Submit everything: every sender at once, each sender's extrinsics one after another, so the
	// pool receives every account's nonces in order (out of order, they would wait in the pool's
	// small future queue, whose overflow it drops silently after accepting them).
	let started = Instant::now();
	let results: Vec<Vec<Result<String, String>>> = stream::iter(signed.iter().enumerate())
		.map(|(s, transactions)| {
			let rpc = &rpcs[s % rpcs.len()];
			async move {
				let mut answers = Vec::with_capacity(transactions.len());
				for tx in transactions {
					let hex = format!("0x{}", hex::encode(tx));
					let answer = rpc.request::<String>("author_submitExtrinsic", rpc_params![hex]);
					answers.push(answer.await.map_err(|e| e.to_string()));
				}
				answers
			}
		})
		.buffer_unordered(signed.len())
		.collect()
		.await;
	report.submit_secs = started.elapsed().as_secs_f64();
	eprintln!("infera-load: sent in {:.1} s; following finalized blocks", report.submit_secs);
	for result in results.into_iter().flatten() {
		match result {
			Ok(_) => report.accepted += 1,
			Err(e) => {
				report.refused += 1;
				report.first_refusal.get_or_insert(e);
			}
		}
	}

	// Follow finalized blocks until every accepted job is included and every included job
	// settled, reading each job's deadlines and settlement from the events.
	let deadline = started + config.timeout;
	let mut ledger = Ledger::default();
	let mut next_block = first_block + 1;
	while !ledger.done(report.accepted) && Instant::now() < deadline {
		let finalized = client.at_current_block().await?.block_number();
		while next_block <= finalized {
			ledger.read_block(client, next_block).await?;
			if ledger.included.len() > report.included {
				report.included = ledger.included.len();
				report.include_secs = started.elapsed().as_secs_f64();
			}
			next_block += 1;
		}
		tokio::time::sleep(Duration::from_millis(200)).await;
	}
	if ledger.job_ps > 0 {
		report.capacity = weight_capacity(client, ledger.job_ps).await?;
	}
	ledger.fill(&mut report);
	Ok(report)
}

/// Share of a block's weight limit that counts a block as full, for [`LoadReport::sustained`]:
/// jobs differ slightly in weight (input size, candidates), so a block at the limit holds a few
/// less than the nominal [`WeightCapacity::per_block`].
pub const FULL_BLOCK_PERCENT: u64 = 90;

/// One job of the load, as its events tell it.
#[derive(Clone, Copy, Debug)]
struct Tracked {
	/// Block that included the submission.
	included: u64,
	/// The latest deadline announced for it (submission, reveal, audit or arbitration).
	deadline: u64,
	/// Block of its settlement event and whether it completed.
	settled: Option<(u64, bool)>,
}

/// The jobs of a load run, followed block by block through their events.
#[derive(Default)]
struct Ledger {
	/// Every job included, by id.
	included: BTreeMap<u64, Tracked>,
	/// Jobs included per block.
	per_block: BTreeMap<u64, usize>,
	/// Largest ref time (ps) a job extrinsic counted.
	job_ps: u64,
}

impl Ledger {
	/// Whether all `accepted` jobs are included and settled.
	fn done(&self, accepted: usize) -> bool {
		self.included.len() >= accepted && self.included.values().all(|t| t.settled.is_some())
	}

	/// Records that job `job_id` settled in block `number`.
	fn settle(&mut self, job_id: u64, number: u64, completed: bool) {
		if let Some(job) = self.included.get_mut(&job_id) {
			job.settled = Some((number, completed));
		}
	}

	/// Reads the events of block `number`.
	async fn read_block(&mut self, client: &Client, number: u64) -> Result<()> {
		let at = client.at_block(number).await?;
		let mut job_extrinsics = BTreeSet::new();
		for event in at.events().fetch().await?.iter() {
			let event = event?;
			let phase = event.phase();
			match (event.decode_as::<infera::Event>()?, phase) {
				// Every job submitted from here on is counted: run the load on a chain that no
				// one else submits jobs to at the same time.
				(
					infera::Event::JobEscrow(JobEvent::JobSubmitted { job_id, deadline, .. }),
					Phase::ApplyExtrinsic(extrinsic),
				) => {
					let tracked =
						Tracked { included: number, deadline: deadline.into(), settled: None };
					self.included.insert(job_id, tracked);
					*self.per_block.entry(number).or_default() += 1;
					job_extrinsics.insert(extrinsic);
				}
				// Emitted after the call's own events: the weight it actually counted.
				(
					infera::Event::System(SystemEvent::ExtrinsicSuccess { dispatch_info }),
					Phase::ApplyExtrinsic(extrinsic),
				) if job_extrinsics.contains(&extrinsic) => {
					self.job_ps = self.job_ps.max(dispatch_info.weight.ref_time);
				}
				(
					infera::Event::JobEscrow(
						JobEvent::RevealOpened { job_id, deadline }
						| JobEvent::AuditOpened { job_id, deadline, .. }
						| JobEvent::ArbitrationOpened { job_id, deadline, .. },
					),
					_,
				) => {
					if let Some(job) = self.included.get_mut(&job_id) {
						job.deadline = deadline.into();
					}
				}
				(infera::Event::JobEscrow(JobEvent::JobCompleted { job_id, .. }), _) => {
					self.settle(job_id, number, true);
				}
				(
					infera::Event::JobEscrow(
						JobEvent::JobRefused { job_id, .. }
						| JobEvent::JobFailed { job_id, .. }
						| JobEvent::JobCancelled { job_id, .. },
					),
					_,
				) => self.settle(job_id, number, false),
				_ => {}
			}
		}
		Ok(())
	}

	/// Writes what the ledger saw into `report` (after its capacity is known).
	fn fill(&self, report: &mut LoadReport) {
		report.blocks = self.per_block.len();
		report.max_per_block = self.per_block.values().copied().max().unwrap_or(0);
		for job in self.included.values() {
			let Some((at, completed)) = job.settled else {
				report.open += 1;
				continue;
			};
			if completed {
				report.completed += 1;
			} else {
				report.failed += 1;
			}
			report.latency_blocks.push(at - job.included);
			let overrun = at as i64 - job.deadline as i64;
			report.max_overrun = Some(report.max_overrun.map_or(overrun, |m| m.max(overrun)));
			if overrun > 1 {
				report.late += 1;
			}
		}
		report.latency_blocks.sort_unstable();
		report.sustained = self.longest_full_run(report.capacity.per_block());
	}

	/// The longest run of consecutive blocks that each included at least
	/// [`FULL_BLOCK_PERCENT`] of `per_block` jobs.
	fn longest_full_run(&self, per_block: u64) -> u64 {
		let full = (per_block * FULL_BLOCK_PERCENT).div_ceil(100).max(1) as usize;
		let (mut longest, mut run, mut previous) = (0u64, 0u64, None::<u64>);
		for (&block, &jobs) in &self.per_block {
			if jobs < full {
				run = 0;
			} else {
				run = if previous == Some(block - 1) { run + 1 } else { 1 };
				longest = longest.max(run);
			}
			previous = Some(block);
		}
		longest
	}
}
