use super::*;
use crate::{keys::WorkerKeySource, spec::AgreementRule};

#[test]
fn model_register_parses_specs_rule_and_fee() {
	let cli = parse([
		"infera",
		"--json",
		"model",
		"register",
		"--name",
		"digits-cnn",
		"--artifact",
		"/tmp/a.pt",
		"--uri",
		"file:///tmp/a.pt",
		"--input",
		"f32:1,8,8",
		"--output",
		"f32:10",
		"--rule",
		"top_k:1",
		"--fee",
		"0.01INF",
	])
	.unwrap();
	assert!(cli.json);
	assert_eq!(cli.url, "ws://127.0.0.1:9944");
	assert_eq!(cli.suri, "//Alice");
	match cli.command {
		Command::Model(ModelCmd::Register {
			name,
			entry: ModelEntryArgs { input, output, rule, fee, .. },
		}) => {
			assert_eq!(name, "digits-cnn");
			assert_eq!(input.shape, vec![1, 8, 8]);
			assert_eq!(output.byte_len(), Some(40));
			assert_eq!(rule, AgreementRule::TopK { k: 1 });
			assert_eq!(fee, crate::spec::UNIT / 100);
		}
		other => panic!("unexpected {other:?}"),
	}
}

#[test]
fn bad_specs_and_rules_are_refused() {
	let base = ["infera", "model", "register", "--name", "m", "--artifact", "a", "--uri", "u"];
	let with = |input: &str, rule: &str| {
		let mut v: Vec<String> = base.iter().map(|s| s.to_string()).collect();
		v.extend(["--input", input, "--output", "f32:10", "--rule", rule].map(String::from));
		parse(v)
	};
	assert!(with("f32:1,8,8", "quantized:3").is_ok());
	assert!(with("f32:1,8,8", "exact").is_ok());
	assert!(with("f64:1,8,8", "exact").is_err());
	assert!(with("f32:1,0", "exact").is_err());
	assert!(with("f32:1,8,8", "top_k").is_err());
	assert!(with("f32:1,8,8", "majority").is_err());
}

#[test]
fn provider_register_parses_key_models_and_amounts() {
	let key = format!("0x{}", "11".repeat(32));
	let cli = parse([
		"infera",
		"--suri",
		"//Bob",
		"--url",
		"ws://127.0.0.1:1",
		"provider",
		"register",
		"--bond",
		"100INF",
		"--worker-url",
		"http://127.0.0.1:8700",
		"--worker-key",
		&key,
		"--models",
		"0,1",
		"--capacity",
		"3",
		"--price",
		"5000",
	])
	.unwrap();
	assert_eq!(cli.suri, "//Bob");
	match cli.command {
		Command::Provider(ProviderCmd::Register { bond, worker, models, capacity, price }) => {
			assert_eq!(bond, 100 * crate::spec::UNIT);
			assert_eq!(worker.worker_key, Some([0x11; 32]));
			assert_eq!(
				worker.source().unwrap(),
				WorkerKeySource::Worker { url: "http://127.0.0.1:8700".into(), token_file: None }
			);
			assert_eq!(models, vec![0, 1]);
			assert_eq!(capacity, 3);
			assert_eq!(price, 5000);
		}
		other => panic!("unexpected {other:?}"),
	}
	let short = parse([
		"infera",
		"provider",
		"register",
		"--bond",
		"1",
		"--worker-key",
		"0x12",
		"--models",
		"0",
		"--price",
		"1",
	]);
	assert!(short.is_err());
}

