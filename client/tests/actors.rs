//! Every actor's commands through the command-line layer, as `infera …` runs them, against a
//! real `--dev` node whose off-chain worker calls a real libtorch inference worker: one full
//! marketplace round (author, provider, user; the answer is libtorch's), every other command of
//! each actor, and each class of error the client must explain: node unreachable, insufficient
//! balance, a dispatch error decoded to the pallet's error name, an RPC error with its code, and
//! bad input.

use anyhow::{ensure, Context, Result};
use infera_client::{
	chain::{Job, JobStatus, Model, Provider, ProviderStatus},
	cli::{execute, parse, Output},
	spec::UNIT,
};
use infera_e2e::{
	market::{self, keypair, Digits, MODEL},
	Node, Worker,
};
use serde_json::{json, Value};
use std::time::Duration;

/// Runs `infera --url <url> --suri <suri> --json <args…>`.
async fn infera_at(url: &str, suri: &str, args: &[&str]) -> Result<Output> {
	let mut argv = vec!["infera", "--url", url, "--suri", suri, "--json"];
	argv.extend_from_slice(args);
	execute(&parse(argv)?, |_| {}).await
}

/// The error of a command expected to fail, as text.
async fn error_of(url: &str, suri: &str, args: &[&str]) -> String {
	match infera_at(url, suri, args).await {
		Ok(out) => panic!("`{}` succeeded: {}", args.join(" "), out.text),
		Err(e) => format!("{e:#}"),
	}
}

