//! Redundancy 3 end to end: a dev chain (Alice authoring) and three provider nodes (Dave, Eve,
//! Ferdie), each with its provider key inserted by `infera-node key insert` and its own
//! libtorch worker. Charlie pays for digit classifications; Bob authored the model.
//!
//! 1. All three workers are honest: every job completes with libtorch's answer, by commit and
//!    reveal, and each provider is paid its price.
//! 2. Ferdie's worker is replaced by a `--faulty` one (same port and key): Ferdie's attested
//!    answers are outvoted two to one, Ferdie is slashed the wrong-result ratio per job and
//!    its share goes to the majority; the jobs still complete with the right answer.
//! 3. Ferdie's worker is stopped and Dave and Eve go offline, so a redundancy-1 job can only be
//!    assigned to Ferdie: it times out, Charlie gets everything back, Ferdie is slashed the
//!    timeout ratio.
//!
//! Every step checks the exact balances of user, providers, author and treasury.

use anyhow::{ensure, Result};
use infera_e2e::{
	market::{
		self, job_price, keypair, Digits, Job, JobExt, JobStatus, AUTHOR_FEE, BOND, MODEL, PRICE,
	},
	network::DevMarket,
	Client,
};
use infera_primitives::job::FailureReason;
use infera_primitives::params::{
	DEFAULT_TIMEOUT_SLASH_PERCENT, DEFAULT_WRONG_RESULT_SLASH_PERCENT,
};
use std::{collections::BTreeMap, time::Duration};
use subxt_signer::sr25519::Keypair;

/// The runtime's wrong-result and timeout slash ratios, in percent of the stake.
const WRONG_RESULT_SLASH_PERCENT: u128 = DEFAULT_WRONG_RESULT_SLASH_PERCENT as u128;
const TIMEOUT_SLASH_PERCENT: u128 = DEFAULT_TIMEOUT_SLASH_PERCENT as u128;

/// Submits one job per input and waits until all are settled.
async fn run_jobs(
	client: &Client,
	user: &Keypair,
	model: u128,
	inputs: &[Vec<u8>],
	redundancy: u32,
) -> Result<(Vec<u64>, BTreeMap<u64, Job>, u128)> {
	let price = job_price(redundancy as u128);
	let jobs = market::submit_jobs(client, user, model, inputs, redundancy, price).await?;
	for job in &jobs {
		ensure!(job.price == price, "job {} holds {} instead of {price}", job.job_id, job.price);
	}
	let ids: Vec<u64> = jobs.iter().map(|j| j.job_id).collect();
	let settled = market::wait_until_settled(client, &ids, Duration::from_secs(240)).await?;
	Ok((ids, settled, jobs.iter().map(|j| j.fee).sum()))
}

/// Checks that every job completed with libtorch's answer for its input.
async fn assert_libtorch_answers(
	client: &Client,
	ids: &[u64],
	settled: &BTreeMap<u64, Job>,
	expected: &[u32],
) -> Result<()> {
	for (id, want) in ids.iter().zip(expected) {
		ensure!(settled[id].completed(), "job {id} ended {:?}", settled[id].status);
		let class = market::result_class(client, *id).await?;
		ensure!(class == *want, "job {id}: chain says {class}, libtorch says {want}");
	}
	Ok(())
}

