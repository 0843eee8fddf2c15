//! End to end: the real binary on a free port, called over HTTP JSON-RPC concurrently.

use crate::common::{
	f32_bytes, fixtures, infer_params, infer_params_for, load_params, outcome, request,
};
use futures::future::join_all;
use infera_primitives::model::AgreementRule;
use serde_json::Value;
use std::{
	io::{BufRead, BufReader},
	process::{Child, ChildStdout, Command, Stdio},
	time::Duration,
};

/// The workers' body limit: far above a digit request, small enough that an oversized body
/// fits the socket buffers (so the client reads the 413 instead of a broken pipe).
const MAX_REQUEST_BYTES: usize = 64 << 10;

/// A running `infera-worker`, stopped with SIGTERM when dropped.
struct Worker {
	child: Child,
	url: String,
	/// Kept open: the worker prints to it, and a closed pipe would make it fail.
	_stdout: BufReader<ChildStdout>,
	_cache: tempfile::TempDir,
}

impl Worker {
	/// Starts a worker with `extra` flags; without a `--token-file` among them, with
	/// `--insecure-no-token`.
	fn start(extra: &[&str]) -> Self {
		let cache = tempfile::tempdir().unwrap();
		let open: &[&str] =
			if extra.contains(&"--token-file") { &[] } else { &["--insecure-no-token"] };
		let mut child = Command::new(env!("CARGO_BIN_EXE_infera-worker"))
			.args([
				"--listen",
				"127.0.0.1:0",
				"--seed",
				"//Bob",
				"--max-batch",
				"8",
				"--max-wait-ms",
				"20",
			])
			.args(["--max-request-bytes", &MAX_REQUEST_BYTES.to_string()])
			.arg("--cache-dir")
			.arg(cache.path())
			.arg("--artifact-dir")
			.arg(&fixtures().dir)
			.args(extra)
			.args(open)
			.stdout(Stdio::piped())
			.spawn()
			.unwrap();
		let mut stdout = BufReader::new(child.stdout.take().unwrap());
		let mut line = String::new();
		stdout.read_line(&mut line).unwrap();
		let addr =
			line.trim().strip_prefix("infera-worker listening on ").expect(&line).to_string();
		Worker { child, url: format!("http://{addr}"), _stdout: stdout, _cache: cache }
	}

	/// Sends SIGTERM and waits for a clean exit.
	fn stop(mut self) {
		terminate(&self.child);
		let deadline = std::time::Instant::now() + Duration::from_secs(10);
		loop {
			if let Some(status) = self.child.try_wait().unwrap() {
				assert!(status.success(), "worker exited with {status}");
				return;
			}
			assert!(std::time::Instant::now() < deadline, "worker ignored SIGTERM");
			std::thread::sleep(Duration::from_millis(20));
		}
	}
}

fn terminate(child: &Child) {
	let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
}

impl Drop for Worker {
	fn drop(&mut self) {
		if matches!(self.child.try_wait(), Ok(None)) {
			let _ = self.child.kill();
		}
	}
}

/// An HTTP client that opens a connection per request: reusing pooled keep-alive connections
/// races with the server closing idle ones (hyper `IncompleteMessage`), which is a property of
/// HTTP keep-alive, not of the worker.
fn http_client() -> reqwest::Client {
	reqwest::Client::builder().pool_max_idle_per_host(0).build().expect("client builds")
}

async fn call(
	client: &reqwest::Client,
	url: &str,
	method: &str,
	params: Value,
) -> Result<Value, (i64, String)> {
	let response = client.post(url).json(&request(method, params)).send().await.unwrap();
	outcome(&response.json().await.unwrap())
}

