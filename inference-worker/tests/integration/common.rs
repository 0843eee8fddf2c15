//! Shared fixtures: the exported demo models, the held-out set, engines built like main.rs.

use infera_primitives::{
	manifest::{Manifest, ManifestModel},
	model::AgreementRule,
	Digest, Hash,
};
use infera_worker::{
	api::Api,
	attest::Attestor,
	batcher::BatchConfig,
	engine::{Answer, Engine, EngineConfig, ModelSpec},
	fetch::FetchPolicy,
	metrics::Metrics,
	sandbox::{Isolation, SandboxConfig},
	store::ModelStore,
};
use std::{
	collections::BTreeMap,
	path::{Path, PathBuf},
	sync::{Arc, OnceLock},
	time::Duration,
};

/// The exported models and the held-out set.
pub struct Fixtures {
	pub dir: PathBuf,
	models: BTreeMap<String, ManifestModel>,
	/// Held-out inputs, raw little-endian f32 `[1, 8, 8]` each.
	pub inputs: Vec<Vec<u8>>,
	pub labels: Vec<u32>,
}

/// Input bytes of one digit image.
pub const INPUT_LEN: usize = 64 * 4;

/// The models exported by `scripts/export_models.py`, run once per test binary if needed.
/// `INFERA_MODELS_DIR` points at an existing export; default: a folder of the target dir.
pub fn fixtures() -> &'static Fixtures {
	static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
	FIXTURES.get_or_init(|| {
		let dir = std::env::var_os("INFERA_MODELS_DIR")
			.map(PathBuf::from)
			.unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("infera-models"));
		if !dir.join("manifest.json").exists() {
			export_models(&dir);
		}
		let manifest = Manifest::read(&dir.join("manifest.json")).unwrap();
		let heldout = std::fs::read(dir.join("heldout.bin")).unwrap();
		let labels =
			serde_json::from_slice(&std::fs::read(dir.join("heldout_labels.json")).unwrap())
				.unwrap();
		Fixtures {
			dir,
			models: manifest.models,
			inputs: heldout.chunks(INPUT_LEN).map(<[u8]>::to_vec).collect(),
			labels,
		}
	})
}

/// The venv's Python (with torch), or `python3` on the path.
fn python() -> PathBuf {
	std::env::var_os("INFER_VENV")
		.map(|venv| Path::new(&venv).join("bin/python3"))
		.unwrap_or_else(|| "python3".into())
}

fn export_models(dir: &Path) {
	let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/export_models.py");
	let status = std::process::Command::new(python()).arg(script).arg(dir).status().unwrap();
	assert!(status.success(), "export_models.py failed; source scripts/env.sh first");
}

/// Scripts `module_source` (Python defining `class Model(torch.nn.Module)`) with
/// `torch.jit.script` into `dir/file`; returns its `file://` URI and blake2-256.
pub fn script_model(dir: &Path, file: &str, module_source: &str) -> (String, Digest) {
	let path = dir.join(file);
	// TorchScript reads the source of the module, so it must live in a file.
	let script = dir.join(format!("{file}.py"));
	let program = format!(
		"import sys, torch\n{module_source}\ntorch.jit.save(torch.jit.script(Model()), sys.argv[1])\n"
	);
	std::fs::write(&script, program).unwrap();
	let status = std::process::Command::new(python()).arg(&script).arg(&path).status().unwrap();
	assert!(status.success(), "scripting {file} failed; source scripts/env.sh first");
	let hash = infera_primitives::digest(&std::fs::read(&path).unwrap());
	(format!("file://{}", path.display()), hash)
}

impl Fixtures {
	/// The names of every exported model.
	pub fn names(&self) -> impl Iterator<Item = &str> {
		self.models.keys().map(String::as_str)
	}

	pub fn model(&self, name: &str) -> &ManifestModel {
		&self.models[name]
	}

	pub fn hash(&self, name: &str) -> Digest {
		self.model(name).hash
	}