#[tokio::test]
async fn a_worker_key_needs_a_proof_from_the_worker_or_its_key_file() {
	let key = format!("0x{}", "11".repeat(32));
	let register = |extra: &[&str]| {
		let mut args = vec!["infera", "--url", "ws://127.0.0.1:1", "provider", "register"];
		args.extend(["--bond", "1", "--models", "0", "--price", "1"]);
		args.extend(extra);
		parse(args)
	};
	// `--worker-key` alone parses, but is refused before connecting, naming both options.
	let alone = register(&["--worker-key", &key]).unwrap();
	let error = execute(&alone, |_| {}).await.unwrap_err().to_string();
	assert!(error.contains("--worker-key alone is not enough"), "{error}");
	assert!(error.contains("--worker-url URL") && error.contains("--worker-key-file FILE"));
	let none = register(&[]).unwrap();
	let error = execute(&none, |_| {}).await.unwrap_err().to_string();
	assert!(error.contains("--worker-url URL") && error.contains("--worker-key-file FILE"));
	// One source, not two.
	assert!(register(&["--worker-url", "http://w:1", "--worker-key-file", "w.key"]).is_err());
	let file = register(&["--worker-key-file", "w.key"]).unwrap();
	match file.command {
		Command::Provider(ProviderCmd::Register { worker, .. }) => {
			assert_eq!(worker.source().unwrap(), WorkerKeySource::KeyFile(PathBuf::from("w.key")))
		}
		other => panic!("unexpected {other:?}"),
	}
	// Rotation takes the same options.
	let rotate = parse(["infera", "provider", "rotate-worker-key", "--worker-key-file", "w.key"]);
	match rotate.unwrap().command {
		Command::Provider(ProviderCmd::RotateWorkerKey { worker }) => {
			assert_eq!(worker.source().unwrap(), WorkerKeySource::KeyFile(PathBuf::from("w.key")))
		}
		other => panic!("unexpected {other:?}"),
	}
	let rotate = parse(["infera", "provider", "rotate-worker-key", "--worker-key", &key]);
	match rotate.unwrap().command {
		Command::Provider(ProviderCmd::RotateWorkerKey { worker }) => {
			assert!(worker.source().is_err())
		}
		other => panic!("unexpected {other:?}"),
	}
}

#[tokio::test]
async fn generating_a_worker_key_needs_no_node() {
	let folder = tempfile::tempdir().unwrap();
	let file = folder.path().join("worker.key");
	let file_arg = file.to_str().unwrap();
	// Nothing listens on port 1: a command that connected would fail.
	let cli = parse(["infera", "--url", "ws://127.0.0.1:1", "keys", "generate-worker", file_arg]);
	let output = execute(&cli.unwrap(), |_| {}).await.unwrap();
	assert!(file.is_file());
	assert_eq!(output.json["file"], json!(file_arg));
	let balance = parse(["infera", "--url", "ws://127.0.0.1:1", "balance"]).unwrap();
	assert!(execute(&balance, |_| {}).await.is_err(), "other commands need the node");
}

#[test]
fn job_and_other_commands_parse() {
	let cli = parse([
		"infera",
		"job",
		"submit",
		"--model",
		"0",
		"--input",
		"x.bin",
		"--max-price",
		"1INF",
		"--redundancy",
		"3",
		"--wait",
	])
	.unwrap();
	match cli.command {
		Command::Job(JobCmd::Submit { model, max_price, redundancy, wait, .. }) => {
			assert_eq!((model, max_price, redundancy, wait), (0, crate::spec::UNIT, Some(3), true));
		}
		other => panic!("unexpected {other:?}"),
	}
	let cli = parse(["infera", "job", "submit", "--model", "0", "--input", "x"]).unwrap();
	match cli.command {
		Command::Job(JobCmd::Submit { max_price, redundancy, wait, .. }) => {
			assert_eq!((max_price, redundancy, wait), (u128::MAX, None, false));
		}
		other => panic!("unexpected {other:?}"),
	}
	assert!(matches!(
		parse(["infera", "job", "show", "7"]).unwrap().command,
		Command::Job(JobCmd::Show { id: 7 })
	));
	assert!(matches!(
		parse(["infera", "provider", "unbond", "10INF"]).unwrap().command,
		Command::Provider(ProviderCmd::Unbond { amount }) if amount == 10 * crate::spec::UNIT
	));
	assert!(matches!(
		parse(["infera", "balance", "//Bob"]).unwrap().command,
		Command::Balance { account: Some(_) }
	));
	assert!(parse(["infera", "job", "show", "x"]).is_err());
	assert!(matches!(
		parse(["infera", "gov", "propose-upgrade", "runtime.compact.compressed.wasm"])
			.unwrap()
			.command,
		Command::Gov(GovCmd::ProposeUpgrade { wasm }) if wasm.ends_with("runtime.compact.compressed.wasm")
	));
	assert!(parse(["infera", "gov", "propose-upgrade"]).is_err());
}

#[test]
fn accounts_parse_from_uri_hex_and_ss58() {
	let bob = parse_account("//Bob").unwrap();
	assert_eq!(parse_account(&bob.to_string()).unwrap(), bob);
	assert_eq!(parse_account(&format!("0x{}", hex::encode(bob.0))).unwrap(), bob);
	assert!(parse_account("not-an-address").is_err());
}