/// A sample of a Prometheus text exposition.
fn metric(text: &str, name: &str) -> f64 {
	text.lines()
		.find_map(|line| line.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
		.unwrap_or_else(|| panic!("no {name} in metrics"))
		.parse()
		.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_concurrent_http_requests_in_batches() {
	const N: usize = 64;
	let f = fixtures();
	let worker = Worker::start(&[]);
	let client = http_client();
	let url = worker.url.as_str();
	for (name, rule) in [
		("digits-mlp", AgreementRule::TopK { k: 1 }),
		("digits-cnn", AgreementRule::Quantized { decimals: 3 }),
	] {
		call(&client, url, "load_model", load_params(name, rule)).await.unwrap();
	}
	let calls = (0..N).map(|i| {
		let name = if i % 2 == 0 { "digits-mlp" } else { "digits-cnn" };
		call(&client, url, "infer", infer_params(name, &f.inputs[i], i as u64))
	});
	let results: Vec<Value> = join_all(calls).await.into_iter().map(Result::unwrap).collect();
	for (i, result) in results.iter().enumerate() {
		assert_eq!(result["job_id"], i as u64);
		assert!(!result["output"].as_str().unwrap().is_empty());
	}
	let health = call(&client, url, "health", Value::Null).await.unwrap();
	assert_eq!(health["loaded"].as_array().unwrap().len(), 2);
	assert_eq!(results[0]["worker"], health["worker"]);

	let metrics = client.get(format!("{url}/metrics")).send().await.unwrap().text().await.unwrap();
	let batches = metric(&metrics, "infera_worker_batch_size_count");
	let batched = metric(&metrics, "infera_worker_batch_size_sum");
	println!("{batched} requests in {batches} forward passes");
	assert_eq!(batched as usize, N);
	assert!(batches < N as f64 / 2.0, "requests were not batched: {batches} passes for {N}");
	assert_eq!(metric(&metrics, "infera_worker_loaded_models"), 2.0);
	assert_eq!(metric(&metrics, "infera_worker_requests_total{method=\"infer\"}"), N as f64);

	// An input the model cannot answer gets a signed refusal, counted by reason.
	let nan = infer_params("digits-mlp", &f32_bytes(&[f32::NAN; 64]), 99);
	let refused = call(&client, url, "infer", nan).await.unwrap();
	assert_eq!(refused["outcome"], serde_json::json!({"refused": "non_finite_output"}));
	assert_eq!(refused["output"], "");
	let metrics = client.get(format!("{url}/metrics")).send().await.unwrap().text().await.unwrap();
	let refusals = "infera_worker_refusals_total{reason=\"non_finite_output\"}";
	assert_eq!(metric(&metrics, refusals), 1.0);

	// A body above --max-request-bytes is refused by the server before any parsing.
	let huge = infer_params("digits-mlp", &vec![0; MAX_REQUEST_BYTES], 0);
	let response = client.post(url).json(&request("infer", huge)).send().await.unwrap();
	assert_eq!(response.status(), 413);
	assert_eq!(outcome(&response.json().await.unwrap()).unwrap_err().0, -32007);
	assert!(call(&client, url, "health", Value::Null).await.is_ok());
	worker.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faulty_worker_disagrees_with_honest_one() {
	let f = fixtures();
	// Both preload the demo manifest (digits-mlp: top-1 rule); one of them cheats.
	let manifest = f.dir.join("manifest.json");
	let preload = ["--preload", manifest.to_str().unwrap()];
	let honest = Worker::start(&preload);
	let faulty = Worker::start(&[&preload[..], &["--faulty"]].concat());
	let client = http_client();
	let mut hashes = Vec::new();
	for worker in [&honest, &faulty] {
		let models = call(&client, &worker.url, "models", Value::Null).await.unwrap();
		assert_eq!(models.as_array().unwrap().len(), 2);
		let params = infer_params("digits-mlp", &f.inputs[0], 1);
		let result = call(&client, &worker.url, "infer", params).await.unwrap();
		hashes.push(result["outcome"]["output"].clone());
	}
	assert!(hashes[0].is_string(), "{hashes:?}");
	assert_ne!(hashes[0], hashes[1]);
	honest.stop();
	faulty.stop();
}

#[tokio::test]
async fn with_a_token_only_health_and_metrics_are_open() {
	let dir = tempfile::tempdir().unwrap();
	let token = "5a".repeat(32);
	let token_file = dir.path().join("worker.token");
	std::fs::write(&token_file, format!("{token}\n")).unwrap();
	let worker = Worker::start(&["--token-file", token_file.to_str().unwrap()]);
	let client = http_client();
	let url = worker.url.as_str();
	let post = |method: &str, bearer: Option<&str>| {
		let mut builder = client.post(url).json(&request(method, serde_json::json!({})));
		if let Some(bearer) = bearer {
			builder = builder.header("Authorization", format!("Bearer {bearer}"));
		}
		builder.send()
	};
	for method in ["models", "infer", "prove_key", "load_model"] {
		let response = post(method, None).await.unwrap();
		assert_eq!(response.status(), 401, "{method} without a token");
		let response = post(method, Some(&"00".repeat(32))).await.unwrap();
		assert_eq!(response.status(), 401, "{method} with a wrong token");
	}
	let batch = serde_json::json!([request("health", Value::Null), request("models", Value::Null)]);
	assert_eq!(client.post(url).json(&batch).send().await.unwrap().status(), 401);

	let models = post("models", Some(&token)).await.unwrap();
	assert_eq!(models.status(), 200);
	assert_eq!(outcome(&models.json().await.unwrap()), Ok(serde_json::json!([])));
	let health = post("health", None).await.unwrap();
	assert_eq!(health.status(), 200);
	assert_eq!(outcome(&health.json().await.unwrap()).unwrap()["status"], "ok");
	let metrics = client.get(format!("{url}/metrics")).send().await.unwrap();
	assert_eq!(metrics.status(), 200);
	worker.stop();
}

#[test]
fn refuses_to_start_without_a_token() {
	let output = Command::new(env!("CARGO_BIN_EXE_infera-worker"))
		.args(["--listen", "127.0.0.1:0", "--seed", "//Bob"])
		.output()
		.unwrap();
	assert!(!output.status.success());
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(stderr.contains("--token-file"), "{stderr}");
}

/// Whether process `pid` is gone (or a zombie nobody reaped yet: it runs nothing).
fn gone(pid: u32) -> bool {
	match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
		Err(_) => true,
		Ok(stat) => stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z')),
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runners_die_with_the_worker_even_in_an_endless_pass() {
	let dir = tempfile::tempdir().unwrap();
	let (uri, hash) = crate::common::script_model(dir.path(), "loops.pt", crate::sandbox::LOOPS);
	let artifacts = dir.path().to_str().unwrap();
	let worker = Worker::start(&["--artifact-dir", artifacts, "--model-timeout-ms", "600000"]);
	let client = http_client();
	let spec = serde_json::json!({"dtype": "f32", "shape": [4]});
	let load = serde_json::json!({
		"hash": format!("0x{}", hex::encode(hash)),
		"uri": uri,
		"input": spec,
		"output": spec,
		"rule": "exact",
	});
	call(&client, &worker.url, "load_model", load).await.unwrap();
	let runners: Vec<u32> = std::fs::read_dir(format!("/proc/{}/task", worker.child.id()))
		.unwrap()
		.flat_map(|task| {
			let children = task.unwrap().path().join("children");
			let listed = std::fs::read_to_string(children).unwrap_or_default();
			listed.split_whitespace().map(|p| p.parse::<u32>().unwrap()).collect::<Vec<_>>()
		})
		.collect();
	assert_eq!(runners.len(), 1, "one runner per loaded model: {runners:?}");
	// Send the runner into its endless loop, then kill the worker under it.
	let looping = infer_params_for(&hash, &f32_bytes(&[1.0, 0.0, 0.0, 0.0]), 1);
	let (url, pending) = (worker.url.clone(), client.clone());
	tokio::spawn(async move { call(&pending, &url, "infer", looping).await });
	tokio::time::sleep(Duration::from_millis(500)).await;
	assert!(!gone(runners[0]), "the runner should be looping");
	let mut worker = worker;
	worker.child.kill().unwrap();
	worker.child.wait().unwrap();
	let deadline = std::time::Instant::now() + Duration::from_secs(5);
	while !gone(runners[0]) {
		assert!(std::time::Instant::now() < deadline, "runner {} outlived the worker", runners[0]);
		tokio::time::sleep(Duration::from_millis(100)).await;
	}
}
