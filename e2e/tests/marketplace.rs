//! The marketplace end to end: a dev node whose off-chain worker serves Alice's provider key,
//! a real inference worker (libtorch), the digits CNN registered by Bob, and Charlie paying for
//! held-out digit classifications. Every on-chain answer must equal libtorch's own answer, and
//! every balance must move exactly as the job pallet's rules say.

use anyhow::{bail, ensure, Result};
use infera_client::chain;
use infera_e2e::{
	market::{self, keypair, Job, JobExt, AUTHOR_FEE, MODEL, PRICE},
	Node,
};
use infera_primitives::{
	job::JobStatus,
	market::{
		rpc_error::{NO_QUOTE, PAGE_TOO_LARGE, UNKNOWN_JOB, UNKNOWN_MODEL, UNKNOWN_PROVIDER},
		MarketParameters, Quote,
	},
};
use std::time::{Duration, Instant};
use subxt::{
	rpcs::{rpc_params, Error as RpcError, RpcClient},
	utils::AccountId32,
};

const JOBS: usize = 50;

#[tokio::test]
async fn redundancy_one_jobs_are_answered_by_libtorch_and_paid_exactly() -> Result<()> {
	let market::DevMarket { worker, node, client, model, digits } =
		market::DevMarket::start().await?;
	let (alice, bob, charlie) = (keypair("//Alice")?, keypair("//Bob")?, keypair("//Charlie")?);

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
		market::job_price(1),
	)
	.await?;
	let job_ids: Vec<u64> = jobs.iter().map(|j| j.job_id).collect();
	for job in &jobs {
		ensure!(job.price == market::job_price(1));
	}
	let fees: u128 = jobs.iter().map(|j| j.fee).sum();
	let settled = market::wait_until_settled(&client, &job_ids, Duration::from_secs(300)).await?;
	let elapsed = started.elapsed();

	// Every answer is libtorch's answer; on-chain accuracy equals direct accuracy.
	let expected = digits.expected_top1(MODEL)?;
	let (mut correct_chain, mut correct_direct) = (0, 0);
	for (i, id) in job_ids.iter().enumerate() {
		let view = &settled[id];
		ensure!(view.completed(), "job {id} ended {:?}", view.status);
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
	// fee, the audit reserve the audit fee (one provider: no auditor to draw); the user pays
	// exactly that plus its transaction fees (result transactions are free).
	let n = JOBS as u128;
	let after = market::free_balances(&client, &accounts).await?;
	assert_eq!(after[0] - before[0], n * PRICE, "provider");
	assert_eq!(after[1] - before[1], n * AUTHOR_FEE, "author");
	assert_eq!(before[2] - after[2], n * market::job_price(1) + fees, "user");
	assert_eq!(after[3] - before[3], n * market::protocol_fee(1), "treasury");

	market::print_latency("r=1", settled.values())?;

	check_market_rpc(&node, model, &job_ids, charlie.public_key().0, alice.public_key().0, &client)
		.await?;
	drop(node);
	drop(worker);
	Ok(())
}

/// The `market_*` JSON-RPC methods agree with what happened: the quote equals the price paid,
/// jobs show their results and page newest first, the provider's record counts its answers,
/// and bad requests get their error codes.
async fn check_market_rpc(
	node: &Node,
	model: u128,
	job_ids: &[u64],
	user: [u8; 32],
	provider: [u8; 32],
	client: &infera_e2e::Client,
) -> Result<()> {
	let rpc = RpcClient::from_insecure_url(node.ws_url()).await?;
	let (user, provider) = (AccountId32(user), AccountId32(provider));

	// Every answer deserializes into the primitives' view types: balances as decimal strings,
	// bytes as `0x` hex, exactly as those types write them.
	let quote: Quote<u128> = rpc.request("market_quote", rpc_params![model, 1]).await?;
	assert_eq!(quote.providers, PRICE);
	assert_eq!(quote.author_fee, AUTHOR_FEE);
	assert_eq!(quote.protocol_fee, market::protocol_fee(1));
	assert_eq!(quote.audit_fee, market::audit_fee(1));
	assert_eq!(quote.total, market::job_price(1));

	let last = *job_ids.last().expect("jobs were submitted");
	let job: Job = rpc.request("market_job", rpc_params![last]).await?;
	assert_eq!(job.user, user);
	assert_eq!(job.assignments[0].provider, provider);
	ensure!(matches!(job.status, JobStatus::Completed { .. }), "job {last}: {:?}", job.status);
	let onchain = market::result(client, last).await?.expect("completed job has a result");
	assert_eq!(job.result, Some(onchain));
	// The JSON the node writes and the SCALE the typed client decodes are the same view.
	let at = infera_e2e::at_current_block(client).await?;
	assert_eq!(Some(&job), chain::job_at(&at, last).await?.as_ref());
	let job_model = chain::model_at(&at, job.model).await?.expect("the job's model");
	assert_eq!((&job.author, job.author_fee), (&job_model.owner, job_model.fee));
	assert_eq!(job.input_len, job_model.input_len);

	// Newest first, in pages of 20 linked by the last id of the previous page.
	let mut listed = Vec::new();
	let mut before: Option<u64> = None;
	loop {
		let page: Vec<Job> =
			rpc.request("market_jobsOf", rpc_params![user.to_string(), before, 20]).await?;
		if page.is_empty() {
			break;
		}
		listed.extend(page.iter().map(|j| j.id));
		before = listed.last().copied();
	}
	let mut newest_first = job_ids.to_vec();
	newest_first.reverse();
	assert_eq!(listed, newest_first);

	let providers: Vec<chain::Provider> =
		rpc.request("market_providers", rpc_params![model]).await?;
	assert_eq!(providers.len(), 1);
	assert_eq!(Some(&providers[0]), chain::provider_at(&at, &provider).await?.as_ref());
	assert_eq!(providers[0].record.answered as usize, job_ids.len());
	assert_eq!(providers[0].record.missed, 0);
	let models: Vec<chain::Model> = rpc.request("market_models", rpc_params![]).await?;
	ensure!(models.iter().any(|m| m.id as u128 == model), "model {model} not listed");
	assert_eq!(models, chain::models_at(&at).await?);
	let params: MarketParameters<u128, u32> =
		rpc.request("market_parameters", rpc_params![]).await?;
	assert_eq!(params.default_redundancy, 1);

	for (method, params, code) in [
		("market_model", rpc_params![999_999], UNKNOWN_MODEL),
		("market_providers", rpc_params![999_999], UNKNOWN_MODEL),
		("market_job", rpc_params![u64::MAX], UNKNOWN_JOB),
		("market_provider", rpc_params![user.to_string()], UNKNOWN_PROVIDER),
		("market_quote", rpc_params![model, 2], NO_QUOTE),
		("market_jobsOf", rpc_params![user.to_string(), Option::<u64>::None, 1000], PAGE_TOO_LARGE),
	] {
		match rpc.request::<serde_json::Value>(method, params).await {
			Err(RpcError::User(e)) if e.code == code => println!("{method}: {}", e.message),
			other => bail!("{method}: expected error {code}, got {other:?}"),
		}
	}
	Ok(())
}
