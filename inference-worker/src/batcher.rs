//! Dynamic batching: concurrent requests for one model are coalesced into one forward pass.
//!
//! Each loaded model owns a dedicated OS thread and a bounded queue. The thread takes the
//! first queued request, then keeps collecting until `max_batch` requests are gathered or
//! `max_wait` has passed since that first request was enqueued (requests already queued at
//! that point are still taken, without waiting). It concatenates their inputs along a new
//! batch dimension 0, runs one forward pass, splits the output and answers each request.
//!
//! A forward pass can fail in two ways ([`ForwardError`]). When the *model* fails (the module
//! raised, or returned a tensor unlike its spec), one input of the batch may be to blame, so a
//! failed batch of several requests is run again one request at a time: only the inputs the
//! model also fails on alone get [`Forwarded::Failed`] (which the engine turns into a signed
//! refusal), the others their outputs. The retry costs up to `max_batch` extra passes, only
//! after a failure; bisecting would save passes when one input is bad but cost more when
//! several are, and single passes are what an unbatched worker would run anyway. When the
//! *worker* fails (building or moving tensors, a panic), or the model's runner is killed at its
//! deadline or dies ([`crate::sandbox`]), no input is to blame: every request of the batch
//! gets the error.
//!
//! Backpressure: a full queue makes [`Batcher::run`] fail at once with `QueueFull`. Callers
//! that gave up (timeout, dropped connection) are skipped before the forward pass. The thread
//! ends when every [`Batcher`] handle is dropped and the queue is drained, so unloading a model
//! never cuts off requests already accepted.

use crate::{
	error::{Result, WorkerError},
	metrics::Metrics,
};
use std::{
	panic::AssertUnwindSafe,
	sync::{
		mpsc::{self, SyncSender, TrySendError},
		Arc,
	},
	time::{Duration, Instant},
};
use tokio::sync::oneshot;

/// Why a forward pass produced no output.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ForwardError {
	/// The model failed on the pass's inputs: the module raised, or returned a tensor unlike
	/// its output spec. One of the inputs may be to blame.
	#[error("the model failed: {0}")]
	Model(String),
	/// The worker could not run the pass (building the input tensor, moving tensors between
	/// devices, copying the output out): no input is to blame.
	#[error("the worker failed: {0}")]
	Runtime(String),
	/// The pass ran past its deadline and the model's runner was killed
	/// ([`crate::sandbox`]). Not blamed on an input: every request of the batch fails.
	#[error("the forward pass ran past {0} ms; its runner was killed")]
	TimedOut(u128),
	/// The model's runner died during the pass (a crash, a signal). Not blamed on an input.
	#[error("the model's runner died: {0}")]
	Crashed(String),
}

impl From<ForwardError> for WorkerError {
	fn from(e: ForwardError) -> Self {
		match e {
			ForwardError::Model(reason) | ForwardError::Runtime(reason) => {
				WorkerError::Forward(reason)
			}
			ForwardError::TimedOut(ms) => WorkerError::ModelTimedOut(ms),
			ForwardError::Crashed(how) => WorkerError::ModelCrashed(how),
		}
	}
}

/// A model that can run a batch of fixed-size inputs.
pub trait BatchModel: Send + 'static {
	/// Called once on the batching thread before the first batch (e.g. thread settings).
	fn on_thread_start(&mut self) {}

	/// Runs `batch` inputs, concatenated in `input`, and returns their concatenated raw
	/// outputs, or why it failed.
	fn forward(&mut self, input: &[u8], batch: usize) -> Result<Vec<u8>, ForwardError>;
}

/// How requests are batched.
#[derive(Clone, Copy, Debug)]
pub struct BatchConfig {
	/// Most requests per forward pass (at least 1).
	pub max_batch: usize,
	/// Longest the first request of a batch waits for company.
	pub max_wait: Duration,
	/// Requests that may wait in the queue.
	pub queue_capacity: usize,
}

/// What the model made of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Forwarded {
	/// Raw little-endian output of this request alone.
	Raw(Vec<u8>),
	/// The model failed on this input, run alone ([`ForwardError::Model`]'s reason).
	Failed(String),
}

