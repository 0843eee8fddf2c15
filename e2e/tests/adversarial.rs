//! The security model's attacks, against real nodes, real libtorch workers and real off-chain
//! workers. Each test asserts the property it attacks and ends with the balance audit
//! ([`market::audit`]).
//!
//! - A user sends an input no model can answer (an f32 image full of NaN), at redundancy 1 and
//!   3: every worker signs a refusal, the job ends `Refused`, the user pays and no provider
//!   loses stake (it used to fail with `NoAnswers` and slash every provider 1%).
//! - A user front-runs the answer of a redundancy-1 job with a cancel in the very block of the
//!   submission: the cancel only takes effect after its grace, the answer lands first, the job
//!   completes and the user pays (it used to be refunded in full, answer or not).
//! - A provider's answer is sent again after the first one landed (a busy pool's resend, or a
//!   second node of the same provider): it is not a valid transaction, so the pool refuses it,
//!   no block can include it and its provider pays nothing (it used to fail `AlreadyCommitted`
//!   in a block and pay its full fee).
//! - Governance sets a commit period of 0 and a 100% slash: both are refused; a job keeps the
//!   slash it was submitted under when a vote changes it.
//! - A front-runner registers a provider's worker key with the provider's proof of possession:
//!   refused (`BadWorkerKeyProof`), since the proof signs the provider's account.
//! - A sybil provider reveals garbage (a `--faulty` worker) at redundancy 2: the split goes to
//!   the one honest provider left as arbitrator instead of refunding; the user pays and gets
//!   libtorch's answer, the honest side is paid the price and the sybil's slash. At
//!   redundancy 3 the honest majority outvotes it directly.
//! - A `--faulty` provider holding most of the stake answers over a hundred redundancy-1 jobs:
//!   audits catch it on about the audit rate of them (a binomial band), each catch goes to
//!   arbitration and costs it 10% of its stake, and the honest providers lose nothing.
//! - A user times its submissions to land on a provider of its choice, using the draw it can
//!   compute before its job is included: the draw is seeded by the VRF output of the including
//!   block, so its picks hit that provider no more often than chance, while the draw recomputed
//!   from the including block's VRF output matches the chain's every time.

use anyhow::{ensure, Context, Result};
use infera_client::runtime::infera::runtime_types::{
	infera_runtime::governance::parameters::{dynamic_params::market as param, RuntimeParameters},
	sp_arithmetic::per_things::Perbill,
};
use infera_client::{chain, runtime::infera};
use infera_e2e::{
	market::{self, job_price, keypair, Digits, JobExt, JobStatus, AUTHOR_FEE, BOND, MODEL, PRICE},
	network::DevMarket,
	Client, Node,
};
use infera_primitives::{fees, job::FailureReason, market::MarketParameters, ModelId};
use std::time::Duration;
use subxt::rpcs::{rpc_params, RpcClient};
use subxt_signer::sr25519::Keypair;

/// A digits input (f32, 1×8×8) full of NaN: the model's output is not finite.
fn nan_input() -> Vec<u8> {
	f32::NAN.to_le_bytes().repeat(64)
}

/// The stakes of `providers`, in order.
async fn stakes(client: &Client, providers: &[[u8; 32]]) -> Result<Vec<u128>> {
	let mut out = Vec::new();
	for p in providers {
		out.push(market::bonded(client, *p).await?);
	}
	Ok(out)
}

/// Submits one job for `input` at `redundancy`, waits until it settles, and returns its final
/// status with the submission's fee.
async fn run_one(
	client: &Client,
	user: &Keypair,
	model: u128,
	input: Vec<u8>,
	redundancy: u32,
) -> Result<(u64, JobStatus, u128)> {
	let price = job_price(redundancy as u128);
	let job =
		market::submit_jobs(client, user, model, &[input], redundancy, price).await?.remove(0);
	let settled =
		market::wait_until_settled(client, &[job.job_id], Duration::from_secs(120)).await?;
	Ok((job.job_id, settled[&job.job_id].status, job.fee))
}

