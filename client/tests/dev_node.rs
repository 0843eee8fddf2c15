//! The client library against a real `--dev` node (started by the e2e harness on free ports,
//! killed on drop): a model is registered by Bob and a provider by Alice, both are read back,
//! a job is submitted and assigned, and failing calls report their pallet error names.

use anyhow::Result;
use infera_client::{
	chain::{account_of, keypair, Chain, JobStatus, ModelEntry, ProviderStatus},
	cli::{execute, parse},
	spec::{parse_tensor_spec, AgreementRule, TensorSpec, UNIT},
};
use infera_e2e::Node;
use std::time::Duration;

#[tokio::test]
async fn registers_a_model_and_a_provider_and_reads_them_back() -> Result<()> {
	let mut node = Node::spawn("client", &["--dev"])?;
	node.client(Duration::from_secs(180)).await?;
	let chain = Chain::connect(&node.ws_url()).await?;
	let bob = keypair("//Bob")?;
	let alice = keypair("//Alice")?;
	let charlie = keypair("//Charlie")?;

	// A model, registered through the library by Bob.
	let artifact = b"not really torchscript, the chain only stores the hash";
	let input: TensorSpec = parse_tensor_spec("f32:1,8,8")?;
	let output: TensorSpec = parse_tensor_spec("f32:10")?;
	let entry = ModelEntry {
		artifact_hash: infera_client::blake2_256(artifact),
		uri: "file:///tmp/digits.pt".into(),
		input: input.clone(),
		output: output.clone(),
		rule: AgreementRule::TopK { k: 1 },
		fee: UNIT / 100,
	};
	let id = chain.register_model(&bob, "digits", &entry).await?;
	let model = chain.model(id).await?.expect("registered model is stored");
	assert_eq!(model.owner, account_of(&bob));
	assert_eq!(model.name, b"digits");
	assert_eq!(model.artifact_hash, infera_client::blake2_256(artifact));
	assert_eq!(model.input, input);
	assert_eq!(model.output, output);
	assert_eq!(model.rule, AgreementRule::TopK { k: 1 });
	assert_eq!(model.input_len, 256);
	assert_eq!(model.output_len, 4);
	assert_eq!(model.fee, UNIT / 100);
	assert_eq!((model.predecessor, model.successor, model.latest), (None, None, id));
	assert!(model.deposit > 0);
	assert!(chain.models().await?.iter().any(|m| m.id == id));

	// The same name again fails with the pallet's error name.
	let other = ModelEntry { artifact_hash: [0; 32], rule: AgreementRule::Exact, fee: 0, ..entry };
	let dup =
		chain.register_model(&bob, "digits", &other).await.expect_err("duplicate name must fail");
	assert!(format!("{dup:#}").contains("DuplicateName"), "{dup:#}");

	// No provider yet: a job is refused with a clear error.
	let image = vec![0u8; 256];
	let none =
		chain.submit_job(&charlie, id, &image, u128::MAX, None).await.expect_err("no provider");
	assert!(format!("{none:#}").contains("NotEnoughProviders"), "{none:#}");

	// Alice registers as a provider through the command-line layer (as `infera` would), proving
	// with the worker's key file that she holds the worker key.
	let worker = keypair("//AliceWorker")?.public_key().0;
	let dir = tempfile::tempdir()?;
	let key_file = dir.path().join("worker.key");
	std::fs::write(&key_file, "//AliceWorker")?;
	let cli = parse([
		"infera",
		"--url",
		&node.ws_url(),
		"--suri",
		"//Alice",
		"--json",
		"provider",
		"register",
		"--bond",
		"100INF",
		"--worker-key-file",
		&key_file.to_string_lossy(),
		"--models",
		&id.to_string(),
		"--capacity",
		"2",
		"--price",
		"0.02INF",
	])?;
	let out = execute(&cli, |_| {}).await?;
	let view = chain.provider(&account_of(&alice)).await?;
	assert_eq!(serde_json::from_value::<ProviderStatus>(out.json)?, view);
	let info = view.provider.expect("registered");
	assert_eq!(info.worker, worker);
	assert_eq!(info.models, vec![id]);
	assert_eq!(info.capacity, 2);
	assert_eq!(info.price, UNIT / 50);
	assert!(info.online);
	assert_eq!((info.bonded, info.unbonding, info.unlocking.len()), (100 * UNIT, 0, 0));

	// A job is accepted, held and assigned to Alice.
	let before = chain.balance(&account_of(&charlie)).await?;
	let sub = chain.submit_job(&charlie, id, &image, u128::MAX, Some(1)).await?;
	assert_eq!(sub.providers, vec![account_of(&alice)]);
	let job = chain.job(sub.job_id).await?.expect("stored");
	assert_eq!(job.user, account_of(&charlie));
	assert_eq!(job.model, id);
	assert_eq!(job.input_hash, infera_client::blake2_256(&image));
	assert!(matches!(job.status, JobStatus::Pending { .. }));
	assert_eq!(job.held, sub.price);
	let after = chain.balance(&account_of(&charlie)).await?;
	assert!(after.reserved >= before.reserved + sub.price);

	// Going offline and online again through the CLI layer.
	for cmd in ["offline", "online"] {
		let cli = parse(["infera", "--url", &node.ws_url(), "provider", cmd])?;
		execute(&cli, |_| {}).await?;
	}
	assert!(chain.provider(&account_of(&alice)).await?.provider.expect("still there").online);
	Ok(())
}