	pub fn uri(&self, name: &str) -> String {
		format!("file://{}", self.dir.join(&self.model(name).file).display())
	}

	/// The model's specs with `rule` instead of its suggested one.
	pub fn spec(&self, name: &str, rule: AgreementRule) -> ModelSpec {
		let m = self.model(name);
		ModelSpec { input: m.input.clone(), output: m.output.clone(), rule }
	}

	/// PyTorch's outputs on the held-out set, 10 logits per input.
	pub fn expected(&self, name: &str) -> Vec<f32> {
		let file = self.model(name).expected_outputs.as_ref().expect("the export's outputs");
		let bytes = std::fs::read(self.dir.join(file)).unwrap();
		bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
	}
}

/// Engine settings for tests: CPU, generous timeouts.
pub fn engine_config(max_batch: usize, threads: u32) -> EngineConfig {
	EngineConfig {
		device: tch::Device::Cpu,
		threads,
		batch: BatchConfig { max_batch, max_wait: Duration::from_millis(20), queue_capacity: 1024 },
		max_models: 4,
		max_model_bytes: 64 << 20,
		request_timeout: Duration::from_secs(30),
		faulty: false,
		isolation: Isolation::Process(sandbox_config()),
		skip_vetting: false,
	}
}

/// Runners of the worker binary Cargo built for these tests, with the worker's default
/// limits but a shorter forward deadline.
pub fn sandbox_config() -> SandboxConfig {
	SandboxConfig {
		runner: env!("CARGO_BIN_EXE_infera-worker").into(),
		memory_limit: 8 << 30,
		forward_timeout: Duration::from_secs(10),
		load_timeout: Duration::from_secs(60),
	}
}

/// The fetch policy of test engines: `file://` under the exported models and the system's
/// temporary directory (where tests write their own artifacts), and private addresses
/// (tests serve artifacts on 127.0.0.1).
pub fn test_policy(max_bytes: u64) -> FetchPolicy {
	let dirs = [fixtures().dir.clone(), std::env::temp_dir()];
	let mut policy =
		FetchPolicy::new(&dirs, max_bytes, Duration::from_secs(5), Duration::from_secs(10))
			.unwrap();
	policy.allow_private = true;
	policy
}

/// An engine caching artifacts in `cache`, and its metrics.
pub fn engine_with_metrics(cache: &Path, config: EngineConfig) -> (Engine, Arc<Metrics>) {
	let metrics = Arc::new(Metrics::new("cpu").unwrap());
	let store = ModelStore::new(cache, test_policy(config.max_model_bytes)).unwrap();
	(Engine::new(store, config, metrics.clone()), metrics)
}

/// An engine caching artifacts in `cache`.
pub fn engine(cache: &Path, config: EngineConfig) -> Engine {
	engine_with_metrics(cache, config).0
}

/// The API over a fresh engine, signing as `//Alice`.
pub fn api(cache: &Path, config: EngineConfig) -> Api {
	let (engine, metrics) = engine_with_metrics(cache, config);
	Api::new(engine, Attestor::from_suri("//Alice", "test").unwrap(), metrics)
}

/// The canonical output of an answer that is not a refusal.
pub fn canonical(answer: Answer) -> Vec<u8> {
	match answer {
		Answer::Output(canonical) => canonical,
		Answer::Refused(reason) => panic!("refused: {reason:?}"),
	}
}

/// The genesis hash the tests' jobs are on.
pub const GENESIS: Hash = Hash::repeat_byte(0x42);