#[tokio::test]
async fn unanswerable_inputs_and_cancel_races_cost_honest_providers_nothing() -> Result<()> {
	let digits = Digits::load()?;
	let expected = digits.expected_top1(MODEL)?;
	let market = DevMarket::start("dev-adversarial", &digits, BOND, PRICE).await?;
	let (client, model, providers) = (&market.client, market.model, market.providers());
	let charlie = keypair("//Charlie")?;
	let user = charlie.public_key().0;

	// 1. NaN at redundancy 1 and 3: refused, paid, nobody slashed.
	for redundancy in [1u32, 3] {
		let stakes_before = stakes(client, &providers).await?;
		let before = market::free_balances(client, &providers).await?;
		let user_before = market::free_balance(client, user).await?;
		let (id, status, fee) = run_one(client, &charlie, model, nan_input(), redundancy).await?;
		ensure!(
			matches!(status, JobStatus::Refused { .. }),
			"NaN job {id} at r={redundancy} ended {status:?}"
		);
		ensure!(
			stakes(client, &providers).await? == stakes_before,
			"an honest provider lost stake to an unanswerable input at r={redundancy}"
		);
		let after = market::free_balances(client, &providers).await?;
		let earned: u128 = after.iter().zip(&before).map(|(a, b)| a - b).sum();
		ensure!(
			earned == redundancy as u128 * PRICE,
			"providers earned {earned} at r={redundancy}"
		);
		let paid = user_before - market::free_balance(client, user).await?;
		ensure!(paid == job_price(redundancy as u128) + fee, "the user paid {paid}");
		println!("r={redundancy}: a NaN input was refused by signed vote; no provider slashed");
	}

	// 2. Cancel front-running the answer: submission and cancel in the same block.
	let next_id = next_job_id(client).await?;
	let nonce = market::nonce(client, user).await?;
	let submit = market::submit_job_call(model, &digits.inputs[0], job_price(1), 1);
	let cancel = infera::tx().job_escrow().cancel_job(next_id);
	let user_before = market::free_balance(client, user).await?;
	let (submitted, cancelled) = tokio::try_join!(
		market::submit(client, &charlie, &submit, Some(nonce)),
		market::submit(client, &charlie, &cancel, Some(nonce + 1)),
	)?;
	market::event::<infera::job_escrow::events::CancelRequested>(&cancelled)?;
	let fees = market::fee_paid(&submitted)? + market::fee_paid(&cancelled)?;
	market::assert_completed_with(client, &[next_id], &expected[..1], Duration::from_secs(60))
		.await?;
	let paid = user_before - market::free_balance(client, user).await?;
	ensure!(paid == job_price(1) + fees, "the user got an answer for {paid}, not the price");
	println!("a cancel sent with the submission did not beat the answer: the user paid");

	// 3. The answer sent again, after the first landed (a busy pool's resend, a second node):
	// not a valid transaction, so no block includes it and it costs its provider nothing.
	let job = market::job(client, next_id).await?.context("the answered job")?;
	let answered_by = job.providers()[0];
	let site = market
		.sites
		.iter()
		.find(|site| site.key.public_key().0 == answered_by)
		.context("the answering provider's site")?;
	let before = market::free_balance(client, answered_by).await?;
	let again = infera::tx().job_escrow().commit_result(next_id, [7u8; 32]);
	let refused = market::submit(client, &site.key, &again, None).await;
	let error = refused.err().context("a duplicate answer was accepted")?;
	let reason = market::pool_refusal(&error);
	ensure!(
		reason.as_deref() == Some("Transaction is outdated"),
		"the duplicate answer failed otherwise ({reason:?}): {error:#}"
	);
	ensure!(
		market::free_balance(client, answered_by).await? == before,
		"the duplicate answer cost its provider a fee"
	);
	let reason = reason.unwrap_or_default();
	println!("an answer sent twice was refused by the pool ({reason}); its provider paid nothing");

	println!("{:?}", market::audit(client).await?);
	drop(market);
	Ok(())
}

