//! The load tool against a dev node with a real worker: 400 jobs from 8 accounts, submitted
//! pre-signed as fast as the node takes them. Prints the accepted and included rates, the
//! latency distribution and the block capacity the weights give; asserts only outcomes: every
//! accepted job is included, no block holds more jobs than its weight allows, and every job ends
//! paid or refunded (none stays open, none is lost) by its last deadline + 1 block.

use anyhow::{ensure, Result};
use infera_e2e::{
	load::{self, LoadConfig},
	market::{self, keypair, Digits, ProviderTerms, MILLI, UNIT},
	Node, Worker,
};
use std::time::Duration;

#[tokio::test]
async fn a_burst_of_jobs_is_included_and_every_job_settles() -> Result<()> {
	let digits = Digits::load()?;
	let mut worker = Worker::spawn("worker-load", "//AliceWorker", &[])?;
	worker.ready(Duration::from_secs(60)).await?;
	let mut node = Node::spawn(
		"dev-load",
		&[&["--dev", "--offchain-worker", "always"][..], &worker.node_args()].concat(),
	)?;
	let client = node.client(Duration::from_secs(180)).await?;
	let model =
		market::register_digits_model(&client, &keypair("//Bob")?, &digits, "digits-cnn", MILLI)
			.await?;
	let terms = ProviderTerms {
		bond: 1_000 * UNIT,
		worker: keypair("//AliceWorker")?,
		model,
		capacity: 1_000,
		price: 10 * MILLI,
	};
	market::register_provider(&client, &keypair("//Alice")?, &terms).await?;

	let config = LoadConfig {
		url: node.ws_url(),
		model,
		inputs: digits.inputs.clone(),
		jobs: 400,
		senders: 8,
		redundancy: 1,
		max_price: UNIT / 10,
		connections: 4,
		timeout: Duration::from_secs(240),
	};
	let senders = load::senders(config.senders)?;
	load::fund_senders(&client, &senders, 100 * UNIT).await?;
	let report = load::run(&client, &config, &senders).await?;
	println!("{report}");
	ensure!(report.refused == 0, "refused submissions: {:?}", report.first_refusal);
	ensure!(
		report.included == report.accepted,
		"{} of {} included",
		report.included,
		report.accepted
	);
	ensure!(report.open == 0, "{} jobs still open", report.open);
	ensure!(report.completed + report.failed == report.included);
	ensure!(report.late == 0, "{} jobs settled later than deadline + 1 block", report.late);
	ensure!(report.capacity.job_ps > 0, "no weight read for submit_job");
	ensure!(
		report.max_per_block as u64 <= report.capacity.per_block(),
		"a block held {} jobs, more than its weight allows ({})",
		report.max_per_block,
		report.capacity.per_block()
	);
	println!("{:?}", market::audit(&client).await?);
	Ok(())
}