#[tokio::test]
async fn every_actor_command_works_and_errors_say_what_to_do() -> Result<()> {
	let digits = Digits::load()?;
	let mut worker = Worker::spawn("worker-actors", "//DaveWorker", &[])?;
	worker.ready(Duration::from_secs(60)).await?;
	let mut node = Node::spawn(
		"actors",
		&[&["--dev", "--offchain-worker", "always"][..], &worker.node_args()].concat(),
	)?;
	node.client(Duration::from_secs(180)).await?;
	let url = node.ws_url();
	let run = |suri: &'static str, args: Vec<String>| {
		let url = url.clone();
		async move {
			let args: Vec<&str> = args.iter().map(String::as_str).collect();
			Ok::<Value, anyhow::Error>(infera_at(&url, suri, &args).await?.json)
		}
	};
	let v = |args: &[&str]| args.iter().map(|s| s.to_string()).collect::<Vec<_>>();
	let dir = tempfile::tempdir()?;
	let file = &digits.manifest.model(MODEL)?.file;
	let artifact = digits.dir.join(file).to_string_lossy().to_string();
	let uri = digits.artifact_uri(MODEL)?;

	// Model author: register, publish a version, set its fee, deprecate the first.
	let spec = ["--input", "f32:1,8,8", "--output", "f32:10", "--rule", "top_k:1"];
	let mut args = v(&["model", "register", "--name", "digits", "--artifact", &artifact]);
	args.extend(v(&["--uri", &uri]));
	args.extend(v(&spec));
	let first = run("//Bob", args).await?["model"].as_u64().expect("id").to_string();
	let mut args = v(&["model", "version", &first, "--artifact", &artifact, "--uri", &uri]);
	args.extend(v(&spec));
	let second = run("//Bob", args).await?["id"].as_u64().expect("id").to_string();
	run("//Bob", v(&["model", "set-fee", &second, "0.02INF"])).await?;
	run("//Bob", v(&["model", "deprecate", &first])).await?;
	let model = |shown: Value| -> Result<Model> { Ok(serde_json::from_value(shown)?) };
	let older = model(run("//Bob", v(&["model", "show", &first])).await?)?;
	let shown = model(run("//Bob", v(&["model", "show", &second])).await?)?;
	assert!(older.deprecated && !shown.deprecated);
	assert_eq!((shown.fee, shown.version), (UNIT / 50, 2));
	// The lineage links both ways, and each version holds its own deposit.
	assert_eq!((older.successor, shown.predecessor), (Some(shown.id), Some(older.id)));
	assert!(older.deposit > 0 && shown.deposit > 0);
	let listed: Vec<Model> = serde_json::from_value(run("//Bob", v(&["model", "list"])).await?)?;
	ensure!(listed.contains(&older) && listed.contains(&shown), "model list: {listed:?}");

	// Provider Dave: registration with his worker's key, proven by the running worker
	// (`prove_key`), then every change of stake and terms.
	let worker_key = format!("0x{}", hex::encode(keypair("//DaveWorker")?.public_key().0));
	run(
		"//Dave",
		v(&[
			"provider",
			"register",
			"--bond",
			"100INF",
			"--worker-url",
			&worker.url(),
			"--worker-token-file",
			worker.token_file(),
			"--worker-key",
			&worker_key,
			"--models",
			&second,
			"--price",
			"0.01INF",
		]),
	)
	.await?;
	run("//Dave", v(&["provider", "bond", "50INF"])).await?;
	run("//Dave", v(&["provider", "set-price", "0.03INF"])).await?;
	run("//Dave", v(&["provider", "set-capacity", "3"])).await?;
	// `provider …` answers with the provider's view, in the marketplace API's JSON form.
	let provider = |shown: serde_json::Value| -> Result<Provider> {
		let status: ProviderStatus = serde_json::from_value(shown)?;
		status.provider.context("registered")
	};
	let shown = provider(run("//Dave", v(&["provider", "set-models", &second])).await?)?;
	assert_eq!((shown.bonded, shown.price, shown.capacity), (150 * UNIT, 3 * UNIT / 100, 3));
	// Dave names an operator; `provider show` names it; then he removes it.
	run("//Dave", v(&["provider", "set-operator", "//DaveOperator"])).await?;
	let shown = provider(run("//Dave", v(&["provider", "show"])).await?)?;
	let operator =
		infera_client::chain::account_of(&infera_client::chain::keypair("//DaveOperator")?);
	assert_eq!(shown.operator, Some(operator));
	run("//Dave", v(&["provider", "set-operator", "--clear"])).await?;
	let shown = provider(run("//Dave", v(&["provider", "show"])).await?)?;
	assert_eq!(shown.operator, None);

	// User Charlie: a quote, then a job from JSON numbers. The node holds no key of Dave yet,
	// so nothing answers it, and Charlie cancels it: after the grace, everything but the
	// protocol fee comes back.
	let quote = run("//Charlie", v(&["job", "quote", "--model", &second])).await?;
	// Provider 0.03 + author 0.02 + 5% of 0.03 + the storage fee of input and result + the
	// audit fee of a redundancy-1 job, 10% of 0.03.
	let storage =
		u128::from(market::DIGITS_STORED_BYTES) * infera_primitives::params::DEFAULT_BYTE_FEE;
	let total = 30_000_000_000u128 + 20_000_000_000 + 1_500_000_000 + storage + 3_000_000_000;
	assert_eq!(quote["total"], json!(total.to_string()));
	let numbers: Vec<f32> =
		digits.inputs[0].chunks(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
	let input = dir.path().join("digit.json");
	std::fs::write(&input, serde_json::to_string(&numbers)?)?;
	let input = input.to_string_lossy().to_string();
	let submit = v(&["job", "submit", "--model", &second, "--input", &input]);
	let unanswered = run("//Charlie", submit.clone()).await?["job_id"].to_string();
	let requested = run("//Charlie", v(&["job", "cancel", &unanswered])).await?;
	assert!(requested["cancel_at"].is_u64(), "{requested}");
	let shown = infera_e2e::wait_for("the cancellation", Duration::from_secs(60), || async {
		let shown = run("//Charlie", v(&["job", "show", &unanswered])).await?;
		Ok((shown["state"] == json!("cancelled")).then_some(shown))
	})
	.await?;
	let cancelled: Job = serde_json::from_value(shown)?;
	assert_eq!((cancelled.held, cancelled.cancel_at.is_some()), (0, true));

	// Dave's key goes into the node: his jobs are now answered. A full round, through `--wait`.
	run("//Dave", v(&["keys", "insert-provider"])).await?;
	let mut wait = submit.clone();
	wait.extend(v(&["--wait", "--timeout", "120"]));
	let done = run("//Charlie", wait).await?;
	assert_eq!(done["state"], json!("completed"), "{done}");
	let expected = digits.expected_top1(MODEL)?[0];
	assert_eq!(done["top_k"], json!([expected]), "the chain's answer is libtorch's");
	let done: Job = serde_json::from_value(done)?;
	ensure!(matches!(done.status, JobStatus::Completed { .. }), "{done:?}");
	assert_eq!(done.result.as_deref().map(<[u8]>::len), Some(done.output_len as usize));
	let listed: Vec<Job> = serde_json::from_value(run("//Charlie", v(&["job", "list"])).await?)?;
	assert_eq!(listed[0].id, done.id);
	assert_eq!(listed[1].id.to_string(), unanswered);
	// The signer may come from a key file instead of `--suri`.
	let dave_key = dir.path().join("dave.key");
	std::fs::write(&dave_key, "//Dave\n")?;
	let record =
		run("//Alice", v(&["--key-file", &dave_key.to_string_lossy(), "provider", "show"])).await?;
	let dave = infera_client::chain::account_of(&keypair("//Dave")?);
	let record: ProviderStatus = serde_json::from_value(record)?;
	assert_eq!(record.account, dave);
	assert_eq!(record.provider.context("registered")?.active_jobs, 0);

	// A worker key of one's own, written once.
	let key_file = dir.path().join("worker.key");
	let generated =
		run("//Dave", v(&["keys", "generate-worker", &key_file.to_string_lossy()])).await?;
	assert!(generated["public"].as_str().is_some_and(|k| k.len() == 66));
	let key_file = key_file.to_string_lossy().to_string();
	let again = error_of(&url, "//Dave", &["keys", "generate-worker", &key_file]).await;
	assert!(again.contains("never overwritten"), "{again}");
	// Dave rotates to it, the proof signed with the key file.
	let rotate = ["provider", "rotate-worker-key", "--worker-key-file", &key_file];
	let rotated = run("//Dave", v(&rotate)).await?;
	assert_eq!(rotated["provider"]["worker"], generated["public"]);

	// A worker key is registered only with its proof: the key alone is refused before any
	// transaction, and an unreachable worker is named.
	let register = ["provider", "register", "--bond", "100INF", "--models", &second];
	let alone = [&register[..], &["--price", "0.01INF", "--worker-key", &worker_key][..]].concat();
	let alone = error_of(&url, "//Eve", &alone).await;
	assert!(alone.contains("--worker-url") && alone.contains("--worker-key-file"), "{alone}");
	let no_worker =
		[&register[..], &["--price", "0.01INF", "--worker-url", "http://127.0.0.1:1"][..]];
	let no_worker = error_of(&url, "//Eve", &no_worker.concat()).await;
	assert!(no_worker.contains("cannot reach the inference worker"), "{no_worker}");

	// Errors say what happened and what to do.
	let unreachable = error_of("ws://127.0.0.1:1", "//Alice", &["balance"]).await;
	assert!(unreachable.contains("cannot connect to the node"), "{unreachable}");
	let submit_input = ["job", "submit", "--model", &second, "--input", &input];
	let poor = error_of(&url, "//Nobody", &submit_input).await;
	assert!(poor.contains("insufficient balance") && poor.contains("transfer funds"), "{poor}");
	let not_owner = error_of(&url, "//Charlie", &["model", "deprecate", &second]).await;
	assert!(not_owner.contains("ModelRegistry::NotOwner"), "{not_owner}");
	let deprecated = error_of(&url, "//Charlie", &["job", "quote", "--model", &first]).await;
	assert!(deprecated.contains("ModelDeprecated") && deprecated.contains("1004"), "{deprecated}");
	std::fs::write(&input, "[1, 2, 3]")?;
	let bad_input = error_of(&url, "//Charlie", &submit_input).await;
	assert!(bad_input.contains("3 numbers"), "{bad_input}");
	Ok(())
}