/// `JobEscrow.NextJobId`.
async fn next_job_id(client: &Client) -> Result<u64> {
	let at = client.at_current_block().await?;
	let address = infera::storage().job_escrow().next_job_id();
	Ok(at.storage().try_fetch(address, ()).await?.map(|v| v.decode()).transpose()?.unwrap_or(0))
}

/// The parameters in force, as `market_parameters` reports them.
async fn parameters(node: &Node) -> Result<MarketParameters<u128, u32>> {
	let rpc = RpcClient::from_insecure_url(node.ws_url()).await?;
	Ok(rpc.request("market_parameters", rpc_params![]).await?)
}

#[tokio::test]
async fn governance_cannot_break_the_market_and_open_jobs_keep_their_terms() -> Result<()> {
	let digits = Digits::load()?;
	let mut node = Node::spawn("dev-bounds", &["--dev"])?;
	let node = &mut node;
	let client = node.client(Duration::from_secs(180)).await?;
	let (alice, bob, charlie) = (keypair("//Alice")?, keypair("//Bob")?, keypair("//Charlie")?);

	// Out of bounds: a commit period of 0 or 1 block, a 100% slash. The chain cannot even
	// decode such a call.
	use param::Parameters as P;
	for (what, parameter) in [
		("a commit period of 0", P::CommitPeriod(param::CommitPeriod, Some(0))),
		("a commit period of 1", P::CommitPeriod(param::CommitPeriod, Some(1))),
		(
			"a 100% timeout slash",
			P::TimeoutSlash(param::TimeoutSlash, Some(Perbill(1_000_000_000))),
		),
		(
			"a 60% wrong-result slash",
			P::WrongResultSlash(param::WrongResultSlash, Some(Perbill(600_000_000))),
		),
		("a minimum stake of 0", P::MinProviderStake(param::MinProviderStake, Some(0))),
		("an unbonding period of 0", P::UnbondingPeriod(param::UnbondingPeriod, Some(0))),
	] {
		let call = market::sudo_set_parameter(RuntimeParameters::Market(parameter));
		let refused = market::submit(&client, &alice, &call, None).await;
		let refused = refused.err().with_context(|| format!("sudo set {what}: accepted"))?;
		println!("sudo set {what}: refused ({refused:#})");
	}
	ensure!(parameters(node).await?.commit_period == 30, "the commit period changed");

	// A job submitted under a 1% timeout slash keeps it when a vote raises it to 50%.
	let model = market::register_digits_model(&client, &bob, &digits, MODEL, AUTHOR_FEE).await?;
	let dave = keypair("//Dave")?;
	let terms = market::ProviderTerms {
		bond: BOND,
		worker: keypair("//DaveWorker")?,
		model,
		capacity: 4,
		price: PRICE,
	};
	// Eve front-runs Dave's registration with Dave's worker key and Dave's proof: refused, the
	// proof names Dave's account. Dave then registers his key.
	let eve = keypair("//Eve")?;
	let stolen = infera::tx().provider_staking().register_provider(
		BOND,
		terms.worker.public_key().0,
		market::worker_key_proof(&client, &dave, &terms.worker),
		vec![model as ModelId],
		4,
		PRICE,
	);
	let refused = market::submit(&client, &eve, &stolen, None).await;
	let refused = format!("{:#}", refused.err().context("Eve registered Dave's worker key")?);
	ensure!(refused.contains("BadWorkerKeyProof"), "front-run refused with: {refused}");
	market::register_provider(&client, &dave, &terms).await?;
	let job = market::submit_jobs(&client, &charlie, model, &digits.inputs[..1], 1, job_price(1))
		.await?
		.remove(0);
	let events =
		market::submit(&client, &alice, &market::sudo_set("timeout-slash", "50%")?, None).await?;
	market::event::<infera::parameters::events::Updated>(&events)?;
	let slash = parameters(node).await?.timeout_slash;
	ensure!(slash == fees::Perbill::from_percent(50), "the new slash is in force, not {slash:?}");
	let stake = market::bonded(&client, dave.public_key().0).await?;
	// Nobody serves Dave's worker key: the job times out at its deadline.
	let settled =
		market::wait_until_settled(&client, &[job.job_id], Duration::from_secs(90)).await?;
	let status = settled[&job.job_id].status;
	ensure!(
		matches!(status, JobStatus::Failed { reason: FailureReason::NoAnswers, .. }),
		"job ended {status:?}, not failed for want of answers"
	);
	let slashed = stake - market::bonded(&client, dave.public_key().0).await?;
	ensure!(slashed == stake / 100, "Dave was slashed {slashed} of {stake}, not the job's 1%");
	println!("a job kept its 1% timeout slash after a vote set 50%");
	println!("{:?}", market::audit(&client).await?);
	Ok(())
}

