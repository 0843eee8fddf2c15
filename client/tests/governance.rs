//! Governance end to end on a real `--dev` node (referendum periods of seconds), driven through
//! the command-line layer as `infera gov …` would be: a referendum to raise the default
//! redundancy to 2 is voted aye with conviction by Alice, Bob and Charlie, passes, is enacted,
//! and the next job gets two providers; a concurrent referendum to lower the allowed redundancy,
//! voted down by Eve and Ferdie, is rejected and changes nothing.
//!
//! And a runtime upgrade by referendum on the root track of a `local` network (three of its four
//! validators and a provider site), proposed with `infera gov propose-upgrade`: jobs submitted
//! before, during and after the vote all complete, and every node runs the new spec version.

use anyhow::{bail, Context, Result};
use infera_client::{
	chain::{keypair, Chain, ModelEntry},
	cli::{execute, parse, Output},
	spec::{parse_tensor_spec, AgreementRule, UNIT},
};
use infera_e2e::{
	market::{self, job_price, Digits, AUTHOR_FEE, BOND, MODEL, PRICE},
	network::{local_spec_with_dev_referendum_timing, start_validators, ProviderSite},
	spec_version, wait_for, wait_for_spec_version, Node, BOOTNODE_PEER_ID,
};
use serde_json::{json, Value};
use std::time::Duration;

/// Runs `infera --url <node> --suri <suri> --json <args…>`.
async fn infera(node: &Node, suri: &str, args: &[&str]) -> Result<Output> {
	let url = node.ws_url();
	let mut argv = vec!["infera", "--url", &url, "--suri", suri, "--json"];
	argv.extend_from_slice(args);
	execute(&parse(argv)?, |_| {}).await
}

async fn state(node: &Node, index: &str) -> Result<Value> {
	Ok(infera(node, "//Alice", &["gov", "status", index]).await?.json)
}

async fn parameters(node: &Node) -> Result<Value> {
	Ok(infera(node, "//Alice", &["gov", "parameters"]).await?.json)
}

#[tokio::test]
async fn a_referendum_changes_the_default_redundancy_and_a_rejected_one_changes_nothing(
) -> Result<()> {
	let mut node = Node::spawn("governance", &["--dev"])?;
	node.client(Duration::from_secs(180)).await?;
	let chain = Chain::connect(&node.ws_url()).await?;

	// A model and two providers, so that jobs of redundancy 2 can be assigned. No worker serves
	// them: their jobs time out, and the bonds stay above the minimum after the 1% slashes.
	let entry = ModelEntry {
		artifact_hash: [7; 32],
		uri: "file:///tmp/digits.pt".into(),
		input: parse_tensor_spec("f32:1,8,8")?,
		output: parse_tensor_spec("f32:10")?,
		rule: AgreementRule::TopK { k: 1 },
		fee: 0,
	};
	let model = chain.register_model(&keypair("//Bob")?, "digits", &entry).await?.to_string();
	let dir = tempfile::tempdir()?;
	for (suri, worker) in [("//Alice", "//AliceWorker"), ("//Dave", "//DaveWorker")] {
		// A key file per worker: the CLI signs the proof that the provider holds it.
		let key_file = dir.path().join(format!("{}.key", &suri[2..]));
		std::fs::write(&key_file, worker)?;
		let key_file = key_file.to_string_lossy().to_string();
		infera(
			&node,
			suri,
			&[
				"provider",
				"register",
				"--bond",
				"200INF",
				"--worker-key-file",
				&key_file,
				"--models",
				&model,
				"--capacity",
				"8",
				"--price",
				"0.01INF",
			],
		)
		.await?;
	}
	let image = vec![0u8; 256];
	let charlie = keypair("//Charlie")?;
	let before = chain.submit_job(&charlie, model.parse()?, &image, u128::MAX, None).await?;
	assert_eq!(before.providers.len(), 1, "the genesis default redundancy is 1");

	// Bad input is refused before anything is sent.
	let unknown = infera(&node, "//Alice", &["gov", "propose-parameter", "redundancy", "2"]).await;
	assert!(format!("{:#}", unknown.expect_err("unknown name")).contains("default-redundancy"));
	let bad = infera(&node, "//Alice", &["gov", "propose-parameter", "protocol-fee", "120%"]).await;
	assert!(format!("{:#}", bad.expect_err("out of range")).contains("between 0% and 100%"));

	// Two referenda at once.
	let pass = infera(&node, "//Alice", &["gov", "propose-parameter", "default-redundancy", "2"])
		.await?
		.json;
	let fail =
		infera(&node, "//Bob", &["gov", "propose-parameter", "max-redundancy", "3"]).await?.json;
	assert_eq!((pass["track"].clone(), fail["track"].clone()), (json!(1), json!(1)));
	let (pass, fail) = (pass["index"].to_string(), fail["index"].to_string());

	// Ayes with conviction, 2.1M of 6M INF issued: 35% support, 100% approval.
	for (suri, amount, conviction) in [
		("//Alice", "700000INF", "1"),
		("//Bob", "700000INF", "2"),
		("//Charlie", "700000INF", "3"),
	] {
		infera(
			&node,
			suri,
			&["gov", "vote", &pass, "aye", "--amount", amount, "--conviction", conviction],
		)
		.await?;
	}
	// Mostly nays: approval far below 50%.
	for (suri, choice, amount, conviction) in [
		("//Dave", "aye", "100000INF", "1"),
		("//Eve", "nay", "500000INF", "1"),
		("//Ferdie", "nay", "500000INF", "6"),
	] {
		infera(
			&node,
			suri,
			&["gov", "vote", &fail, choice, "--amount", amount, "--conviction", conviction],
		)
		.await?;
	}
	// The losing referendum is decided for 60 blocks: its tally is conviction-weighted.
	let tally = state(&node, &fail).await?;
	assert_eq!(tally["state"], json!("ongoing"));
	assert_eq!(tally["ayes"], json!(100_000 * UNIT));
	assert_eq!(tally["nays"], json!((500_000 + 6 * 500_000) * UNIT));
	assert_eq!(tally["support"], json!(100_000 * UNIT));
	let voting = infera(&node, "//Eve", &["gov", "vote", "4242", "aye", "--amount", "1INF"]).await;
	let voting = format!("{:#}", voting.expect_err("no such referendum"));
	assert!(voting.contains("NotOngoing"), "{voting}");

	// The passing referendum is approved, then enacted: the parameter changes.
	wait_for("the referendum to pass", Duration::from_secs(120), || async {
		let s = state(&node, &pass).await?;
		Ok((s["state"] == json!("approved")).then_some(()))
	})
	.await?;
	wait_for("the new default redundancy", Duration::from_secs(60), || async {
		Ok((parameters(&node).await?["default_redundancy"] == json!(2)).then_some(()))
	})
	.await?;
	let after = chain.submit_job(&charlie, model.parse()?, &image, u128::MAX, None).await?;
	assert_eq!(after.providers.len(), 2, "jobs after the referendum get two providers");

	// The other is rejected at the end of its decision period; nothing changed.
	wait_for("the referendum to be rejected", Duration::from_secs(150), || async {
		match state(&node, &fail).await?["state"].as_str() {
			Some("rejected") => Ok(Some(())),
			Some("ongoing") => Ok(None),
			other => bail!("referendum {fail} ended {other:?}"),
		}
	})
	.await?;
	assert_eq!(parameters(&node).await?["max_redundancy"], json!(7));
	let three = chain.submit_job(&charlie, model.parse()?, &image, u128::MAX, Some(3)).await;
	let three = format!("{:#}", three.expect_err("only two providers"));
	assert!(three.contains("NotEnoughProviders"), "{three}");
	Ok(())
}

