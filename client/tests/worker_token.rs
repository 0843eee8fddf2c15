//! The CLI against a real `infera-worker` started with `--token-file`: `keys worker-token`
//! writes the token, and `prove_key` over WebSocket works only with `--worker-token-file`.

use anyhow::Result;
use infera_client::keys::{generate_worker_token, prove_key_via_worker};
use infera_e2e::Worker;
use std::time::Duration;

#[tokio::test]
async fn prove_key_needs_the_worker_token() -> Result<()> {
	let dir = tempfile::tempdir()?;
	let token = dir.path().join("worker.token");
	generate_worker_token(&token)?;
	let token_arg = token.display().to_string();
	let mut worker = Worker::spawn("worker-token", "//DaveWorker", &["--token-file", &token_arg])?;
	worker.ready(Duration::from_secs(60)).await?;
	let provider = subxt::utils::AccountId32([7; 32]);
	let genesis = [9; 32];

	let proven = prove_key_via_worker(&worker.url(), Some(&token), genesis, &provider).await?;
	assert!(proven.verifies(genesis, &provider), "the proof from the worker does not verify");

	let refused = prove_key_via_worker(&worker.url(), None, genesis, &provider).await;
	let message = format!("{:#}", refused.expect_err("the worker answered without a token"));
	assert!(message.contains("401") || message.contains("--worker-token-file"), "{message}");

	let wrong = dir.path().join("wrong.token");
	generate_worker_token(&wrong)?;
	let refused = prove_key_via_worker(&worker.url(), Some(&wrong), genesis, &provider).await;
	assert!(refused.is_err(), "the worker answered with a wrong token");
	Ok(())
}