#[tokio::test]
async fn a_sybil_revealing_garbage_loses_to_arbitration_and_the_user_pays() -> Result<()> {
	/// Jobs at redundancy 2: each includes the sybil with probability 2/3, so all eight miss
	/// it with probability (1/3)^8 < 0.02%.
	const JOBS: usize = 8;
	let digits = Digits::load()?;
	let expected = digits.expected_top1(MODEL)?;
	let mut market = DevMarket::start("dev-arbitration", &digits, BOND, PRICE).await?;
	// Ferdie is the sybil: its worker perturbs every output (validly signed garbage).
	market.sites[2].replace_worker(Some(&["--faulty"])).await?;
	let (client, model, providers) = (&market.client, market.model, market.providers());
	let (honest, sybil) = ([providers[0], providers[1]], providers[2]);
	let charlie = keypair("//Charlie")?;
	let user = charlie.public_key().0;
	let stakes_before = stakes(client, &providers).await?;
	let honest_before = market::free_balances(client, &honest).await?;
	let user_before = market::free_balance(client, user).await?;

	let jobs =
		market::submit_jobs(client, &charlie, model, &digits.inputs[..JOBS], 2, job_price(2))
			.await?;
	let ids: Vec<u64> = jobs.iter().map(|j| j.job_id).collect();
	let settled = market::wait_until_settled(client, &ids, Duration::from_secs(240)).await?;
	let mut arbitrated = 0u128;
	for (i, id) in ids.iter().enumerate() {
		let job = &settled[id];
		ensure!(job.completed(), "job {id} ended {:?} instead of Completed", job.status);
		let class = market::result_class(client, *id).await?;
		ensure!(class == expected[i], "job {id}: chain says {class}, libtorch {}", expected[i]);
		if job.providers().contains(&sybil) {
			// The sybil split the job: the one provider outside it arbitrated.
			let outside: Vec<_> = honest.iter().filter(|h| !job.providers().contains(h)).collect();
			ensure!(
				job.arbitrator_ids().iter().collect::<Vec<_>>() == outside,
				"job {id}: arbitrators {:?}, expected the honest provider outside the job",
				job.arbitrators
			);
			arbitrated += 1;
		} else {
			ensure!(job.arbitrators.is_empty(), "job {id} went to arbitration without a split");
		}
	}
	ensure!(arbitrated > 0, "the sybil was drawn for none of {JOBS} jobs");
	market::print_latency("r=2, a third of the seats held by a sybil", settled.values())?;

	// The honest providers lost nothing and were paid every price and the sybil's slashes;
	// the slashes of an arbitrated job are split between its two winners (a remainder of at
	// most one unit per job goes to the treasury).
	let stakes_after = stakes(client, &providers).await?;
	ensure!(stakes_after[..2] == stakes_before[..2], "an honest provider lost stake");
	let slashed = stakes_before[2] - stakes_after[2];
	ensure!(slashed > 0, "the sybil was not slashed");
	let earned: u128 = market::free_balances(client, &honest)
		.await?
		.iter()
		.zip(&honest_before)
		.map(|(after, before)| after - before)
		.sum();
	let due = 2 * PRICE * JOBS as u128 + slashed;
	ensure!(
		earned <= due && earned + arbitrated >= due,
		"honest providers earned {earned}, due {due} (less at most {arbitrated} of remainders)"
	);
	let paid = user_before - market::free_balance(client, user).await?;
	let fees: u128 = jobs.iter().map(|j| j.fee).sum();
	ensure!(paid == JOBS as u128 * job_price(2) + fees, "the user paid {paid}");
	println!(
		"r=2: {arbitrated} of {JOBS} jobs split by the sybil went to arbitration; the user paid \
		 every job, the honest side earned {earned} (the sybil lost {slashed})"
	);

	// At redundancy 3 the two honest providers outvote the sybil directly.
	let stake = market::bonded(client, sybil).await?;
	let (id, status, _) = run_one(client, &charlie, model, digits.inputs[JOBS].clone(), 3).await?;
	ensure!(matches!(status, JobStatus::Completed { .. }), "r=3 job {id} ended {status:?}");
	ensure!(market::result_class(client, id).await? == expected[JOBS], "r=3 job {id} answer");
	let view = market::job(client, id).await?.context("r=3 job")?;
	ensure!(view.arbitrators.is_empty(), "an honest majority needs no arbitration");
	ensure!(market::bonded(client, sybil).await? == stake - stake / 10, "r=3 wrong-result slash");
	ensure!(stakes(client, &honest).await? == stakes_before[..2], "honest stake at r=3");
	println!("r=3: the honest majority outvoted the sybil, which lost 10% of its stake");

	println!("{:?}", market::audit(client).await?);
	drop(market);
	Ok(())
}