/// Little-endian f32 bytes.
pub fn f32_bytes(values: &[f32]) -> Vec<u8> {
	values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// The f32 values of raw little-endian bytes.
pub fn f32_values(bytes: &[u8]) -> Vec<f32> {
	bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

/// A JSON-RPC request object.
pub fn request(method: &str, params: serde_json::Value) -> serde_json::Value {
	serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
}

/// The `result` of a JSON-RPC response, or its error's code and message.
pub fn outcome(response: &serde_json::Value) -> Result<serde_json::Value, (i64, String)> {
	match response.get("error") {
		Some(e) => Err((e["code"].as_i64().unwrap(), e["message"].as_str().unwrap().to_string())),
		None => Ok(response["result"].clone()),
	}
}

/// `load_model` params of a demo model under `rule`.
pub fn load_params(name: &str, rule: AgreementRule) -> serde_json::Value {
	let f = fixtures();
	let spec = f.spec(name, rule);
	serde_json::json!({
		"hash": format!("0x{}", hex::encode(f.hash(name))),
		"uri": f.uri(name),
		"input": spec.input,
		"output": spec.output,
		"rule": spec.rule,
	})
}

/// `infer` params for `input` (base64) on a demo model, on the chain [`GENESIS`].
pub fn infer_params(name: &str, input: &[u8], job_id: u64) -> serde_json::Value {
	infer_params_for(&fixtures().hash(name), input, job_id)
}

/// `infer` params for `input` (base64) on the model with artifact hash `model`, on the chain
/// [`GENESIS`].
pub fn infer_params_for(model: &Digest, input: &[u8], job_id: u64) -> serde_json::Value {
	use base64::Engine as _;
	serde_json::json!({
		"model": format!("0x{}", hex::encode(model)),
		"input": base64::engine::general_purpose::STANDARD.encode(input),
		"job_id": job_id,
		"input_hash": format!("0x{}", hex::encode(infera_primitives::digest(input))),
		"genesis_hash": format!("0x{}", hex::encode(GENESIS)),
	})
}

/// What a test HTTP server ([`serve`]) answers.
#[derive(Clone)]
pub enum Reply {
	/// A complete response: head lines (without the final blank line) and body.
	Fixed(String, Vec<u8>),
	/// `200 OK` without a length, then zeros until the client hangs up.
	Endless,
}

/// Serves `reply` to every request on 127.0.0.1; returns the address.
pub async fn serve(reply: Reply) -> std::net::SocketAddr {
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let addr = listener.local_addr().unwrap();
	tokio::spawn(async move {
		while let Ok((mut socket, _)) = listener.accept().await {
			let reply = reply.clone();
			tokio::spawn(async move {
				use tokio::io::{AsyncReadExt, AsyncWriteExt};
				let mut request = Vec::new();
				let mut buf = [0u8; 1024];
				while !request.windows(4).any(|w| w == b"\r\n\r\n") {
					match socket.read(&mut buf).await {
						Ok(0) | Err(_) => return,
						Ok(n) => request.extend_from_slice(&buf[..n]),
					}
				}
				match reply {
					Reply::Fixed(head, body) => {
						let head = format!("{head}\r\nConnection: close\r\n\r\n");
						let _ = socket.write_all(head.as_bytes()).await;
						let _ = socket.write_all(&body).await;
					}
					Reply::Endless => {
						let head = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
						let _ = socket.write_all(head.as_bytes()).await;
						let chunk = vec![0u8; 64 << 10];
						while socket.write_all(&chunk).await.is_ok() {}
					}
				}
			});
		}
	});
	addr
}

/// What a probe prints last when all its assertions held.
pub const PROBE_PASSED: &str = "PROBE-PASSED";

/// Runs the test `test` of this test binary alone, in a process of its own, with `env` set to
/// `value` (the probe test does nothing without it); fails unless the probe printed
/// [`PROBE_PASSED`]. Returns the probe's stdout. For tests that change their process for good
/// (confinement) or measure it (resident memory) without the other tests in the way.
pub fn run_probe(test: &str, env: &str, value: &std::ffi::OsStr) -> String {
	let output = std::process::Command::new(std::env::current_exe().unwrap())
		.args(["--exact", test, "--nocapture", "--test-threads=1"])
		.env(env, value)
		.output()
		.unwrap();
	let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
	assert!(
		output.status.success() && stdout.contains(PROBE_PASSED),
		"{stdout}\n{}",
		String::from_utf8_lossy(&output.stderr)
	);
	stdout
}
