//! `infera gateway` against a dev chain with a real worker (libtorch) and Alice's provider:
//! an unmodified `tritonclient[http]` gets libtorch's answer for a held-out digit, the gateway's
//! errors are named, concurrent requests share one signer, a request given up by its client
//! leaks no escrow, and the console runs a digit in headless Chromium.

use anyhow::{ensure, Context, Result};
use infera_client::chain::Job;
use infera_client::gateway::oip::{InferResponse, ModelMetadata};
use infera_e2e::{
	market::{self, keypair, Digits, MODEL},
	run_python, Gateway, Node, Worker,
};
use infera_primitives::{
	attestation::{AttestationPayload, Outcome},
	market::Quote,
};
use serde::Deserialize;
use serde_json::json;
use std::{collections::HashMap, path::Path, time::Duration};
use subxt::{
	rpcs::{rpc_params, RpcClient},
	utils::AccountId32,
};

/// When the client gives up on a request: after the gateway submitted its job (at once), before
/// it settles (a few blocks).
const GIVE_UP_AFTER: Duration = Duration::from_millis(1500);

/// A dev chain whose digits model Alice serves.
struct Market {
	_worker: Worker,
	node: Node,
	client: infera_client::Client,
	rpc: RpcClient,
	model: u32,
	digits: Digits,
}

async fn market() -> Result<Market> {
	let market::DevMarket { worker, node, client, model, digits } =
		market::DevMarket::start().await?;
	let rpc = RpcClient::from_insecure_url(node.ws_url()).await?;
	Ok(Market { _worker: worker, node, client, rpc, model: model as u32, digits })
}

/// A `.npy` file (`<f4`, shape `(1, 8, 8)`) holding a held-out digit.
fn write_npy(path: &Path, input: &[u8]) -> Result<()> {
	let mut header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 8, 8), }".to_string();
	while !(10 + header.len() + 1).is_multiple_of(64) {
		header.push(' ');
	}
	header.push('\n');
	let mut file = b"\x93NUMPY\x01\x00".to_vec();
	file.extend_from_slice(&(header.len() as u16).to_le_bytes());
	file.extend_from_slice(header.as_bytes());
	file.extend_from_slice(input);
	Ok(std::fs::write(path, file)?)
}

