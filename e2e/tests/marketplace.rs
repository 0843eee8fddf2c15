//! The marketplace end to end: a dev node whose off-chain worker serves Alice's provider key,
//! a real inference worker (libtorch), the digits CNN registered by Bob, and Charlie paying for
//! held-out digit classifications. Every on-chain answer must equal libtorch's own answer, and
//! every balance must move exactly as the job pallet's rules say.

use anyhow::{ensure, Result};
use futures::future::try_join_all;
use infera_e2e::{
	market::{self, keypair, Digits, MILLI},
	Node, Worker,
};
use std::time::{Duration, Instant};
use subxt::dynamic::{self, Value};

const MODEL: &str = "digits-cnn";
/// Alice's price per inference.
const PRICE: u128 = 10 * MILLI;
/// Bob's fee per inference.
const AUTHOR_FEE: u128 = 2 * MILLI;
/// The runtime's protocol fee: 5% of the providers' price.
const PROTOCOL_FEE: u128 = PRICE / 20;
const JOBS: usize = 50;

fn treasury() -> [u8; 32] {
	// `PalletId(*b"inf/trsy").into_account_truncating()`: "modl" ++ id, zero padded.
	let mut account = [0u8; 32];
	account[..4].copy_from_slice(b"modl");
	account[4..12].copy_from_slice(b"inf/trsy");
	account
}

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
	let register = dynamic::transaction(
		"ModelRegistry",
		"register_model",
		(
			Value::from_bytes(MODEL),
			Value::from_bytes(digits.artifact_hash(MODEL)?),
			Value::from_bytes(digits.artifact_uri(MODEL)),
			market::tensor_spec("F32", &[1, 8, 8]),
			market::tensor_spec("F32", &[10]),
			market::top_k(1),
			Value::u128(AUTHOR_FEE),
		),
	);
	let events = market::submit(&client, &bob, &register, None).await?;
	let model =
		market::field_u128(market::event(&events, "ModelRegistry", "ModelRegistered")?, "model")?;
	let worker_key = keypair("//AliceWorker")?.public_key().0;
	let bond = dynamic::transaction(
		"ProviderStaking",
		"register_provider",
		(
			Value::u128(1_000 * market::UNIT),
			Value::from_bytes(worker_key),
			Value::unnamed_composite([Value::u128(model)]),
			Value::u128(64),
			Value::u128(PRICE),
		),
	);
	market::submit(&client, &alice, &bond, None).await?;

	let accounts = [alice.public_key().0, bob.public_key().0, charlie.public_key().0, treasury()];
	let mut before = Vec::new();
	for a in accounts {
		before.push(market::free_balance(&client, a).await?);
	}

	// Charlie submits 50 held-out digits at once (consecutive nonces, one block or a few).
	let first_nonce = market::nonce(&client, charlie.public_key().0).await?;
	let started = Instant::now();
	let submissions = digits.inputs[..JOBS].iter().enumerate().map(|(i, input)| {
		let call = dynamic::transaction(
			"JobEscrow",
			"submit_job",
			(
				Value::u128(model),
				Value::from_bytes(input),
				Value::u128(PRICE + AUTHOR_FEE + PROTOCOL_FEE),
				Value::unnamed_variant("Some", [Value::u128(1)]),
			),
		);
		let (client, charlie) = (&client, &charlie);
		async move { market::submit(client, charlie, &call, Some(first_nonce + i as u64)).await }
	});
	let receipts = try_join_all(submissions).await?;
	let mut job_ids = Vec::new();
	let mut fees = 0;
	for events in &receipts {
		let submitted = market::event(events, "JobEscrow", "JobSubmitted")?;
		job_ids.push(market::field_u128(submitted, "job_id")? as u64);
		ensure!(market::field_u128(submitted, "price")? == PRICE + AUTHOR_FEE + PROTOCOL_FEE);
		fees += market::fee_paid(events)?;
	}
	let settled = market::wait_until_settled(&client, &job_ids, Duration::from_secs(300)).await?;
	let elapsed = started.elapsed();

	// Every answer is libtorch's answer; on-chain accuracy equals direct accuracy.
	let expected = digits.expected_top1(MODEL)?;
	let (mut correct_chain, mut correct_direct) = (0, 0);
	for (i, id) in job_ids.iter().enumerate() {
		let view = &settled[id];
		ensure!(view.status == "Completed", "job {id} ended {}", view.status);
		let output = market::result(&client, *id).await?.expect("completed jobs have a result");
		let class = u32::from_le_bytes(output[..4].try_into()?);
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
	let mut after = Vec::new();
	for a in accounts {
		after.push(market::free_balance(&client, a).await?);
	}
	assert_eq!(after[0] - before[0], n * PRICE, "provider");
	assert_eq!(after[1] - before[1], n * AUTHOR_FEE, "author");
	assert_eq!(before[2] - after[2], n * (PRICE + AUTHOR_FEE + PROTOCOL_FEE) + fees, "user");
	assert_eq!(after[3] - before[3], n * PROTOCOL_FEE, "treasury");

	// Latency: blocks from inclusion to settlement.
	let mut latencies = Vec::new();
	for (events, id) in receipts.iter().zip(&job_ids) {
		let deadline =
			market::field_u128(market::event(events, "JobEscrow", "JobSubmitted")?, "deadline")?;
		let at = market::field_u128(&settled[id].fields, "at")?;
		// The commit period is 30 blocks: submission block = deadline - 30.
		latencies.push(at + 30 - deadline);
	}
	latencies.sort_unstable();
	println!(
		"latency r=1 (blocks of 1 s, inclusion to result): p50 {} max {}",
		latencies[latencies.len() / 2],
		latencies[latencies.len() - 1]
	);
	drop(node);
	drop(worker);
	Ok(())
}
