//! The cost of model isolation: batched throughput of the same model in the worker's own
//! process and in a sandboxed runner process ([`infera_worker::sandbox`]), side by side in one
//! run, on digits-cnn and on a ResNet-style CNN of CIFAR size (3 × 32 × 32).
//!
//! `cargo bench -p infera-worker --bench isolation` prints, per model and load, the requests
//! per second of both settings (the median of interleaved one-second windows, so that drift on
//! a noisy machine hits both alike), their ratio, the mean batch and the mean forward pass
//! (for the runner: from when it could begin the pass to its reply). Two loads: *steady*, 64
//! clients each sending its next request when its last is answered, and *bursts*, rounds of 64
//! concurrent requests, each round waiting for all of its answers. The in-process column runs in the bench's own
//! process as today's worker did, with glibc's default allocator settings; runners keep freed
//! memory instead of returning it (`runner::keep_freed_memory`), which `INFERA_BENCH_TUNED=1`
//! gives the in-process column too.

#[allow(dead_code)]
#[path = "../tests/integration/common.rs"]
mod common;

use common::{engine_config, engine_with_metrics, fixtures, script_model};
use futures::future::join_all;
use infera_primitives::{model::AgreementRule, Digest};
use infera_worker::{
	engine::{Engine, EngineConfig, ModelSpec},
	metrics::Metrics,
	sandbox::Isolation,
};
use std::{
	sync::Arc,
	time::{Duration, Instant},
};

/// Largest batch of both settings.
const MAX_BATCH: usize = 32;
/// Concurrent requests per round: two full batches.
const ROUND: usize = 64;
/// Interleaved measurement windows per setting.
const WINDOWS: usize = 7;
/// Length of one window.
const WINDOW: Duration = Duration::from_secs(1);

