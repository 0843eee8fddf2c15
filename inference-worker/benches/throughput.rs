//! Throughput of the digits CNN at batch size 1 versus `MAX_BATCH`: `ROUND` concurrent
//! requests through the engine (queue, batching, forward, canonicalization), on one thread.
//!
//! `cargo bench -p infera-worker` prints criterion's numbers, then a summary line with the
//! requests per second of both settings and their ratio.

#[allow(dead_code)]
#[path = "../tests/integration/common.rs"]
mod common;

use common::{engine, engine_config, fixtures};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use futures::future::join_all;
use infera_primitives::model::AgreementRule;
use infera_worker::engine::Engine;
use std::time::{Duration, Instant};

const MODEL: &str = "digits-cnn";
const MAX_BATCH: usize = 32;
const ROUND: usize = 64;

struct Setup {
	runtime: tokio::runtime::Runtime,
	engine: Engine,
	_cache: tempfile::TempDir,
}

fn setup(max_batch: usize) -> Setup {
	let f = fixtures();
	let runtime =
		tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
	let cache = tempfile::tempdir().unwrap();
	let mut config = engine_config(max_batch, 1);
	config.batch.max_wait = Duration::from_millis(2);
	let engine = engine(cache.path(), config);
	let spec = f.spec(MODEL, AgreementRule::Quantized { decimals: 3 });
	runtime.block_on(engine.load_model(f.hash(MODEL), f.uri(MODEL), spec)).unwrap();
	Setup { runtime, engine, _cache: cache }
}

impl Setup {
	/// Runs one round of `ROUND` concurrent requests.
	fn round(&self) {
		let f = fixtures();
		let hash = f.hash(MODEL);
		let calls = f.inputs[..ROUND].iter().map(|x| self.engine.infer(&hash, x.clone()));
		for result in self.runtime.block_on(join_all(calls)) {
			result.unwrap();
		}
	}

	/// Requests per second over about one second.
	fn requests_per_second(&self) -> f64 {
		let start = Instant::now();
		let mut rounds = 0;
		while start.elapsed() < Duration::from_secs(1) {
			self.round();
			rounds += 1;
		}
		(rounds * ROUND) as f64 / start.elapsed().as_secs_f64()
	}
}

fn throughput(c: &mut Criterion) {
	let mut group = c.benchmark_group("digits-cnn");
	group.throughput(Throughput::Elements(ROUND as u64)).sample_size(10);
	for max_batch in [1, MAX_BATCH] {
		let setup = setup(max_batch);
		group.bench_with_input(BenchmarkId::new("max_batch", max_batch), &setup, |b, s| {
			b.iter(|| s.round())
		});
	}
	group.finish();
	let single = setup(1).requests_per_second();
	let batched = setup(MAX_BATCH).requests_per_second();
	println!(
		"throughput: batch 1 {single:.0} req/s, batch {MAX_BATCH} {batched:.0} req/s, ratio {:.2}x",
		batched / single
	);
}

criterion_group!(benches, throughput);
criterion_main!(benches);