#[tokio::test]
async fn a_referendum_upgrades_the_runtime_of_a_local_network_while_jobs_flow() -> Result<()> {
	let code = std::env::var("INFERA_UPGRADE_WASM").context(
		"INFERA_UPGRADE_WASM must name the spec-version-bump runtime blob (scripts/test.sh builds it)",
	)?;
	let digits = Digits::load()?;
	let expected = digits.expected_top1(MODEL)?;
	// The `local` chain with referendum periods of seconds; One stays down, and the other three
	// of the four GRANDPA voters finalize.
	let folder = tempfile::tempdir()?;
	let spec_path = folder.path().join("local-fast-referenda.json");
	local_spec_with_dev_referendum_timing(&spec_path)?;
	let spec = spec_path.to_str().context("temp path is not UTF-8")?;
	let mut validators = start_validators(spec, &["alice", "bob", "charlie"], "-referendum")?;
	for node in validators.iter_mut() {
		node.client(Duration::from_secs(180)).await?;
	}
	let client = validators[0].client(Duration::from_secs(10)).await?;
	let alice = &validators[0];
	let bootnode = alice.multiaddr(BOOTNODE_PEER_ID);
	let mut dave = ProviderSite::start("dave-referendum", "//Dave", spec, &bootnode).await?;
	let dave_client = dave.node.client(Duration::from_secs(60)).await?;
	let (bob, eve) = (keypair("//Bob")?, keypair("//Eve")?);
	let model = market::register_digits_model(&client, &bob, &digits, MODEL, AUTHOR_FEE).await?;
	market::register_provider(&client, &dave.key, &dave.terms(model, BOND, 16, PRICE)?).await?;
	let old_spec = spec_version(&client).await?;
	let submit_jobs = |range: std::ops::Range<usize>| {
		market::submit_jobs(&client, &eve, model, &digits.inputs[range], 1, job_price(1))
	};

	let before = submit_jobs(0..3).await?;
	let proposed = infera(alice, "//Alice", &["gov", "propose-upgrade", &code]).await?.json;
	assert_eq!(proposed["track"], json!(0), "a runtime upgrade is decided on the root track");
	let index = proposed["index"].to_string();
	// 2.7M of 6M INF issued vote aye: 45% support, which the root track's curve (50% falling to
	// 5% over the decision period) accepts a few blocks into the decision.
	for suri in ["//Alice", "//Bob", "//Charlie"] {
		let vote = ["gov", "vote", &index, "aye", "--amount", "900000INF", "--conviction", "1"];
		infera(alice, suri, &vote).await?;
	}
	let during = submit_jobs(3..6).await?;
	wait_for("the upgrade referendum to pass", Duration::from_secs(240), || async {
		match state(alice, &index).await?["state"].as_str() {
			Some("approved") => Ok(Some(())),
			Some("ongoing") => Ok(None),
			other => bail!("referendum {index} ended {other:?}"),
		}
	})
	.await?;
	for (name, client) in [("validator", &client), ("provider", &dave_client)] {
		wait_for_spec_version(client, name, old_spec + 1, Duration::from_secs(120)).await?;
	}
	let after = submit_jobs(6..9).await?;

	let ids: Vec<u64> = before.iter().chain(&during).chain(&after).map(|j| j.job_id).collect();
	market::assert_completed_with(&client, &ids, &expected, Duration::from_secs(180)).await?;
	let audit = market::audit(&client).await?;
	println!(
		"referendum {index} upgraded spec {old_spec} -> {} on the local network; 9 jobs across \
		 the vote completed; audit: {audit:?}",
		old_spec + 1
	);
	drop(dave);
	Ok(())
}
