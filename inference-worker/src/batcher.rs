//! Dynamic batching: concurrent requests for one model are coalesced into one forward pass.
//!
//! Each loaded model owns a dedicated OS thread and a bounded queue. The thread takes the
//! first queued request, then keeps collecting until `max_batch` requests are gathered or
//! `max_wait` has passed since that first request was enqueued (requests already queued at
//! that point are still taken, without waiting). It concatenates their inputs along a new
//! batch dimension 0, runs one forward pass, splits the output and answers each request.
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

/// A model that can run a batch of fixed-size inputs.
pub trait BatchModel: Send + 'static {
	/// Called once on the batching thread before the first batch (e.g. thread settings).
	fn on_thread_start(&mut self) {}

	/// Runs `batch` inputs, concatenated in `input`, and returns their concatenated raw
	/// outputs, or why it failed.
	fn forward(&mut self, input: &[u8], batch: usize) -> Result<Vec<u8>, String>;
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

/// The raw output of one request and how it was computed.
#[derive(Clone, Debug)]
pub struct BatchOutput {
	/// Raw little-endian output of this request alone.
	pub raw: Vec<u8>,
	/// Requests in the forward pass that computed it.
	pub batch_size: usize,
	/// Time between enqueueing and the start of the forward pass.
	pub queue_wait: Duration,
	/// Duration of the forward pass.
	pub forward: Duration,
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

/// Runs one forward pass over `jobs` and answers each of them.
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
	let result = std::panic::catch_unwind(AssertUnwindSafe(|| model.forward(&input, batch)))
		.unwrap_or_else(|_| Err("the forward pass panicked".into()))
		.and_then(|raw| {
			if raw.len() == batch * output_len {
				Ok(raw)
			} else {
				Err(format!(
					"model returned {} bytes for a batch of {batch}, its output spec requires {}",
					raw.len(),
					batch * output_len
				))
			}
		});
	let forward = start.elapsed();
	metrics.batch_size.observe(batch as f64);
	metrics.inference.with_label_values(&[label]).observe(forward.as_secs_f64());
	for (i, job) in jobs.into_iter().enumerate() {
		let queue_wait = start.saturating_duration_since(job.enqueued);
		metrics.queue_wait.observe(queue_wait.as_secs_f64());
		let answer = match &result {
			Ok(raw) => Ok(BatchOutput {
				raw: raw[i * output_len..(i + 1) * output_len].to_vec(),
				batch_size: batch,
				queue_wait,
				forward,
			}),
			Err(reason) => Err(WorkerError::Forward(reason.clone())),
		};
		// The caller may have given up meanwhile; nothing to do then.
		let _ = job.reply.send(answer);
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::error::code;

	/// Doubles each byte after `delay`; fails when the first byte is 0xff.
	struct Doubler {
		delay: Duration,
	}

	impl BatchModel for Doubler {
		fn forward(&mut self, input: &[u8], _batch: usize) -> Result<Vec<u8>, String> {
			std::thread::sleep(self.delay);
			if input.first() == Some(&0xff) {
				return Err("poisoned input".into());
			}
			Ok(input.iter().map(|b| b.wrapping_mul(2)).collect())
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
			assert_eq!(out.raw, vec![2 * i as u8, 2 * i as u8 + 2]);
			assert_eq!(out.batch_size, 4);
		}
	}

	#[tokio::test]
	async fn forward_failure_reaches_every_request_of_the_batch() {
		let b = batcher(0, 4, 16);
		let (bad, good) = futures::join!(b.run(vec![0xff, 0], LONG), b.run(vec![1, 1], LONG));
		for result in [bad, good] {
			assert_eq!(result.unwrap_err().code(), code::FORWARD_FAILED);
		}
		assert_eq!(b.run(vec![1, 1], LONG).await.unwrap().raw, vec![2, 2]);
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