/// How one request was computed.
#[derive(Clone, Copy, Debug)]
pub struct BatchStats {
	/// Requests in the forward pass that answered this one (1 after a retry alone).
	pub batch_size: usize,
	/// Time between enqueueing and the start of the first forward pass over this request.
	pub queue_wait: Duration,
	/// Time from the start of that pass until this request's answer was known (the failed
	/// batched pass included, after a retry).
	pub forward: Duration,
}

/// The answer of the model to one request and how it was computed.
#[derive(Clone, Debug)]
pub struct BatchOutput {
	/// The output, or the model's failure on this input.
	pub output: Forwarded,
	/// Batch size and timings.
	pub stats: BatchStats,
}

struct Job {
	input: Vec<u8>,
	enqueued: Instant,
	reply: oneshot::Sender<Result<BatchOutput>>,
}

/// Handle to the batching thread of one model; clones share the thread.
#[derive(Clone)]
pub struct Batcher {
	tx: SyncSender<Job>,
	label: Arc<str>,
}

impl Batcher {
	/// Starts the batching thread of `model`, whose outputs are `output_len` bytes per request.
	/// `label` names the model in errors, metrics and the thread name.
	pub fn spawn<M: BatchModel>(
		label: &str,
		mut model: M,
		output_len: usize,
		config: BatchConfig,
		metrics: Arc<Metrics>,
	) -> std::io::Result<Self> {
		let (tx, rx) = mpsc::sync_channel::<Job>(config.queue_capacity.max(1));
		let label: Arc<str> = label.into();
		let thread_label = label.clone();
		std::thread::Builder::new()
			.name(format!("batch-{}", label.chars().take(8).collect::<String>()))
			.spawn(move || {
				model.on_thread_start();
				while let Some(jobs) = collect(&rx, config) {
					run_batch(&mut model, jobs, output_len, &thread_label, &metrics);
				}
			})?;
		Ok(Self { tx, label })
	}

	/// Queues `input` (exactly one input of the model's spec) and waits for its output, at
	/// most `timeout`.
	pub async fn run(&self, input: Vec<u8>, timeout: Duration) -> Result<BatchOutput> {
		let (reply, answer) = oneshot::channel();
		self.tx.try_send(Job { input, enqueued: Instant::now(), reply }).map_err(|e| match e {
			TrySendError::Full(_) => WorkerError::QueueFull(self.label.to_string()),
			TrySendError::Disconnected(_) => {
				WorkerError::Unavailable("model thread stopped".into())
			}
		})?;
		match tokio::time::timeout(timeout, answer).await {
			Ok(Ok(result)) => result,
			Ok(Err(_)) => Err(WorkerError::Unavailable("model thread stopped".into())),
			Err(_) => Err(WorkerError::Timeout(timeout.as_millis())),
		}
	}
}

/// Blocks for the next batch of live jobs; `None` once every sender is gone.
fn collect(rx: &mpsc::Receiver<Job>, config: BatchConfig) -> Option<Vec<Job>> {
	loop {
		let first = rx.recv().ok()?;
		let deadline = first.enqueued + config.max_wait;
		let mut jobs = vec![first];
		while jobs.len() < config.max_batch {
			let now = Instant::now();
			let next = if now >= deadline {
				rx.try_recv().ok()
			} else {
				rx.recv_timeout(deadline - now).ok()
			};
			match next {
				Some(job) => jobs.push(job),
				None => break,
			}
		}
		jobs.retain(|job| !job.reply.is_closed());
		if !jobs.is_empty() {
			return Some(jobs);
		}
	}
}

/// `model.forward(input, batch)`, a panic turned into [`ForwardError::Runtime`] (the batching
/// thread and a runner's request loop both go on after one).
pub fn forward_caught<M: BatchModel>(
	model: &mut M,
	input: &[u8],
	batch: usize,
) -> Result<Vec<u8>, ForwardError> {
	std::panic::catch_unwind(AssertUnwindSafe(|| model.forward(input, batch)))
		.unwrap_or_else(|_| Err(ForwardError::Runtime("the forward pass panicked".into())))
}