/// The floats of a held-out input.
fn floats(input: &[u8]) -> Vec<f32> {
	input.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

async fn quote(m: &Market, redundancy: u32) -> Result<Quote<u128>> {
	Ok(m.rpc.request("market_quote", rpc_params![m.model, redundancy]).await?)
}

async fn job(m: &Market, id: u64) -> Result<Job> {
	Ok(m.rpc.request("market_job", rpc_params![id]).await?)
}

/// What `triton_infer.py` prints.
#[derive(Deserialize)]
struct TritonRun {
	metadata: ModelMetadata,
	ready: bool,
	binary: TritonAnswer,
	json: TritonAnswer,
}

#[derive(Deserialize)]
struct TritonAnswer {
	output: serde_json::Value,
	parameters: HashMap<String, serde_json::Value>,
	model_version: String,
	id: Option<String>,
}

impl TritonAnswer {
	fn param(&self, name: &str) -> Result<&serde_json::Value> {
		self.parameters.get(name).with_context(|| format!("no `{name}` parameter"))
	}
}

/// Checks that an answer's attestation is Alice's worker's signature over the job's outcome.
async fn check_attestation(m: &Market, answer: &TritonAnswer, input: &[u8]) -> Result<Job> {
	let job_id = answer.param("job_id")?.as_u64().context("job_id")?;
	let job = job(m, job_id).await?;
	let hash: [u8; 32] = hex::decode(
		answer.param("output_hash")?.as_str().context("hash")?.trim_start_matches("0x"),
	)?
	.try_into()
	.map_err(|_| anyhow::anyhow!("hash length"))?;
	let signature: [u8; 64] = hex::decode(
		answer.param("attestation")?.as_str().context("attestation")?.trim_start_matches("0x"),
	)?
	.try_into()
	.map_err(|_| anyhow::anyhow!("signature length"))?;
	let payload = AttestationPayload {
		genesis_hash: m.client.genesis_hash().0.into(),
		job_id,
		model_hash: m.digits.artifact_hash(MODEL)?,
		input_hash: infera_primitives::digest(input),
		outcome: Outcome::Output(hash),
	};
	let worker = keypair("//AliceWorker")?.public_key().0;
	ensure!(
		payload.verify(&signature.into(), &worker.into()),
		"the attestation of job {job_id} is not Alice's worker's signature over its outcome"
	);
	Ok(job)
}

#[tokio::test]
async fn tritonclient_gets_libtorchs_answer_and_errors_are_named() -> Result<()> {
	let m = market().await?;
	let mut gateway = Gateway::spawn("gateway-charlie", &m.node.ws_url(), "//Charlie")?;
	gateway.ready(Duration::from_secs(60)).await?;
	let expected = m.digits.expected_top1(MODEL)?;
	let dir = tempfile::tempdir()?;

	// An unmodified tritonclient, binary tensors and JSON tensors, on a held-out digit.
	let digit = 7;
	let npy = dir.path().join("digit.npy");
	write_npy(&npy, &m.digits.inputs[digit])?;
	let run: TritonRun = serde_json::from_value(run_python(
		"triton_infer.py",
		&[gateway.host_port(), MODEL.into(), npy.display().to_string()],
	)?)?;
	ensure!(run.ready, "the model is not ready");
	ensure!(
		run.metadata.inputs[0].shape == vec![1, 8, 8] && run.metadata.inputs[0].datatype == "FP32"
	);
	ensure!(
		run.metadata.outputs[0].datatype == "INT64" && run.metadata.outputs[0].shape == vec![1]
	);
	ensure!(
		run.binary.output == json!([[expected[digit]]]),
		"binary: {} vs libtorch {}",
		run.binary.output,
		expected[digit]
	);
	ensure!(
		run.json.output == json!([expected[digit]]),
		"json: {} vs libtorch {}",
		run.json.output,
		expected[digit]
	);
	for answer in [&run.binary, &run.json] {
		ensure!(answer.model_version == "1" && answer.id.is_some());
		let job = check_attestation(&m, answer, &m.digits.inputs[digit]).await?;
		let quoted = quote(&m, 1).await?;
		ensure!(
			answer.param("price")?.as_str() == Some(&quoted.total.to_string()),
			"price {}",
			quoted.total
		);
		ensure!(
			answer.param("providers")?.as_str()
				== Some(job.assignments[0].provider.to_string().as_str())
		);
		ensure!(answer.param("block")?.as_u64().is_some());
	}

	// Eight requests at once share the gateway's signer: every one is answered, by libtorch.
	let http = reqwest::Client::new();
	let url = format!("{}/v2/models/{MODEL}/infer", gateway.url());
	let requests = (10..18).map(|i| {
		let body = json!({ "inputs": [{ "name": "input", "shape": [1, 8, 8], "datatype": "FP32",
			"data": floats(&m.digits.inputs[i]) }] });
		let request = http.post(&url).json(&body).send();
		async move {
			let response: InferResponse = request.await?.error_for_status()?.json().await?;
			anyhow::Ok((i, response))
		}
	});
	for (i, response) in futures::future::try_join_all(requests).await? {
		let class = response.outputs[0].data.as_ref().context("data")?[0].as_u64();
		ensure!(
			class == Some(expected[i] as u64),
			"digit {i}: {class:?} vs libtorch {}",
			expected[i]
		);
	}

	// A batch of three digits is three jobs, answered in order with the batch dimension kept.
	let batch = json!({ "inputs": [{ "name": "input", "shape": [3, 1, 8, 8], "datatype": "FP32",
		"data": (20..23).flat_map(|i| floats(&m.digits.inputs[i])).collect::<Vec<f32>>() }] });
	let answer: InferResponse =
		http.post(&url).json(&batch).send().await?.error_for_status()?.json().await?;
	ensure!(answer.outputs[0].shape == vec![3, 1], "batch shape {:?}", answer.outputs[0].shape);
	let classes: Vec<Option<u64>> =
		answer.outputs[0].data.as_ref().context("data")?.iter().map(|v| v.as_u64()).collect();
	let wanted: Vec<Option<u64>> = (20..23).map(|i| Some(expected[i] as u64)).collect();
	ensure!(classes == wanted, "batch answers {classes:?} vs libtorch {wanted:?}");
	let ids = answer.parameters.get("job_id").and_then(|v| v.as_str()).context("job_id")?;
	ensure!(ids.split(',').count() == 3, "one job per element: {ids}");
	ensure!(answer.parameters.get("batch_size") == Some(&json!(3)));
	let too_big = json!({ "inputs": [{ "name": "input", "shape": [17, 1, 8, 8], "datatype": "FP32",
		"data": [] }] });
	let refused = http.post(&url).json(&too_big).send().await?;
	ensure!(refused.status() == 400, "a batch of 17: {}", refused.status());

	// Errors: an unknown model, a wrong shape, a broke account.
	let unknown = http
		.post(format!("{}/v2/models/no-such-model/infer", gateway.url()))
		.body("{}")
		.send()
		.await?;
	ensure!(unknown.status() == 404, "unknown model: {}", unknown.status());
	let wrong = json!({ "inputs": [{ "name": "input", "shape": [1, 64], "datatype": "FP32", "data": floats(&m.digits.inputs[0]) }] });
	let shape = http.post(&url).json(&wrong).send().await?;
	ensure!(shape.status() == 400, "wrong shape: {}", shape.status());
	let body: serde_json::Value = shape.json().await?;
	ensure!(body.get("code") == Some(&json!("InputShapeMismatch")), "{body}");
	let mut broke = Gateway::spawn("gateway-broke", &m.node.ws_url(), "//NobodyHasFunds")?;
	broke.ready(Duration::from_secs(60)).await?;
	let good = json!({ "inputs": [{ "name": "input", "shape": [1, 8, 8], "datatype": "FP32", "data": floats(&m.digits.inputs[0]) }] });
	let refused =
		http.post(format!("{}/v2/models/{MODEL}/infer", broke.url())).json(&good).send().await?;
	ensure!(refused.status() == 402, "broke account: {}", refused.status());
	let body: serde_json::Value = refused.json().await?;
	let needed: u128 = body.get("needed").and_then(|n| n.as_str()).context("needed")?.parse()?;
	ensure!(
		needed > quote(&m, 1).await?.total,
		"needed {needed} must cover the price and the fee: {body}"
	);
	ensure!(body.get("available") == Some(&json!("0")), "{body}");
	let pair = json!({ "inputs": [{ "name": "input", "shape": [2, 1, 8, 8], "datatype": "FP32",
		"data": (0..2).flat_map(|i| floats(&m.digits.inputs[i])).collect::<Vec<f32>>() }] });
	let refused =
		http.post(format!("{}/v2/models/{MODEL}/infer", broke.url())).json(&pair).send().await?;
	ensure!(refused.status() == 402, "broke account, batch: {}", refused.status());
	let body: serde_json::Value = refused.json().await?;
	ensure!(
		body.get("needed") == Some(&json!((2 * quote(&m, 1).await?.total).to_string())),
		"a batch of two needs both prices before anything is sent: {body}"
	);

	// A request its client gives up on: the job still settles, and nothing stays held.
	let gave_up = http.post(&url).json(&good).timeout(GIVE_UP_AFTER).send().await;
	ensure!(gave_up.is_err(), "the request should have timed out on the client side");
	let charlie = AccountId32(keypair("//Charlie")?.public_key().0);
	infera_e2e::wait_for("every gateway job settled", Duration::from_secs(120), || async {
		let jobs: Vec<Job> = m.rpc.request("market_jobsOf", rpc_params![charlie]).await?;
		anyhow::Ok(
			(jobs.len() == 14
				&& jobs.iter().all(|j| j.status.finished_at().is_some() && j.held == 0))
			.then_some(()),
		)
	})
	.await?;
	token_is_required_to_spend(&m, &npy, expected[digit]).await?;
	market::audit(&m.client).await?;
	Ok(())
}

/// A fresh token in an owner-only file, made as the README says (`infera keys worker-token
/// --out <file>`); returns the file and the token.
fn token_file(dir: &Path) -> Result<(std::path::PathBuf, String)> {
	let path = dir.join("gateway.token");
	infera_client::keys::generate_worker_token(&path)?;
	let token = infera_client::keys::load_worker_token(&path)?;
	Ok((path, token))
}

/// A gateway started with `--token-file` (paying with Ferdie): reads stay open, a spending
/// request without the token, with a wrong one or without the `Bearer` scheme is refused with
/// 401 and spends nothing, and tritonclient sending the token gets libtorch's answer.
async fn token_is_required_to_spend(m: &Market, npy: &Path, expected: u32) -> Result<()> {
	let dir = tempfile::tempdir()?;
	let (file, token) = token_file(dir.path())?;
	let mut guarded = Gateway::spawn_with(
		"gateway-token",
		&m.node.ws_url(),
		"//Ferdie",
		&["--token-file", &file.display().to_string()],
	)?;
	guarded.ready(Duration::from_secs(60)).await?;
	let http = reqwest::Client::new();
	let open = http.get(format!("{}/v2/models/{MODEL}", guarded.url())).send().await?;
	ensure!(open.status() == 200, "metadata needs no token: {}", open.status());
	let url = format!("{}/v2/models/{MODEL}/infer", guarded.url());
	let body = json!({ "inputs": [{ "name": "input", "shape": [1, 8, 8], "datatype": "FP32",
		"data": floats(&m.digits.inputs[0]) }] });
	let wrong = format!("Bearer {}", "00".repeat(32));
	for auth in [None, Some(wrong.as_str()), Some(token.as_str())] {
		let mut request = http.post(&url).json(&body);
		if let Some(value) = auth {
			request = request.header("authorization", value);
		}
		let refused = request.send().await?;
		ensure!(refused.status() == 401, "{auth:?}: {}", refused.status());
		ensure!(refused.headers().get("www-authenticate").is_some_and(|v| v == "Bearer"));
		let answer: serde_json::Value = refused.json().await?;
		ensure!(answer.get("code") == Some(&json!("Unauthorized")), "{answer}");
	}
	let ferdie = AccountId32(keypair("//Ferdie")?.public_key().0);
	let jobs: Vec<Job> = m.rpc.request("market_jobsOf", rpc_params![ferdie]).await?;
	ensure!(jobs.is_empty(), "refused requests submitted {} jobs", jobs.len());

	let run: TritonRun = serde_json::from_value(run_python(
		"triton_infer.py",
		&[guarded.host_port(), MODEL.into(), npy.display().to_string(), token],
	)?)?;
	ensure!(run.binary.output == json!([[expected]]), "binary: {}", run.binary.output);
	ensure!(run.json.output == json!([expected]), "json: {}", run.json.output);
	let jobs: Vec<Job> = m.rpc.request("market_jobsOf", rpc_params![ferdie]).await?;
	ensure!(jobs.len() == 2, "the two tokened requests ran {} jobs", jobs.len());
	Ok(())
}

/// What `console_chromium.py` prints.
#[derive(Deserialize)]
struct ConsoleRun {
	quote_1_total: String,
	quote_3: String,
	providers: Vec<String>,
	job_id: u64,
	answer: String,
	phases: Vec<String>,
	blocks: [u32; 2],
	error: String,
	unauthorized: String,
}

#[tokio::test]
async fn the_console_runs_a_digit_in_chromium() -> Result<()> {
	let m = market().await?;
	let dir = tempfile::tempdir()?;
	let (file, token) = token_file(dir.path())?;
	let mut gateway = Gateway::spawn_with(
		"gateway-console",
		&m.node.ws_url(),
		"//Charlie",
		&["--token-file", &file.display().to_string()],
	)?;
	gateway.ready(Duration::from_secs(60)).await?;
	let digit = 3;
	let npy = dir.path().join("digit.npy");
	write_npy(&npy, &m.digits.inputs[digit])?;
	let shots = infera_e2e::target_dir().join("e2e-artifacts");
	let run: ConsoleRun = serde_json::from_value(run_python(
		"console_chromium.py",
		&[
			gateway.url(),
			m.model.to_string(),
			npy.display().to_string(),
			shots.display().to_string(),
			token,
		],
	)?)?;
	ensure!(
		run.unauthorized.contains("Unauthorized"),
		"a run without the token must be refused: {:?}",
		run.unauthorized
	);
	ensure!(run.error.is_empty(), "the page showed an error: {}", run.error);
	ensure!(
		run.quote_1_total == quote(&m, 1).await?.total.to_string(),
		"quote {} vs market_quote",
		run.quote_1_total
	);
	ensure!(run.quote_3 == "NotEnoughProviders", "one provider cannot serve 3: {}", run.quote_3);
	ensure!(run.providers == vec![AccountId32(keypair("//Alice")?.public_key().0).to_string()]);
	let expected = m.digits.expected_top1(MODEL)?[digit];
	ensure!(run.answer == format!("class {expected}"), "{} vs libtorch {expected}", run.answer);
	for phase in ["submitted", "assigned", "revealed", "paid"] {
		ensure!(
			run.phases.iter().any(|p| p == phase),
			"timeline without {phase}: {:?}",
			run.phases
		);
	}
	ensure!(run.blocks[1] > run.blocks[0], "the page did not follow new blocks: {:?}", run.blocks);
	let job = job(&m, run.job_id).await?;
	ensure!(job.status.finished_at().is_some() && job.held == 0);
	for shot in ["models", "providers", "run", "jobs", "governance", "page"] {
		ensure!(shots.join(format!("console-{shot}.png")).is_file(), "no {shot} screenshot");
	}
	market::audit(&m.client).await?;
	Ok(())
}