/// `Babe.AuthorVrfRandomness` at block `number`: the VRF output of that block.
async fn block_vrf(client: &Client, number: u64) -> Result<[u8; 32]> {
	let at = client.at_block(number).await?;
	let address = infera::storage().babe().author_vrf_randomness();
	at.storage()
		.try_fetch(address, ())
		.await?
		.map(|v| v.decode())
		.transpose()?
		.flatten()
		.with_context(|| format!("block {number} has no VRF output"))
}

/// The providers of `model` in the order the chain draws from, with their bonded stakes, at
/// block `number`.
async fn draw_pool(client: &Client, model: u128, number: u64) -> Result<Vec<([u8; 32], u128)>> {
	let at = client.at_block(number).await?;
	let providers = at
		.storage()
		.try_fetch(infera::storage().provider_staking().model_providers(), (model as ModelId,))
		.await?
		.context("model has no providers")?
		.decode()?;
	let mut pool = Vec::new();
	for who in providers.0 {
		let ledger = chain::ledger_at(&at, &who).await?.context("ledger")?;
		pool.push((who.0, ledger.bonded));
	}
	Ok(pool)
}

/// The provider the chain's draw picks for redundancy-1 job `job_id` from `pool` when the
/// randomness source gives `vrf` (`BlockVrfRandomness`: `blake2_256(subject ‖ vrf)`).
fn predicted_provider(vrf: [u8; 32], job_id: u64, pool: &[([u8; 32], u128)]) -> Result<[u8; 32]> {
	use infera_primitives::draw;
	let mut material = draw::subject(draw::ASSIGN_SUBJECT, job_id);
	material.extend_from_slice(&vrf);
	let seed = infera_primitives::digest(&material);
	let stakes: Vec<u128> = pool.iter().map(|(_, stake)| *stake).collect();
	let index = *draw::draw(&seed, &stakes, 1).first().context("empty pool")?;
	Ok(pool[index].0)
}

/// `P(Binomial(n, p) = k)`.
fn binomial_pmf(n: u64, p: f64, k: u64) -> f64 {
	let ln_choose: f64 = (1..=k).map(|i| ((n - k + i) as f64 / i as f64).ln()).sum();
	(ln_choose + k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln()).exp()
}

/// The largest `k` with `P(Binomial(n, p) >= k) > tail`: more than that many successes is
/// evidence of better than chance.
fn binomial_upper(n: u64, p: f64, tail: f64) -> u64 {
	let mut above = 0.0;
	for k in (0..=n).rev() {
		above += binomial_pmf(n, p, k);
		if above > tail {
			return k;
		}
	}
	0
}

