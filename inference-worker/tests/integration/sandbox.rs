//! Model isolation: what a hostile model can do in its runner process, with the allowlist out
//! of the way, and what it can do in the worker's own process (the old way) for contrast.

use crate::common::{
	engine, engine_config, engine_with_metrics, fixtures, run_probe, sandbox_config, script_model,
	PROBE_PASSED,
};
use infera_primitives::{
	attestation::RefusalReason,
	model::{AgreementRule, TensorSpec},
	Digest,
};
use infera_worker::{
	batcher::{ForwardError, Pipeline},
	engine::{Answer, Engine, EngineConfig, ModelSpec},
	error::WorkerError,
	metrics::Metrics,
	sandbox::{
		confine::confine,
		protocol::{DeviceCode, LandlockStatus, Limits},
		Isolation, SandboxConfig, SandboxedModel,
	},
	torch::TorchSettings,
};
use std::{path::Path, sync::Arc, time::Duration};

/// The secret a hostile model goes after: 16 bytes in a file like the worker's key.
const SECRET: &[u8; 16] = b"attestation-key!";

/// A model that maps the file at `PATH` (16 bytes) into its output: a key thief.
const READS_THE_KEY: &str = r#"
class Model(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        leaked = torch.from_file("PATH", False, 16, dtype=torch.uint8)
        return x * 0 + leaked
"#;

/// A model that loops forever on any input whose sum is positive.
pub(crate) const LOOPS: &str = r#"
class Model(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        i = 0
        if bool(x.sum() > 0):
            while i >= 0:
                i = i + 1
        return x * 2.0
"#;

/// A model that asks for 64 GiB on any input whose sum is positive.
const ALLOCATES_64_GIB: &str = r#"
class Model(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if bool(x.sum() > 0):
            big = torch.ones(16 * 1024 * 1024 * 1024, dtype=torch.float32)
            return x + big[0]
        return x * 2.0
"#;

fn tensor(dtype: &str, shape: &[u32]) -> TensorSpec {
	serde_json::from_value(serde_json::json!({"dtype": dtype, "shape": shape})).unwrap()
}

/// The f32 `[4]` → f32 `[4]` spec of the test models.
fn four_floats() -> ModelSpec {
	ModelSpec {
		input: tensor("f32", &[4]),
		output: tensor("f32", &[4]),
		rule: AgreementRule::Exact,
	}
}

fn floats(values: [f32; 4]) -> Vec<u8> {
	values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// An engine with `isolation` that does not vet model code.
fn unvetted(cache: &Path, isolation: Isolation) -> Engine {
	let config = EngineConfig { isolation, skip_vetting: true, ..engine_config(4, 1) };
	engine(cache, config)
}

/// The thief, scripted against a key file written in `dir`.
fn key_thief(dir: &Path) -> (String, Digest) {
	let key = dir.join("worker.key");
	std::fs::write(&key, SECRET).unwrap();
	let source = READS_THE_KEY.replace("PATH", &key.display().to_string());
	script_model(dir, "key-thief.pt", &source)
}

#[tokio::test]
async fn the_sandbox_blocks_a_key_thief_the_allowlist_let_through() {
	let dir = tempfile::tempdir().unwrap();
	let (uri, hash) = key_thief(dir.path());
	let spec =
		ModelSpec { input: tensor("u8", &[16]), output: tensor("u8", &[16]), ..four_floats() };

	// In the worker's own process (vetting off), the thief returns the key as its output.
	let cache = tempfile::tempdir().unwrap();
	let exposed = unvetted(cache.path(), Isolation::InProcess);
	exposed.load_model(hash, uri.clone(), spec.clone()).await.unwrap();
	let stolen = exposed.infer(&hash, vec![0; 16]).await.unwrap();
	assert_eq!(stolen.answer, Answer::Output(SECRET.to_vec()), "the in-process baseline leaks");

	// In its runner, the read is denied: the model fails its check at load.
	let cache = tempfile::tempdir().unwrap();
	let sandboxed =
		engine(cache.path(), EngineConfig { skip_vetting: true, ..engine_config(4, 1) });
	let err = sandboxed.load_model(hash, uri, spec).await.unwrap_err();
	match err {
		WorkerError::InvalidArtifact(reason) => {
			assert!(reason.contains("Permission denied"), "{reason}")
		}
		other => panic!("expected InvalidArtifact, got {other}"),
	}
	assert!(sandboxed.loaded().is_empty());
}

/// digits-cnn loaded in `engine`; its hash and one input.
async fn load_digits(engine: &Engine) -> (Digest, Vec<u8>) {
	let f = fixtures();
	let spec = f.spec("digits-cnn", AgreementRule::TopK { k: 1 });
	engine.load_model(f.hash("digits-cnn"), f.uri("digits-cnn"), spec).await.unwrap();
	(f.hash("digits-cnn"), f.inputs[0].clone())
}

#[tokio::test]
async fn an_endless_loop_is_killed_at_its_deadline_while_other_models_answer() {
	let dir = tempfile::tempdir().unwrap();
	let (uri, hash) = script_model(dir.path(), "loops.pt", LOOPS);
	let cache = tempfile::tempdir().unwrap();
	let deadline = Duration::from_secs(2);
	let mut sandbox = sandbox_config();
	sandbox.forward_timeout = deadline;
	let config = EngineConfig { isolation: Isolation::Process(sandbox), ..engine_config(4, 1) };
	let (engine, metrics) = engine_with_metrics(cache.path(), config);
	engine.load_model(hash, uri, four_floats()).await.unwrap();
	let (digits, digit) = load_digits(&engine).await;

	let started = std::time::Instant::now();
	let looping = engine.infer(&hash, floats([1.0, 0.0, 0.0, 0.0]));
	let others = async {
		// While the loop runs, digits-cnn answers, again and again.
		let mut answered = 0;
		while started.elapsed() < deadline {
			assert!(matches!(
				engine.infer(&digits, digit.clone()).await.unwrap().answer,
				Answer::Output(_)
			));
			answered += 1;
			tokio::time::sleep(Duration::from_millis(100)).await;
		}
		answered
	};
	let (looped, answered) = tokio::join!(looping, others);
	assert!(matches!(looped, Err(WorkerError::ModelTimedOut(2000))), "{looped:?}");
	assert!(started.elapsed() < deadline + Duration::from_secs(5), "killed late");
	assert!(answered >= 5, "digits-cnn answered only {answered} times meanwhile");
	// A new runner serves the model's other inputs.
	let doubled = engine.infer(&hash, floats([-1.0, 0.5, 0.0, 0.0])).await.unwrap();
	assert_eq!(doubled.answer, Answer::Output(floats([-2.0, 1.0, 0.0, 0.0])));
	assert!(metrics.render().contains(r#"infera_worker_runner_kills_total{reason="timeout"} 1"#));
}

/// The runner's pipeline, driven as the batching thread drives it: a pass sent ahead into the
/// pipe of a runner that is then killed at its deadline goes to the next runner, and a pass too
/// big for the pipe is not taken ahead.
#[test]
fn a_pass_waiting_behind_a_killed_one_is_answered_by_the_next_runner() {
	let dir = tempfile::tempdir().unwrap();
	let (uri, _) = script_model(dir.path(), "loops.pt", LOOPS);
	let artifact = std::fs::read(uri.trim_start_matches("file://")).unwrap();
	let mut sandbox = sandbox_config();
	sandbox.forward_timeout = Duration::from_secs(1);
	let settings = TorchSettings { device: tch::Device::Cpu, threads: 1, faulty: false };
	let load = sandbox.load_request(artifact, &four_floats(), settings);
	let metrics = Arc::new(Metrics::new("cpu").unwrap());
	let mut model = SandboxedModel::start("loops", load, sandbox, metrics.clone()).unwrap();

	assert!(model.start(&floats([1.0, 0.0, 0.0, 0.0]), 1, false));
	// Sent ahead, behind the endless loop, into the runner's pipe.
	assert!(model.start(&floats([-1.0, 0.5, 0.0, 0.0]), 1, true));
	// A pass too big to fit in the pipe at once is not taken ahead.
	assert!(!model.start(&vec![0u8; 2 << 20], 1, true));
	let started = std::time::Instant::now();
	assert_eq!(model.finish(), Err(ForwardError::TimedOut(1000)));
	// The pass behind it was not lost with the runner: a new one computes it.
	assert_eq!(model.finish(), Ok(floats([-2.0, 1.0, 0.0, 0.0])));
	assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
	assert!(metrics.render().contains(r#"infera_worker_runner_kills_total{reason="timeout"} 1"#));
	// Nothing in flight: the next pass is taken whatever its size, and answered.
	assert!(model.start(&floats([0.0, 0.0, -3.0, 0.0]), 1, false));
	assert_eq!(model.finish(), Ok(floats([0.0, 0.0, -6.0, 0.0])));
}

#[tokio::test]
async fn a_64_gib_allocation_fails_in_its_runner_and_everything_stays_up() {
	let dir = tempfile::tempdir().unwrap();
	let (uri, hash) = script_model(dir.path(), "greedy.pt", ALLOCATES_64_GIB);
	let cache = tempfile::tempdir().unwrap();
	let engine = engine(cache.path(), engine_config(4, 1));
	engine.load_model(hash, uri, four_floats()).await.unwrap();
	let (digits, digit) = load_digits(&engine).await;
	// The allocation is refused by the runner's address-space limit: the model failed on
	// this input, a signed refusal like any other.
	let greedy = engine.infer(&hash, floats([1.0, 0.0, 0.0, 0.0])).await.unwrap();
	assert_eq!(greedy.answer, Answer::Refused(RefusalReason::ForwardFailed));
	// The same runner, the other models and the worker are all still there.
	let doubled = engine.infer(&hash, floats([0.0, 0.0, -1.0, 0.0])).await.unwrap();
	assert_eq!(doubled.answer, Answer::Output(floats([0.0, 0.0, -2.0, 0.0])));
	assert!(matches!(engine.infer(&digits, digit).await.unwrap().answer, Answer::Output(_)));
}

/// The pids of this process's children started as `program` (their `argv[0]`): other tests
/// of this binary start runners of their own at the same time.
fn children_started_as(program: &Path) -> Vec<i32> {
	let mut pids = Vec::new();
	for task in std::fs::read_dir("/proc/self/task").unwrap() {
		let path = task.unwrap().path().join("children");
		let listed = std::fs::read_to_string(path).unwrap_or_default();
		pids.extend(listed.split_whitespace().map(|p| p.parse::<i32>().unwrap()));
	}
	pids.retain(|pid| {
		let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
		cmdline.split(|&b| b == 0).next() == Some(program.as_os_str().as_encoded_bytes())
	});
	pids
}

/// Waits until the process `pid` has exited with all its threads (a zombie with one thread
/// left, or gone): its pipes are closed then, so the worker sees its end at the next write. A
/// fixed sleep was not always enough on a loaded machine, and neither was the main thread's
/// zombie state: libtorch's other threads may still be exiting, holding the pipes open.
async fn exited(pid: i32) {
	let gone = || match std::fs::read_to_string(format!("/proc/{pid}/status")) {
		Ok(status) => {
			let field =
				|name: &str| status.lines().find_map(|line| line.strip_prefix(name)).map(str::trim);
			field("State:").is_some_and(|state| state.starts_with('Z'))
				&& field("Threads:").is_some_and(|threads| threads == "1")
		}
		Err(_) => true,
	};
	for _ in 0..500 {
		if gone() {
			return;
		}
		tokio::time::sleep(Duration::from_millis(20)).await;
	}
	panic!("process {pid} still runs 10 s after SIGKILL");
}

#[tokio::test]
async fn a_runner_that_dies_fails_its_request_and_is_restarted() {
	let cache = tempfile::tempdir().unwrap();
	// This test's runners start through a link of its own, so that they can be told apart.
	let program = cache.path().join("crash-test-runner");
	std::os::unix::fs::symlink(sandbox_config().runner, &program).unwrap();
	let config = EngineConfig {
		isolation: Isolation::Process(SandboxConfig {
			runner: program.clone(),
			..sandbox_config()
		}),
		..engine_config(4, 1)
	};
	let (engine, metrics) = engine_with_metrics(cache.path(), config);
	let (digits, digit) = load_digits(&engine).await;
	let runners = children_started_as(&program);
	assert_eq!(runners.len(), 1, "one runner per loaded model");
	// Killed between requests: no request is to blame, and the next one is answered by a new
	// runner.
	// SAFETY: signalling a child process we started.
	assert_eq!(unsafe { libc::kill(runners[0], libc::SIGKILL) }, 0);
	exited(runners[0]).await;
	assert!(matches!(
		engine.infer(&digits, digit.clone()).await.unwrap().answer,
		Answer::Output(_)
	));
	// Killed during a pass: that pass's request fails with the runner's end, and the model
	// is served again afterwards.
	let dir = tempfile::tempdir().unwrap();
	let (uri, hash) = script_model(dir.path(), "loops.pt", LOOPS);
	let digits_runner = children_started_as(&program);
	engine.load_model(hash, uri, four_floats()).await.unwrap();
	let loop_runner = children_started_as(&program)
		.into_iter()
		.find(|pid| !digits_runner.contains(pid))
		.expect("the loop model's runner");
	let looping = engine.infer(&hash, floats([1.0, 0.0, 0.0, 0.0]));
	let killer = async {
		tokio::time::sleep(Duration::from_millis(500)).await;
		// SAFETY: signalling a child process we started.
		assert_eq!(unsafe { libc::kill(loop_runner, libc::SIGKILL) }, 0);
	};
	let (err, ()) = tokio::join!(looping, killer);
	let err = err.unwrap_err();
	assert!(matches!(err, WorkerError::ModelCrashed(ref how) if how.contains("SIGKILL")), "{err}");
	let doubled = engine.infer(&hash, floats([-1.0, 0.5, 0.0, 0.0])).await.unwrap();
	assert_eq!(doubled.answer, Answer::Output(floats([-2.0, 1.0, 0.0, 0.0])));
	assert!(matches!(engine.infer(&digits, digit).await.unwrap().answer, Answer::Output(_)));
	let exported = metrics.render();
	assert!(exported.contains(r#"infera_worker_runner_kills_total{reason="crash"} 2"#));
	// This kernel has Landlock: the runners said so, and the worker exports it.
	assert!(
		exported.contains(r#"infera_worker_runner_confinement{layer="landlock",status="full"} 1"#),
		"{exported}"
	);
}

/// Set in the environment of the probe process [`confined_process`] starts.
const PROBE: &str = "INFERA_SANDBOX_PROBE";

/// Run in a process of its own by [`a_confined_process_has_no_network_files_or_children`]:
/// confines itself like a runner, then tries what a model must not do.
#[test]
fn confined_process() {
	let Some(secret) = std::env::var_os(PROBE) else { return };
	let limits = Limits { address_space: 4 << 30, open_files: 64 };
	let confinement = confine(limits, DeviceCode::Cpu).unwrap();
	assert_eq!(confinement.landlock, LandlockStatus::Full);
	assert!(confinement.seccomp && confinement.memory_limited);
	let denied = |e: std::io::Error| e.kind() == std::io::ErrorKind::PermissionDenied;
	// No network: no socket of any kind.
	let tcp = std::net::TcpStream::connect("127.0.0.1:9").unwrap_err();
	assert!(denied(tcp), "tcp");
	assert!(std::net::UdpSocket::bind("127.0.0.1:0").is_err_and(denied), "udp");
	assert!(std::os::unix::net::UnixStream::pair().is_err_and(denied), "unix");
	// No files but libraries: not the secret, not /etc, and nothing can be written.
	assert!(std::fs::read(&secret).is_err_and(denied), "the secret");
	assert!(std::fs::read("/etc/hostname").is_err_and(denied), "/etc");
	assert!(std::fs::write(std::env::temp_dir().join("x"), b"x").is_err_and(denied), "write");
	// No processes, no signals to others; threads still work.
	assert!(std::process::Command::new("/bin/true").status().is_err(), "spawn");
	// SAFETY: sending signal 0 (a permission check) to the parent.
	assert_eq!(unsafe { libc::kill(libc::getppid(), 0) }, -1, "signal to the parent");
	assert_eq!(std::thread::spawn(|| 7).join().unwrap(), 7);
	// Limits cannot be raised.
	let raised = libc::rlimit { rlim_cur: libc::RLIM_INFINITY, rlim_max: libc::RLIM_INFINITY };
	// SAFETY: setrlimit reads the struct only.
	assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_AS, &raised) }, -1, "raise a limit");
	println!("{PROBE_PASSED}");
}

#[test]
fn a_confined_process_has_no_network_files_or_children() {
	let dir = tempfile::tempdir().unwrap();
	let secret = dir.path().join("worker.key");
	std::fs::write(&secret, SECRET).unwrap();
	run_probe("sandbox::confined_process", PROBE, secret.as_os_str());
}