/// A ResNet-style CIFAR-size classifier: a 16-channel stem and three stages of one residual
/// block each (16, 32 and 64 channels, the last two downsampling), global average pooling and
/// a linear layer; seeded weights (throughput does not depend on their values).
const CIFAR_RESNET: &str = r#"
class Block(torch.nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(cout)
        self.conv2 = torch.nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = torch.nn.BatchNorm2d(cout)
        self.short = torch.nn.Sequential()
        if stride != 1 or cin != cout:
            self.short = torch.nn.Sequential(
                torch.nn.Conv2d(cin, cout, 1, stride, bias=False), torch.nn.BatchNorm2d(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + self.short(x))

class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.stem = torch.nn.Sequential(
            torch.nn.Conv2d(3, 16, 3, 1, 1, bias=False), torch.nn.BatchNorm2d(16), torch.nn.ReLU())
        self.stages = torch.nn.Sequential(Block(16, 16, 1), Block(16, 32, 2), Block(32, 64, 2))
        self.head = torch.nn.Linear(64, 10)
        self.eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.stages(self.stem(x))
        return self.head(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(y, 1), 1))
"#;

/// A model under test: how to load it, and its inputs.
struct Subject {
	name: &'static str,
	hash: Digest,
	uri: String,
	spec: ModelSpec,
	inputs: Vec<Vec<u8>>,
}

fn digits_cnn() -> Subject {
	let f = fixtures();
	Subject {
		name: "digits-cnn",
		hash: f.hash("digits-cnn"),
		uri: f.uri("digits-cnn"),
		spec: f.spec("digits-cnn", AgreementRule::Quantized { decimals: 3 }),
		inputs: f.inputs[..ROUND].to_vec(),
	}
}

fn cifar_resnet(dir: &std::path::Path) -> Subject {
	let (uri, hash) = script_model(dir, "cifar-resnet.pt", CIFAR_RESNET);
	let spec: ModelSpec = serde_json::from_value(serde_json::json!({
		"input": {"dtype": "f32", "shape": [3, 32, 32]},
		"output": {"dtype": "f32", "shape": [10]},
		"rule": {"top_k": {"k": 1}},
	}))
	.unwrap();
	// Deterministic pseudo-images in 0..1.
	let inputs = (0..ROUND)
		.map(|i| {
			(0..3 * 32 * 32)
				.flat_map(|j| (((i * 7919 + j * 104_729) % 1000) as f32 / 1000.0).to_le_bytes())
				.collect()
		})
		.collect();
	Subject { name: "cifar-resnet", hash, uri, spec, inputs }
}

/// An engine with `isolation` serving `subject`.
struct Setup {
	engine: Engine,
	metrics: Arc<Metrics>,
	_cache: tempfile::TempDir,
}

impl Setup {
	/// Requests and forward passes so far.
	fn passes(&self) -> (u64, u64) {
		let h = &self.metrics.batch_size;
		(h.get_sample_sum() as u64, h.get_sample_count())
	}

	/// Seconds spent in passes so far, and passes.
	fn pass_time(&self, model: &str) -> (f64, u64) {
		let h = self.metrics.inference.with_label_values(&[model]);
		(h.get_sample_sum(), h.get_sample_count())
	}
}

fn setup(runtime: &tokio::runtime::Runtime, subject: &Subject, isolation: Isolation) -> Setup {
	let cache = tempfile::tempdir().unwrap();
	let mut config = EngineConfig { isolation, ..engine_config(MAX_BATCH, 1) };
	config.batch.max_wait = Duration::from_millis(2);
	let (engine, metrics) = engine_with_metrics(cache.path(), config);
	let load = engine.load_model(subject.hash, subject.uri.clone(), subject.spec.clone());
	if let Err(e) = runtime.block_on(load) {
		panic!("loading {}: {e}", subject.name);
	}
	Setup { engine, metrics, _cache: cache }
}

/// How the load is offered.
#[derive(Clone, Copy)]
enum Load {
	/// Rounds of `ROUND` concurrent requests: each round waits for all of its answers, so the
	/// model idles between rounds.
	Bursts,
	/// `ROUND` clients, each sending its next request as soon as its last one is answered: a
	/// steady load of `ROUND` requests in flight, as many callers of a busy worker make.
	Steady,
}

/// Requests per second over one window of `load`.
fn window(runtime: &tokio::runtime::Runtime, setup: &Setup, subject: &Subject, load: Load) -> f64 {
	match load {
		Load::Bursts => bursts(runtime, setup, subject),
		Load::Steady => steady(runtime, setup, subject),
	}
}

/// Requests per second over one window of `ROUND` clients sending back to back.
fn steady(runtime: &tokio::runtime::Runtime, setup: &Setup, subject: &Subject) -> f64 {
	let start = Instant::now();
	let client = |input: &Vec<u8>| {
		let input = input.clone();
		async move {
			let mut answered = 0usize;
			while start.elapsed() < WINDOW {
				setup.engine.infer(&subject.hash, input.clone()).await.unwrap();
				answered += 1;
			}
			answered
		}
	};
	let answered: usize =
		runtime.block_on(join_all(subject.inputs.iter().map(client))).iter().sum();
	answered as f64 / start.elapsed().as_secs_f64()
}

/// Requests per second over one window of rounds of `ROUND` concurrent requests.
fn bursts(runtime: &tokio::runtime::Runtime, setup: &Setup, subject: &Subject) -> f64 {
	let start = Instant::now();
	let mut rounds = 0;
	while start.elapsed() < WINDOW {
		let calls = subject.inputs.iter().map(|x| setup.engine.infer(&subject.hash, x.clone()));
		for result in runtime.block_on(join_all(calls)) {
			result.unwrap();
		}
		rounds += 1;
	}
	(rounds * ROUND) as f64 / start.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
	values.sort_by(f64::total_cmp);
	values[values.len() / 2]
}

fn main() {
	// `cargo bench` passes `--bench`; `cargo test --benches` runs the bench once as a test.
	let quick = !std::env::args().any(|a| a == "--bench");
	// INFERA_BENCH_TUNED=1: give this process (the in-process column) the allocator tuning
	// runners and `--isolation in-process` workers get, for a like-for-like comparison.
	let tuned = std::env::var_os("INFERA_BENCH_TUNED").is_some();
	if tuned {
		infera_worker::sandbox::runner::keep_freed_memory();
	}
	println!("in-process allocator tuned: {tuned}");
	let runtime =
		tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
	let dir = tempfile::tempdir().unwrap();
	let subjects = [digits_cnn(), cifar_resnet(dir.path())];
	println!(
		"| model | load | in-process (req/s) | sandboxed (req/s) | ratio | mean batch (in / \
		 sandboxed) | mean pass, ms (in / sandboxed) |"
	);
	println!("|---|---|---|---|---|---|---|");
	for subject in &subjects {
		let inside = setup(&runtime, subject, Isolation::InProcess);
		let sandboxed = setup(&runtime, subject, Isolation::Process(common::sandbox_config()));
		for (load, name) in [(Load::Steady, "steady"), (Load::Bursts, "bursts")] {
			// Warm both up, then interleave the windows.
			window(&runtime, &inside, subject, load);
			window(&runtime, &sandboxed, subject, load);
			let (mut a, mut b) = (Vec::new(), Vec::new());
			let before = (inside.passes(), sandboxed.passes());
			for _ in 0..if quick { 1 } else { WINDOWS } {
				a.push(window(&runtime, &inside, subject, load));
				b.push(window(&runtime, &sandboxed, subject, load));
			}
			let (a, b) = (median(a), median(b));
			let mean = |setup: &Setup, (requests, passes): (u64, u64)| {
				let (r, p) = setup.passes();
				(r - requests) as f64 / (p - passes).max(1) as f64
			};
			let (mean_a, mean_b) = (mean(&inside, before.0), mean(&sandboxed, before.1));
			let label = hex::encode(subject.hash);
			let pass_ms = |setup: &Setup| {
				let (seconds, passes) = setup.pass_time(&label);
				1e3 * seconds / passes.max(1) as f64
			};
			println!(
				"| {} | {name} | {a:.0} | {b:.0} | {:.1}% | {mean_a:.1} / {mean_b:.1} | {:.3} / \
				 {:.3} |",
				subject.name,
				100.0 * b / a,
				pass_ms(&inside),
				pass_ms(&sandboxed),
			);
		}
	}
}