#[tokio::test]
async fn a_user_who_times_submissions_does_no_better_than_chance() -> Result<()> {
	/// Redundancy-1 jobs, submitted in batches of five (so no provider fills its 16 slots and
	/// the pool stays the one read before each block).
	const JOBS: usize = 60;
	const BATCH: usize = 5;
	let digits = Digits::load()?;
	let market = DevMarket::start("dev-draw", &digits, BOND, PRICE).await?;
	let (client, model) = (&market.client, market.model);
	let victim = market.providers()[0];
	let charlie = keypair("//Charlie")?;
	let mut ids = Vec::new();
	for batch in digits.inputs[..JOBS].chunks(BATCH) {
		let jobs = market::submit_jobs(client, &charlie, model, batch, 1, job_price(1)).await?;
		ids.extend(jobs.iter().map(|j| j.job_id));
	}
	market::wait_until_settled(client, &ids, Duration::from_secs(180)).await?;

	// What the user could compute before inclusion (the parent block's VRF output, the seed
	// of `ParentBlockRandomness` or of any parent-derived source) against what happened.
	let (mut chose_victim, mut landed_on_victim) = (0u64, 0u64);
	for id in &ids {
		let job = market::job(client, *id).await?.context("job record")?;
		let block = u64::from(job.submitted_at);
		let pool = draw_pool(client, model, block - 1).await?;
		let actual = *job.providers().first().context("job without provider")?;
		let replayed = predicted_provider(block_vrf(client, block).await?, *id, &pool)?;
		ensure!(replayed == actual, "job {id}: the draw from its block's VRF is not the chain's");
		let foreseen = predicted_provider(block_vrf(client, block - 1).await?, *id, &pool)?;
		if foreseen == victim {
			chose_victim += 1;
			landed_on_victim += u64::from(actual == victim);
		}
	}
	// A user submitting only when its foresight says "victim" picks these jobs; with a
	// parent-derived seed all of them would land on the victim.
	let share = 1.0 / market.providers().len() as f64;
	let upper = binomial_upper(chose_victim, share, 1e-4);
	ensure!(chose_victim >= 8, "only {chose_victim} of {JOBS} jobs were foreseen on the victim");
	ensure!(
		landed_on_victim <= upper,
		"{landed_on_victim} of {chose_victim} timed jobs hit the victim (chance allows {upper})"
	);
	println!(
		"the chain's draw replayed from each including block's VRF output: {JOBS} of {JOBS}; \
		 jobs a user would have timed onto the victim: {chose_victim}, of which \
		 {landed_on_victim} landed there (chance: {:.1}, at most {upper} at p = 1e-4)",
		chose_victim as f64 * share
	);
	println!("{:?}", market::audit(client).await?);
	drop(market);
	Ok(())
}

/// Bonds `extra` more for `provider`.
async fn bond_more(client: &Client, provider: &Keypair, extra: u128) -> Result<()> {
	let call = infera::tx().provider_staking().bond_extra(extra);
	market::submit(client, provider, &call, None).await?;
	Ok(())
}

/// The smallest `k` with `P(Binomial(n, p) <= k) > tail`.
fn binomial_lower(n: u64, p: f64, tail: f64) -> u64 {
	let mut below = 0.0;
	for k in 0..=n {
		below += binomial_pmf(n, p, k);
		if below > tail {
			return k;
		}
	}
	n
}

