//! Every actor's commands through the command-line layer against a real `--dev` node (no
//! worker: jobs are only submitted, listed and cancelled), and each class of error the client
//! must explain: node unreachable, insufficient balance, a dispatch error decoded to the pallet's
//! error name, and bad input.

use anyhow::Result;
use infera_client::cli::{execute, parse, Output};
use infera_client::spec::UNIT;
use infera_e2e::Node;
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
	let mut node = Node::spawn("actors", &["--dev"])?;
	node.client(Duration::from_secs(180)).await?;
	let url = node.ws_url();
	let infera = |suri: &'static str, args: Vec<String>| {
		let url = url.clone();
		async move {
			let args: Vec<&str> = args.iter().map(String::as_str).collect();
			Ok::<Value, anyhow::Error>(infera_at(&url, suri, &args).await?.json)
		}
	};
	let v = |args: &[&str]| args.iter().map(|s| s.to_string()).collect::<Vec<_>>();
	let dir = tempfile::tempdir()?;
	let artifact = dir.path().join("model.pt");
	std::fs::write(&artifact, b"weights v1")?;
	let artifact = artifact.to_string_lossy().to_string();

	// Model author: register, publish a version, set its fee, deprecate the first.
	let spec =
		["--uri", "file:///m.pt", "--input", "f32:2,2", "--output", "f32:3", "--rule", "top_k:1"];
	let mut args = v(&["model", "register", "--name", "tiny", "--artifact", &artifact]);
	args.extend(v(&spec));
	let first = infera("//Bob", args).await?["model"].as_u64().expect("id").to_string();
	let mut args = v(&["model", "version", &first, "--artifact", &artifact, "--fee", "0.01INF"]);
	args.extend(v(&spec));
	let second = infera("//Bob", args).await?["id"].as_u64().expect("id").to_string();
	infera("//Bob", v(&["model", "set-fee", &second, "0.02INF"])).await?;
	infera("//Bob", v(&["model", "deprecate", &first])).await?;
	let shown = infera("//Bob", v(&["model", "show", &first])).await?;
	assert_eq!(shown["deprecated"], json!(true));
	let shown = infera("//Bob", v(&["model", "show", &second])).await?;
	assert_eq!((shown["fee"].clone(), shown["version"].clone()), (json!(UNIT / 50), json!(2)));

	// Provider: a worker key, the provider key in the node, registration and every change.
	let key_file = dir.path().join("worker.key");
	let worker = infera("//Alice", v(&["keys", "generate-worker", &key_file.to_string_lossy()]))
		.await?["public"]
		.as_str()
		.expect("public key")
		.to_string();
	infera("//Alice", v(&["keys", "insert-provider"])).await?;
	let alice = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
	let chain = infera_client::Chain::connect(&url).await?;
	let has_key: bool =
		chain.market("author_hasKey", subxt::rpcs::rpc_params![alice, "infr"]).await?;
	assert!(has_key, "the node's keystore holds Alice's provider key");
	infera(
		"//Alice",
		v(&[
			"provider",
			"register",
			"--bond",
			"100INF",
			"--worker-key",
			&worker,
			"--models",
			&second,
			"--price",
			"0.01INF",
		]),
	)
	.await?;
	infera("//Alice", v(&["provider", "bond", "50INF"])).await?;
	infera("//Alice", v(&["provider", "set-price", "0.03INF"])).await?;
	infera("//Alice", v(&["provider", "set-capacity", "3"])).await?;
	let shown = infera("//Alice", v(&["provider", "set-models", &second])).await?;
	assert_eq!(shown["ledger"]["bonded"], json!(150 * UNIT));
	assert_eq!(shown["provider"]["price"], json!(3 * UNIT / 100));
	assert_eq!(shown["provider"]["capacity"], json!(3));
	assert_eq!(shown["provider"]["worker"], json!(worker));

	// User: quote, submit from JSON numbers, list, cancel.
	let quote = infera("//Charlie", v(&["job", "quote", "--model", &second])).await?;
	// Provider 0.03 + author 0.02 + 5% of 0.03.
	assert_eq!(
		quote["total"],
		json!((30_000_000_000u128 + 20_000_000_000 + 1_500_000_000).to_string())
	);
	let input = dir.path().join("input.json");
	std::fs::write(&input, "[[0.5, 1.5], [2.5, 3.5]]")?;
	let input = input.to_string_lossy().to_string();
	let job = infera("//Charlie", v(&["job", "submit", "--model", &second, "--input", &input]))
		.await?["job_id"]
		.as_u64()
		.expect("job id")
		.to_string();
	let listed = infera("//Charlie", v(&["job", "list"])).await?;
	assert_eq!(listed[0]["id"].to_string(), job);
	infera("//Charlie", v(&["job", "cancel", &job])).await?;
	let shown = infera("//Charlie", v(&["job", "show", &job])).await?;
	assert_eq!(shown["held"], json!(0));
	assert_eq!(shown["status"]["state"], json!("cancelled"));

	// Errors say what happened and what to do.
	let unreachable = error_of("ws://127.0.0.1:1", "//Alice", &["balance"]).await;
	assert!(unreachable.contains("cannot connect to the node"), "{unreachable}");
	let poor =
		error_of(&url, "//Nobody", &["job", "submit", "--model", &second, "--input", &input]).await;
	assert!(poor.contains("insufficient balance") && poor.contains("transfer funds"), "{poor}");
	let not_owner = error_of(&url, "//Charlie", &["model", "deprecate", &second]).await;
	assert!(not_owner.contains("ModelRegistry::NotOwner"), "{not_owner}");
	let deprecated = error_of(&url, "//Charlie", &["job", "quote", "--model", &first]).await;
	assert!(deprecated.contains("ModelDeprecated") && deprecated.contains("1004"), "{deprecated}");
	std::fs::write(&input, "[1, 2, 3]")?;
	let bad_input =
		error_of(&url, "//Charlie", &["job", "submit", "--model", &second, "--input", &input])
			.await;
	assert!(bad_input.contains("3 numbers"), "{bad_input}");
	Ok(())
}
