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
//! **Pipelining.** A model whose passes run outside the batching thread (a runner process,
//! [`crate::sandbox`]) says so ([`Pipeline::pipelined`]). While its pass runs, the thread gathers
//! the next batch (waiting for company for [`AHEAD_SHARE`] of a typical pass at most, the time
//! the model is expected to stay busy, and never longer than `max_wait`) and starts it as the
//! next pass, so that the model finds its next
//! batch waiting when it finishes one; at most
//! [`PIPELINE_DEPTH`] passes are in flight, and they finish in order. A retry alone needs the
//! model to itself, so the passes behind a failed batch are finished first. A model in this
//! process ([`OnePass`]) computes during `start`, and gets nothing ahead.
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
	collections::VecDeque,
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

/// A model that can run a batch of fixed-size inputs, one pass at a time, on the calling
/// thread (libtorch in this process, and a runner's own loop).
pub trait BatchModel: Send + 'static {
	/// Called once on the batching thread before the first batch (e.g. thread settings).
	fn on_thread_start(&mut self) {}

	/// Runs `batch` inputs, concatenated in `input`, and returns their concatenated raw
	/// outputs, or why it failed.
	fn forward(&mut self, input: &[u8], batch: usize) -> Result<Vec<u8>, ForwardError>;
}

/// How the batching thread drives a model: it starts passes and finishes them in the order it
/// started them. A model whose passes run elsewhere (a runner process, [`crate::sandbox`]) can
/// take the next pass while one still runs, so that it never waits for the batching thread;
/// a [`BatchModel`] runs through [`OnePass`], one pass at a time.
pub trait Pipeline: Send + 'static {
	/// Called once on the batching thread before the first batch.
	fn on_thread_start(&mut self) {}

	/// Whether the model may take a pass while another runs ([`Pipeline::start`] with
	/// `ahead`); the batcher then gathers the next batch while the model computes one.
	fn pipelined(&self) -> bool {
		false
	}

	/// Starts a pass over `batch` inputs concatenated in `input`. With `ahead`, earlier passes
	/// are still unfinished: the model returns `false` if it cannot take this one now without
	/// blocking, and the batcher finishes the earlier ones first and starts it again without
	/// `ahead`. Without `ahead` the pass is always taken (a failure to send it is reported by
	/// its [`Pipeline::finish`]).
	fn start(&mut self, input: &[u8], batch: usize, ahead: bool) -> bool;

	/// Waits for the outputs of the oldest started pass, or why it failed.
	fn finish(&mut self) -> Result<Vec<u8>, ForwardError>;
}

/// A [`BatchModel`] as a [`Pipeline`] that takes no pass ahead: `start` runs the pass (a panic
/// becomes [`ForwardError::Runtime`]), `finish` returns its result.
pub struct OnePass<M> {
	model: M,
	done: Option<Result<Vec<u8>, ForwardError>>,
}

impl<M: BatchModel> OnePass<M> {
	/// Wraps `model`.
	pub fn new(model: M) -> Self {
		Self { model, done: None }
	}
}

impl<M: BatchModel> Pipeline for OnePass<M> {
	fn on_thread_start(&mut self) {
		self.model.on_thread_start();
	}

	fn start(&mut self, input: &[u8], batch: usize, ahead: bool) -> bool {
		if ahead || self.done.is_some() {
			return false;
		}
		self.done = Some(forward_caught(&mut self.model, input, batch));
		true
	}

	fn finish(&mut self) -> Result<Vec<u8>, ForwardError> {
		self.done.take().unwrap_or_else(|| Err(ForwardError::Runtime("no pass started".into())))
	}
}

/// How much of a typical pass the next batch may spend gathering company while the model
/// computes (3/4: the batch must reach the model before it runs out of work, and pass times
/// vary with batch size and load).
pub const AHEAD_SHARE: f64 = 0.75;

/// The weight of a typical pass's time in its moving average, against 1 for the newest pass.
const PASS_TIME_WEIGHT: u32 = 4;