/// One forward pass over `batch` concatenated inputs: panics become [`ForwardError::Runtime`],
/// an output of the wrong length [`ForwardError::Model`]. Observes the pass in the metrics.
fn forward_pass<M: BatchModel>(
	model: &mut M,
	input: &[u8],
	batch: usize,
	output_len: usize,
	label: &str,
	metrics: &Metrics,
) -> Result<Vec<u8>, ForwardError> {
	let start = Instant::now();
	let result = forward_caught(model, input, batch).and_then(|raw| {
		if raw.len() == batch * output_len {
			Ok(raw)
		} else {
			Err(ForwardError::Model(format!(
				"model returned {} bytes for a batch of {batch}, its output spec requires {}",
				raw.len(),
				batch * output_len
			)))
		}
	});
	metrics.batch_size.observe(batch as f64);
	metrics.inference.with_label_values(&[label]).observe(start.elapsed().as_secs_f64());
	result
}

/// Runs one forward pass over `jobs` and answers each of them; if the model fails on the
/// batch, runs each job alone (see the module docs).
fn run_batch<M: BatchModel>(
	model: &mut M,
	jobs: Vec<Job>,
	output_len: usize,
	label: &str,
	metrics: &Metrics,
) {
	let batch = jobs.len();
	let start = Instant::now();
	let input = jobs.iter().map(|job| job.input.as_slice()).collect::<Vec<_>>().concat();
	let result = forward_pass(model, &input, batch, output_len, label, metrics);
	let first_pass = start.elapsed();
	if let Err(ForwardError::Model(reason)) = &result {
		if batch > 1 {
			tracing::debug!(
				"model {label} failed on a batch of {batch} ({reason}); retrying alone"
			);
			metrics.batch_retries.inc();
		}
	}
	for (i, job) in jobs.into_iter().enumerate() {
		let queue_wait = start.saturating_duration_since(job.enqueued);
		metrics.queue_wait.observe(queue_wait.as_secs_f64());
		let (answer, batch_size, forward) = match &result {
			Ok(raw) => {
				let raw = raw[i * output_len..(i + 1) * output_len].to_vec();
				(Ok(Forwarded::Raw(raw)), batch, first_pass)
			}
			Err(ForwardError::Model(reason)) if batch == 1 => {
				(Ok(Forwarded::Failed(reason.clone())), 1, first_pass)
			}
			Err(ForwardError::Model(_)) => {
				// A caller that gave up meanwhile needs no retry.
				if job.reply.is_closed() {
					continue;
				}
				let alone = match forward_pass(model, &job.input, 1, output_len, label, metrics) {
					Ok(raw) => Ok(Forwarded::Raw(raw)),
					Err(ForwardError::Model(reason)) => Ok(Forwarded::Failed(reason)),
					Err(
						e @ (ForwardError::Runtime(_)
						| ForwardError::TimedOut(_)
						| ForwardError::Crashed(_)),
					) => Err(e.into()),
				};
				(alone, 1, start.elapsed())
			}
			Err(
				e @ (ForwardError::Runtime(_)
				| ForwardError::TimedOut(_)
				| ForwardError::Crashed(_)),
			) => (Err(e.clone().into()), batch, first_pass),
		};
		let stats = BatchStats { batch_size, queue_wait, forward };
		// The caller may have given up meanwhile; nothing to do then.
		let _ = job.reply.send(answer.map(|output| BatchOutput { output, stats }));
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::error::code;

	/// Doubles each byte after `delay`. The model fails on a batch holding an input that
	/// starts with 0xff; the worker fails on one holding an input that starts with 0xfe.
	struct Doubler {
		delay: Duration,
	}

	impl BatchModel for Doubler {
		fn forward(&mut self, input: &[u8], batch: usize) -> Result<Vec<u8>, ForwardError> {
			std::thread::sleep(self.delay);
			let firsts = || input.chunks(input.len() / batch).filter_map(|item| item.first());
			if firsts().any(|&b| b == 0xff) {
				return Err(ForwardError::Model("poisoned input".into()));
			}
			if firsts().any(|&b| b == 0xfe) {
				return Err(ForwardError::Runtime("device lost".into()));
			}
			Ok(input.iter().map(|b| b.wrapping_mul(2)).collect())
		}
	}

	/// The raw output of a successful request.
	fn raw(output: BatchOutput) -> Vec<u8> {
		match output.output {
			Forwarded::Raw(raw) => raw,
			Forwarded::Failed(reason) => panic!("model failed: {reason}"),
		}
	}

	fn batcher(delay_ms: u64, max_batch: usize, queue_capacity: usize) -> Batcher {
		let config = BatchConfig { max_batch, max_wait: Duration::from_millis(20), queue_capacity };
		let metrics = Arc::new(Metrics::new("cpu").unwrap());
		Batcher::spawn(
			"test",
			Doubler { delay: Duration::from_millis(delay_ms) },
			2,
			config,
			metrics,
		)
		.unwrap()
	}

	const LONG: Duration = Duration::from_secs(10);

	#[tokio::test]
	async fn concurrent_requests_share_a_forward_pass() {
		let b = batcher(0, 4, 16);
		let outputs =
			futures::future::join_all((0..8u8).map(|i| b.run(vec![i, i + 1], LONG))).await;
		for (i, out) in outputs.into_iter().enumerate() {
			let out = out.unwrap();
			assert_eq!(out.stats.batch_size, 4);
			assert_eq!(raw(out), vec![2 * i as u8, 2 * i as u8 + 2]);
		}
	}

	#[tokio::test]
	async fn model_failure_fails_only_the_input_it_fails_on_alone() {
		let b = batcher(0, 4, 16);
		let (bad, good, other) = futures::join!(
			b.run(vec![0xff, 0], LONG),
			b.run(vec![1, 1], LONG),
			b.run(vec![3, 4], LONG)
		);
		let bad = bad.unwrap();
		assert_eq!(bad.output, Forwarded::Failed("poisoned input".into()));
		assert_eq!(bad.stats.batch_size, 1);
		let good = good.unwrap();
		assert_eq!(good.stats.batch_size, 1, "answered by a retry alone");
		assert_eq!(raw(good), vec![2, 2]);
		assert_eq!(raw(other.unwrap()), vec![6, 8]);
		assert_eq!(raw(b.run(vec![1, 1], LONG).await.unwrap()), vec![2, 2]);
	}

	#[tokio::test]
	async fn worker_failure_reaches_every_request_of_the_batch() {
		let b = batcher(0, 4, 16);
		let (bad, good) = futures::join!(b.run(vec![0xfe, 0], LONG), b.run(vec![1, 1], LONG));
		for result in [bad, good] {
			assert_eq!(result.unwrap_err().code(), code::FORWARD_FAILED);
		}
		assert_eq!(raw(b.run(vec![1, 1], LONG).await.unwrap()), vec![2, 2]);
	}

	#[tokio::test]
	async fn wrong_output_length_is_a_model_failure() {
		struct Short;
		impl BatchModel for Short {
			fn forward(&mut self, _: &[u8], _: usize) -> Result<Vec<u8>, ForwardError> {
				Ok(vec![0])
			}
		}
		let config = BatchConfig { max_batch: 1, max_wait: Duration::ZERO, queue_capacity: 1 };
		let metrics = Arc::new(Metrics::new("cpu").unwrap());
		let b = Batcher::spawn("short", Short, 2, config, metrics).unwrap();
		let out = b.run(vec![1, 1], LONG).await.unwrap();
		assert!(matches!(out.output, Forwarded::Failed(_)), "{out:?}");
	}

	#[tokio::test]
	async fn full_queue_is_refused_at_once() {
		let b = batcher(200, 1, 1);
		let results = futures::future::join_all((0..4u8).map(|i| b.run(vec![i, i], LONG))).await;
		let codes: Vec<_> =
			results.iter().map(|r| r.as_ref().err().map(WorkerError::code)).collect();
		assert!(codes.contains(&Some(code::QUEUE_FULL)), "{codes:?}");
		assert!(codes.contains(&None), "{codes:?}");
	}

	#[tokio::test]
	async fn slow_inference_times_out() {
		let b = batcher(300, 1, 4);
		let err = b.run(vec![1, 1], Duration::from_millis(30)).await.unwrap_err();
		assert_eq!(err.code(), code::TIMEOUT);
	}
}