#[tokio::test]
async fn audits_catch_a_cheater_at_redundancy_one_about_the_audit_rate_of_times() -> Result<()> {
	/// Jobs per batch (all in flight at once, well within every provider's 16 slots).
	const BATCH: usize = 8;
	/// The cheater must answer at least this many jobs.
	const CHEATED: usize = 100;
	let digits = Digits::load()?;
	let expected = digits.expected_top1(MODEL)?;
	let mut market = DevMarket::start("dev-audit", &digits, BOND, PRICE).await?;
	// Ferdie cheats on every answer and holds ten times the others' stake, so it is drawn for
	// about five jobs in six.
	market.sites[2].replace_worker(Some(&["--faulty"])).await?;
	let (client, model, providers) = (&market.client, market.model, market.providers());
	let cheater = providers[2];
	bond_more(client, &market.sites[2].key, 9 * BOND).await?;
	let honest_before = stakes(client, &providers[..2]).await?;
	let charlie = keypair("//Charlie")?;

	let mut settled = std::collections::BTreeMap::new();
	let mut inputs = digits.inputs.iter().cycle().enumerate();
	let cheated = |settled: &std::collections::BTreeMap<u64, (usize, market::Job)>| {
		settled.values().filter(|(_, j)| j.providers().first() == Some(&cheater)).count()
	};
	while cheated(&settled) < CHEATED {
		let batch: Vec<(usize, Vec<u8>)> = inputs
			.by_ref()
			.take(BATCH)
			.map(|(i, x)| (i % digits.inputs.len(), x.clone()))
			.collect();
		let batch_inputs: Vec<Vec<u8>> = batch.iter().map(|(_, x)| x.clone()).collect();
		let jobs =
			market::submit_jobs(client, &charlie, model, &batch_inputs, 1, job_price(1)).await?;
		let ids: Vec<u64> = jobs.iter().map(|j| j.job_id).collect();
		let views = market::wait_until_settled(client, &ids, Duration::from_secs(240)).await?;
		for ((index, _), id) in batch.iter().zip(&ids) {
			settled.insert(*id, (*index, market::job(client, *id).await?.context("job")?));
			ensure!(views[id].completed(), "job {id} ended {:?}", views[id].status);
		}
	}

	// Every audit of the cheater went to arbitration and ended with libtorch's answer.
	let (mut caught, mut cheater_jobs) = (0u64, 0u64);
	for (id, (index, job)) in &settled {
		if job.providers().first() != Some(&cheater) {
			continue;
		}
		cheater_jobs += 1;
		if job.audited {
			caught += 1;
			ensure!(!job.arbitrators.is_empty(), "audited job {id} was not arbitrated");
			let class = market::result_class(client, *id).await?;
			ensure!(class == expected[*index], "audited job {id}: {class}, not libtorch's");
		}
	}
	let rate = infera_primitives::params::DEFAULT_AUDIT_PERCENT as f64 / 100.0;
	let (low, high) =
		(binomial_lower(cheater_jobs, rate, 1e-4), binomial_upper(cheater_jobs, rate, 1e-4));
	ensure!(
		(low..=high).contains(&caught),
		"{caught} of {cheater_jobs} cheated jobs audited; chance allows {low}..={high}"
	);
	// Each catch cost the cheater 10% of its stake: as the audited provider, and as the
	// auditor of an honest provider's job (its garbage disagrees there too, and arbitration
	// sides with the honest one). The honest providers lost nothing.
	let catches =
		settled.values().filter(|(_, j)| j.audited && j.providers().contains(&cheater)).count();
	let mut stake = 10 * BOND;
	for _ in 0..catches {
		stake -= stake / 10;
	}
	ensure!(market::bonded(client, cheater).await? == stake, "the cheater's stake");
	ensure!(
		stakes(client, &providers[..2]).await? == honest_before,
		"an honest provider lost stake"
	);
	let unaudited: Vec<&market::Job> =
		settled.values().map(|(_, j)| j).filter(|j| !j.audited).collect();
	market::print_latency("r=1, not audited", unaudited.iter().copied())?;
	let audited: Vec<&market::Job> =
		settled.values().map(|(_, j)| j).filter(|j| j.audited).collect();
	if !audited.is_empty() {
		market::print_latency("r=1, audited (audit and arbitration)", audited.iter().copied())?;
	}
	println!(
		"a cheater answering {cheater_jobs} redundancy-1 jobs was audited {caught} times \
		 (expected {:.1}, band {low}..={high}); with {} catches as an auditor it lost 10% of its \
		 stake {catches} times",
		cheater_jobs as f64 * rate,
		catches as u64 - caught
	);
	println!("{:?}", market::audit(client).await?);
	drop(market);
	Ok(())
}