#[tokio::test]
async fn three_providers_agree_outvote_a_faulty_one_and_a_silent_one_is_slashed() -> Result<()> {
	let digits = Digits::load()?;
	let expected = digits.expected_top1(MODEL)?;
	let DevMarket { chain: _chain, client, sites: mut providers, model } =
		DevMarket::start("dev-r3", &digits, BOND, PRICE).await?;
	let (bob, charlie) = (keypair("//Bob")?, keypair("//Charlie")?);
	let [dave, eve, ferdie] = [0, 1, 2].map(|i| providers[i].key.public_key().0);
	let accounts =
		[dave, eve, ferdie, bob.public_key().0, charlie.public_key().0, market::treasury()];

	// 1. Unanimous: 10 jobs, each provider earns its price per job.
	let n = 10;
	let before = market::free_balances(&client, &accounts).await?;
	let (ids, settled, fees) = run_jobs(&client, &charlie, model, &digits.inputs[..n], 3).await?;
	assert_libtorch_answers(&client, &ids, &settled, &expected[..n]).await?;
	let after = market::free_balances(&client, &accounts).await?;
	let n = n as u128;
	for (i, who) in ["dave", "eve", "ferdie"].iter().enumerate() {
		assert_eq!(after[i] - before[i], n * PRICE, "{who} is paid its price per job");
	}
	assert_eq!(after[3] - before[3], n * AUTHOR_FEE, "author");
	assert_eq!(before[4] - after[4], n * job_price(3) + fees, "user");
	assert_eq!(after[5] - before[5], n * market::protocol_fee(3), "treasury: protocol fees");
	market::print_latency("r=3, unanimous", settled.values())?;

	// 2. Ferdie's worker turns faulty: outvoted and slashed on every job.
	providers[2].replace_worker(Some(&["--faulty"])).await?;
	let n = 5;
	let inputs = &digits.inputs[10..10 + n];
	let before = market::free_balances(&client, &accounts).await?;
	let stake_before = market::bonded(&client, ferdie).await?;
	let (ids, settled, fees) = run_jobs(&client, &charlie, model, inputs, 3).await?;
	assert_libtorch_answers(&client, &ids, &settled, &expected[10..10 + n]).await?;
	let after = market::free_balances(&client, &accounts).await?;
	let mut stake = stake_before;
	let mut slashed = 0;
	for _ in 0..n {
		let slash = stake * WRONG_RESULT_SLASH_PERCENT / 100;
		stake -= slash;
		slashed += slash;
	}
	let n = n as u128;
	let stake_after = market::bonded(&client, ferdie).await?;
	assert_eq!(stake_after, stake, "Ferdie's stake after {n} wrong-result slashes");
	// The two winners share the three prices: 1.5 prices each.
	assert_eq!(after[0] - before[0], n * (3 * PRICE / 2), "dave");
	assert_eq!(after[1] - before[1], n * (3 * PRICE / 2), "eve");
	assert_eq!(after[2], before[2], "ferdie earns nothing (its stake is held, not free)");
	assert_eq!(after[3] - before[3], n * AUTHOR_FEE, "author");
	assert_eq!(before[4] - after[4], n * job_price(3) + fees, "user");
	assert_eq!(
		after[5] - before[5],
		n * market::protocol_fee(3) + slashed,
		"treasury: fees + slashes"
	);
	println!("faulty provider outvoted on {n} jobs; slashed {slashed} in total");

	// 3. Ferdie's worker is down and it is the only provider online: the job times out.
	providers[2].replace_worker(None).await?;
	for provider in &providers[..2] {
		market::go_offline(&client, &provider.key).await?;
	}
	let before = market::free_balances(&client, &accounts).await?;
	let (ids, settled, fees) =
		run_jobs(&client, &charlie, model, &digits.inputs[20..21], 1).await?;
	let view = &settled[&ids[0]];
	ensure!(
		matches!(view.status, JobStatus::Failed { reason: FailureReason::NoAnswers, .. }),
		"job {} ended {:?}, not failed for want of answers",
		ids[0],
		view.status
	);
	let after = market::free_balances(&client, &accounts).await?;
	let slash = stake_after * TIMEOUT_SLASH_PERCENT / 100;
	assert_eq!(market::bonded(&client, ferdie).await?, stake_after - slash, "timeout slash");
	assert_eq!(before[4] - after[4], fees, "the user gets the whole price back");
	assert_eq!(after[3], before[3], "the author is not paid");
	assert_eq!(after[5] - before[5], slash, "treasury receives the slash only");
	println!(
		"silent provider: job failed after {} blocks, user refunded, provider slashed {slash}",
		view.latency_blocks()?
	);
	println!("{:?}", market::audit(&client).await?);
	Ok(())
}
