//! The marketplace end to end: a dev node whose off-chain worker serves Alice's provider key,
//! a real inference worker (libtorch), the digits CNN registered by Bob, and Charlie paying for
//! held-out digit classifications. Every on-chain answer must equal libtorch's own answer, and
//! every balance must move exactly as the job pallet's rules say.

use anyhow::{ensure, Result};
use infera_e2e::{
	market::{self, keypair, Digits, ProviderTerms, AUTHOR_FEE, MODEL, PRICE},
	Node, Worker,
};
use std::time::{Duration, Instant};

/// The runtime's protocol fee: 5% of the providers' price.
const PROTOCOL_FEE: u128 = PRICE / 20;
const JOBS: usize = 50;

#[tokio::test]
async fn redundancy_one_jobs_are_answered_by_libtorch_and_paid_exactly() -> Result<()> {
	let digits = Digits::load()?;
	let mut worker = Worker::spawn("worker-alice", "//AliceWorker", &[])?;
	worker.ready(Duration::from_secs(60)).await?;
	let mut node = Node::spawn(
		"dev",
		&["--dev", "--offchain-worker", "always", "--inference-worker-url", &worker.url()],
	)?;
	let client = node.client(Duration::from_secs(180)).await?;
	let (alice, bob, charlie) = (keypair("//Alice")?, keypair("//Bob")?, keypair("//Charlie")?);

	// Bob publishes the model; Alice bonds as its provider with her worker's key.
	let model = market::register_digits_model(&client, &bob, &digits, MODEL, AUTHOR_FEE).await?;
	let terms = ProviderTerms {
		bond: market::BOND,
		worker_key: keypair("//AliceWorker")?.public_key().0,
		model,
		capacity: 64,
		price: PRICE,
	};
	market::register_provider(&client, &alice, &terms).await?;

	let accounts =
		[alice.public_key().0, bob.public_key().0, charlie.public_key().0, market::treasury()];
	let before = market::free_balances(&client, &accounts).await?;

	// Charlie submits 50 held-out digits at once (consecutive nonces, one block or a few).
	let started = Instant::now();
	let jobs = market::submit_jobs(
		&client,
		&charlie,
		model,
		&digits.inputs[..JOBS],
		1,
		PRICE + AUTHOR_FEE + PROTOCOL_FEE,
	)
	.await?;
	let job_ids: Vec<u64> = jobs.iter().map(|j| j.job_id).collect();
	for job in &jobs {
		ensure!(job.price == PRICE + AUTHOR_FEE + PROTOCOL_FEE);
	}
	let fees: u128 = jobs.iter().map(|j| j.fee).sum();
	let settled = market::wait_until_settled(&client, &job_ids, Duration::from_secs(300)).await?;
	let elapsed = started.elapsed();

	// Every answer is libtorch's answer; on-chain accuracy equals direct accuracy.
	let expected = digits.expected_top1(MODEL)?;
	let (mut correct_chain, mut correct_direct) = (0, 0);
	for (i, id) in job_ids.iter().enumerate() {
		let view = &settled[id];
		ensure!(view.status == "Completed", "job {id} ended {}", view.status);
		let class = market::result_class(&client, *id).await?;
		ensure!(
			class == expected[i],
			"job {id}: chain says {class}, libtorch says {}",
			expected[i]
		);
		correct_chain += (class == digits.labels[i]) as usize;
		correct_direct += (expected[i] == digits.labels[i]) as usize;
	}
	assert_eq!(correct_chain, correct_direct);
	println!(
		"{JOBS} jobs completed in {:.1} s; on-chain accuracy {:.3} = direct accuracy {:.3}",
		elapsed.as_secs_f64(),
		correct_chain as f64 / JOBS as f64,
		correct_direct as f64 / JOBS as f64
	);

	// Balances: the provider earns its price, the author its fee, the treasury the protocol
	// fee; the user pays exactly that plus its transaction fees (result transactions are free).
	let n = JOBS as u128;
	let after = market::free_balances(&client, &accounts).await?;
	assert_eq!(after[0] - before[0], n * PRICE, "provider");
	assert_eq!(after[1] - before[1], n * AUTHOR_FEE, "author");
	assert_eq!(before[2] - after[2], n * (PRICE + AUTHOR_FEE + PROTOCOL_FEE) + fees, "user");
	assert_eq!(after[3] - before[3], n * PROTOCOL_FEE, "treasury");

	market::print_latency("r=1", settled.values())?;
	drop(node);
	drop(worker);
	Ok(())
}