/// Most passes in flight per model: the one running and the next, already sent. A deeper
/// pipeline would only make requests wait longer: the runner computes one pass at a time.
pub const PIPELINE_DEPTH: usize = 2;

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
	/// Time from the start of that pass until this request's answer was known (after a retry
	/// alone: the failed batched pass, the passes in flight behind it and the retry).
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
	pub fn spawn<M: Pipeline>(
		label: &str,
		model: M,
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
				let lane = Lane {
					model,
					output_len,
					label: thread_label,
					metrics,
					flights: VecDeque::new(),
					last_finish: Instant::now(),
					pass_time: Duration::ZERO,
				};
				lane.run(&rx, config);
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

/// Up to `max_batch` live jobs, waiting for more until `until` at the latest, and never longer
/// than `max_wait` after the first one was enqueued; `None` if none came.
fn collect_until(
	rx: &mpsc::Receiver<Job>,
	config: BatchConfig,
	until: Instant,
) -> Option<Vec<Job>> {
	let mut jobs: Vec<Job> = Vec::new();
	while jobs.len() < config.max_batch.max(1) {
		let now = Instant::now();
		let until = jobs.first().map_or(until, |first| until.min(first.enqueued + config.max_wait));
		let next =
			if now >= until { rx.try_recv().ok() } else { rx.recv_timeout(until - now).ok() };
		match next {
			Some(job) if !job.reply.is_closed() => jobs.push(job),
			Some(_) => {}
			None => break,
		}
	}
	(!jobs.is_empty()).then_some(jobs)
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

/// A batch whose pass has started.
struct Flight {
	jobs: Vec<Job>,
	/// When its pass was started (sent, for a runner).
	started: Instant,
}

/// A finished pass: its result and when the model began computing it (its start, or the end
/// of the pass before it, whichever is later).
struct Finished {
	result: Result<Vec<u8>, ForwardError>,
	began: Instant,
	/// From `began` to the result.
	compute: Duration,
}

/// The batching thread of one model: collects batches, keeps up to [`PIPELINE_DEPTH`] passes
/// in flight, and answers each job.
struct Lane<M> {
	model: M,
	output_len: usize,
	label: Arc<str>,
	metrics: Arc<Metrics>,
	/// Started passes, oldest first.
	flights: VecDeque<Flight>,
	/// When the last pass finished.
	last_finish: Instant,
	/// A typical pass's compute time: a moving average, each pass weighing
	/// 1/[`PASS_TIME_WEIGHT`].
	pass_time: Duration,
}

impl<M: Pipeline> Lane<M> {
	/// Runs until every sender is gone and every accepted job is answered.
	///
	/// With nothing in flight it blocks for a batch ([`collect`], up to `max_wait` for
	/// company) and starts it. Then, for a pipelined model, it gathers the next batch while the
	/// model computes ([`collect_until`], until [`Lane::busy_until`]) and starts it ahead if the
	/// model takes it; then it finishes the oldest pass.
	fn run(mut self, rx: &mpsc::Receiver<Job>, config: BatchConfig) {
		self.model.on_thread_start();
		// A batch the model could not take ahead: started first once the passes before it end.
		let mut held: Option<Vec<Job>> = None;
		loop {
			if self.flights.is_empty() {
				let Some(jobs) = held.take().or_else(|| collect(rx, config)) else { return };
				if let Err(jobs) = self.start(jobs, false) {
					// Never happens: without `ahead`, a model takes every pass.
					let refused = ForwardError::Runtime("the model refused a pass".into());
					for job in jobs {
						let _ = job.reply.send(Err(refused.clone().into()));
					}
				}
			}
			if self.model.pipelined() && self.flights.len() < PIPELINE_DEPTH {
				// Never longer than a batch would wait for company anyway.
				let until = self.busy_until().min(Instant::now() + config.max_wait);
				if let Some(jobs) = held.take().or_else(|| collect_until(rx, config, until)) {
					held = self.start(jobs, true).err();
				}
			}
			self.finish_oldest();
		}
	}

	/// Until when the next batch may gather company at no cost: the model is busy with the
	/// oldest pass until about then ([`AHEAD_SHARE`] of a typical pass after it began), and the
	/// batch sent then still finds it busy.
	fn busy_until(&self) -> Instant {
		let began =
			self.flights.front().map_or(self.last_finish, |f| f.started.max(self.last_finish));
		began + self.pass_time.mul_f64(AHEAD_SHARE)
	}

	/// Starts a pass over `jobs`; gives them back if the model does not take it ahead.
	fn start(&mut self, mut jobs: Vec<Job>, ahead: bool) -> Result<(), Vec<Job>> {
		// Held jobs may have waited a pass: skip those whose caller gave up meanwhile.
		jobs.retain(|job| !job.reply.is_closed());
		if jobs.is_empty() {
			return Ok(());
		}
		let input = jobs.iter().map(|job| job.input.as_slice()).collect::<Vec<_>>().concat();
		let started = Instant::now();
		if !self.model.start(&input, jobs.len(), ahead) {
			return Err(jobs);
		}
		self.metrics.batch_size.observe(jobs.len() as f64);
		self.flights.push_back(Flight { jobs, started });
		Ok(())
	}

	/// Waits for the oldest pass; an output of the wrong length is [`ForwardError::Model`].
	/// Observes the pass's compute time.
	fn finish(&mut self, batch: usize, started: Instant) -> Finished {
		let result = self.model.finish().and_then(|raw| {
			if raw.len() == batch * self.output_len {
				Ok(raw)
			} else {
				Err(ForwardError::Model(format!(
					"model returned {} bytes for a batch of {batch}, its output spec requires {}",
					raw.len(),
					batch * self.output_len
				)))
			}
		});
		let began = started.max(self.last_finish);
		self.last_finish = Instant::now();
		let compute = self.last_finish.saturating_duration_since(began);
		// A pass killed at its deadline or lost with its runner says nothing of a typical pass.
		if matches!(result, Ok(_) | Err(ForwardError::Model(_) | ForwardError::Runtime(_))) {
			self.pass_time = (self.pass_time * (PASS_TIME_WEIGHT - 1) + compute) / PASS_TIME_WEIGHT;
		}
		self.metrics.inference.with_label_values(&[&self.label]).observe(compute.as_secs_f64());
		Finished { result, began, compute }
	}

	/// One pass over `input` alone, with nothing else in flight.
	fn pass_alone(&mut self, input: &[u8]) -> Result<Vec<u8>, ForwardError> {
		let started = Instant::now();
		self.metrics.batch_size.observe(1.0);
		let _ = self.model.start(input, 1, false);
		self.finish(1, started).result
	}

	/// Finishes the oldest pass and answers its jobs. A model failure on a batch of several
	/// retries each job alone, which needs the model to itself: the passes behind it are
	/// finished (and answered) after it.
	fn finish_oldest(&mut self) {
		let Some(flight) = self.flights.pop_front() else { return };
		let finished = self.finish(flight.jobs.len(), flight.started);
		let retries =
			matches!(finished.result, Err(ForwardError::Model(_))) && flight.jobs.len() > 1;
		let behind: Vec<(Flight, Finished)> = if retries {
			std::mem::take(&mut self.flights)
				.into_iter()
				.map(|f| {
					let finished = self.finish(f.jobs.len(), f.started);
					(f, finished)
				})
				.collect()
		} else {
			Vec::new()
		};
		self.answer(flight, finished);
		for (flight, finished) in behind {
			self.answer(flight, finished);
		}
	}

	/// Answers each job of a finished pass; if the model failed on the batch, runs each job
	/// alone (see the module docs).
	fn answer(&mut self, flight: Flight, finished: Finished) {
		let Finished { result, began, compute: first_pass } = finished;
		let batch = flight.jobs.len();
		if let Err(ForwardError::Model(reason)) = &result {
			if batch > 1 {
				tracing::debug!(
					"model {} failed on a batch of {batch} ({reason}); retrying alone",
					self.label
				);
				self.metrics.batch_retries.inc();
			}
		}
		for (i, job) in flight.jobs.into_iter().enumerate() {
			let queue_wait = began.saturating_duration_since(job.enqueued);
			self.metrics.queue_wait.observe(queue_wait.as_secs_f64());
			let (answer, batch_size, forward) = match &result {
				Ok(raw) => {
					let raw = raw[i * self.output_len..(i + 1) * self.output_len].to_vec();
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
					let alone = match self.pass_alone(&job.input) {
						Ok(raw) => Ok(Forwarded::Raw(raw)),
						Err(ForwardError::Model(reason)) => Ok(Forwarded::Failed(reason)),
						Err(
							e @ (ForwardError::Runtime(_)
							| ForwardError::TimedOut(_)
							| ForwardError::Crashed(_)),
						) => Err(e.into()),
					};
					(alone, 1, began.elapsed())
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
			OnePass::new(Doubler { delay: Duration::from_millis(delay_ms) }),
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
		let b = Batcher::spawn("short", OnePass::new(Short), 2, config, metrics).unwrap();
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

	/// A [`Doubler`] behind a pipe: `start` queues the pass (refusing ahead when `refuse_ahead`),
	/// `finish` computes the oldest; it records the most passes it ever held at once.
	struct Piped {
		inner: Doubler,
		queued: VecDeque<(Vec<u8>, usize)>,
		refuse_ahead: bool,
		most_in_flight: Arc<std::sync::atomic::AtomicUsize>,
	}

	impl Pipeline for Piped {
		fn pipelined(&self) -> bool {
			true
		}

		fn start(&mut self, input: &[u8], batch: usize, ahead: bool) -> bool {
			if ahead && self.refuse_ahead {
				return false;
			}
			assert!(ahead || self.queued.is_empty(), "a pass without ahead while one runs");
			self.queued.push_back((input.to_vec(), batch));
			self.most_in_flight.fetch_max(self.queued.len(), std::sync::atomic::Ordering::SeqCst);
			true
		}

		fn finish(&mut self) -> Result<Vec<u8>, ForwardError> {
			let (input, batch) = self.queued.pop_front().expect("a started pass");
			self.inner.forward(&input, batch)
		}
	}

	fn piped(refuse_ahead: bool) -> (Batcher, Arc<std::sync::atomic::AtomicUsize>) {
		let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
		let model = Piped {
			inner: Doubler { delay: Duration::from_millis(30) },
			queued: VecDeque::new(),
			refuse_ahead,
			most_in_flight: most.clone(),
		};
		let config =
			BatchConfig { max_batch: 4, max_wait: Duration::from_millis(5), queue_capacity: 64 };
		let metrics = Arc::new(Metrics::new("cpu").unwrap());
		(Batcher::spawn("piped", model, 2, config, metrics).unwrap(), most)
	}

	#[tokio::test]
	async fn a_pipelined_model_gets_the_next_batch_while_one_runs() {
		let (b, most) = piped(false);
		let outputs =
			futures::future::join_all((0..16u8).map(|i| b.run(vec![i, i + 1], LONG))).await;
		for (i, out) in outputs.into_iter().enumerate() {
			assert_eq!(raw(out.unwrap()), vec![2 * i as u8, 2 * i as u8 + 2]);
		}
		assert_eq!(most.load(std::sync::atomic::Ordering::SeqCst), PIPELINE_DEPTH);
	}

	#[tokio::test]
	async fn a_pass_the_model_cannot_take_ahead_waits_its_turn() {
		let (b, most) = piped(true);
		let outputs =
			futures::future::join_all((0..16u8).map(|i| b.run(vec![i, i + 1], LONG))).await;
		for (i, out) in outputs.into_iter().enumerate() {
			assert_eq!(raw(out.unwrap()), vec![2 * i as u8, 2 * i as u8 + 2]);
		}
		assert_eq!(most.load(std::sync::atomic::Ordering::SeqCst), 1);
	}

	#[tokio::test]
	async fn a_failed_batch_retries_alone_after_the_pass_behind_it() {
		let (b, _) = piped(false);
		// Eight requests, batches of four: the poisoned one fails its batch while the next
		// batch is in flight.
		let outputs = futures::future::join_all((0..8u8).map(|i| {
			let input = if i == 1 { vec![0xff, 0] } else { vec![i, i] };
			b.run(input, LONG)
		}))
		.await;
		for (i, out) in outputs.into_iter().enumerate() {
			let out = out.unwrap();
			if i == 1 {
				assert_eq!(out.output, Forwarded::Failed("poisoned input".into()));
			} else {
				assert_eq!(raw(out), vec![2 * i as u8, 2 * i as u8]);
			}
		}
	}
}
