//! Prometheus metrics of the worker, rendered as text on `GET /metrics` (see [`crate::api`]).

use infera_primitives::attestation::RefusalReason;
use prometheus::{
	exponential_buckets, Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter,
	IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};

/// All metrics of one worker, in their own registry.
pub struct Metrics {
	registry: Registry,
	/// RPC calls by method.
	pub requests: IntCounterVec,
	/// Failed RPC calls by error kind ([`crate::error::WorkerError::kind`]).
	pub errors: IntCounterVec,
	/// Signed refusals by reason ([`refusal_label`]).
	pub refusals: IntCounterVec,
	/// Requests per forward pass.
	pub batch_size: Histogram,
	/// Batches the model failed on, whose requests were then run one at a time.
	pub batch_retries: IntCounter,
	/// Time from enqueueing a request until its batch starts, in seconds.
	pub queue_wait: Histogram,
	/// Duration of a batched forward pass, by model, in seconds.
	pub inference: HistogramVec,
	/// Duration of a whole `infer` call, in seconds.
	pub request_latency: Histogram,
	/// Models currently loaded.
	pub loaded_models: IntGauge,
	/// Artifact bytes of the loaded models (the quantity `--max-model-bytes` bounds).
	pub loaded_model_bytes: IntGauge,
	/// Model runners killed or found dead, by reason (`timeout`, `crash`).
	pub runner_kills: IntCounterVec,
	/// The walls model runners stand behind (`layer`, `status`): 1 for each status seen.
	pub runner_confinement: IntGaugeVec,
	/// Resident memory of the process, sampled at each scrape.
	resident_memory: IntGauge,
	/// The device models run on (also the label of the always-1 `device` gauge).
	device: String,
}

/// Buckets in seconds from 100 µs to about 6.5 s.
fn latency_buckets() -> Vec<f64> {
	exponential_buckets(0.0001, 2.0, 17).unwrap_or_default()
}

impl Metrics {
	/// Creates and registers every metric; `device` labels `infera_worker_device`.
	pub fn new(device: &str) -> Result<Self, prometheus::Error> {
		let registry = Registry::new_custom(Some("infera_worker".into()), None)?;
		let requests =
			IntCounterVec::new(Opts::new("requests_total", "RPC calls by method"), &["method"])?;
		let errors = IntCounterVec::new(
			Opts::new("errors_total", "Failed RPC calls by error kind"),
			&["kind"],
		)?;
		let refusals = IntCounterVec::new(
			Opts::new("refusals_total", "Signed refusals by reason"),
			&["reason"],
		)?;
		let batch_retries = IntCounter::new(
			"batch_retries_total",
			"Failed batches whose requests were run again one at a time",
		)?;
		let batch_size = Histogram::with_opts(
			HistogramOpts::new("batch_size", "Requests per forward pass")
				.buckets(exponential_buckets(1.0, 2.0, 13)?),
		)?;
		let queue_wait = Histogram::with_opts(
			HistogramOpts::new("queue_wait_seconds", "Wait from enqueue to batch start")
				.buckets(latency_buckets()),
		)?;
		let inference = HistogramVec::new(
			HistogramOpts::new("inference_seconds", "Duration of a batched forward pass")
				.buckets(latency_buckets()),
			&["model"],
		)?;
		let request_latency = Histogram::with_opts(
			HistogramOpts::new("request_seconds", "Duration of an infer call")
				.buckets(latency_buckets()),
		)?;
		let loaded_models = IntGauge::new("loaded_models", "Models currently loaded")?;
		let loaded_model_bytes =
			IntGauge::new("loaded_model_bytes", "Artifact bytes of the loaded models")?;
		let resident_memory =
			IntGauge::new("resident_memory_bytes", "Resident memory of the process")?;
		let runner_kills = IntCounterVec::new(
			Opts::new("runner_kills_total", "Model runners killed or found dead, by reason"),
			&["reason"],
		)?;
		let runner_confinement = IntGaugeVec::new(
			Opts::new("runner_confinement", "Confinement of model runners by layer and status"),
			&["layer", "status"],
		)?;
		let device_gauge =
			IntGaugeVec::new(Opts::new("device", "Device models run on"), &["device"])?;
		device_gauge.with_label_values(&[device]).set(1);
		registry.register(Box::new(requests.clone()))?;
		registry.register(Box::new(errors.clone()))?;
		registry.register(Box::new(refusals.clone()))?;
		registry.register(Box::new(batch_size.clone()))?;
		registry.register(Box::new(batch_retries.clone()))?;
		registry.register(Box::new(queue_wait.clone()))?;
		registry.register(Box::new(inference.clone()))?;
		registry.register(Box::new(request_latency.clone()))?;
		registry.register(Box::new(loaded_models.clone()))?;
		registry.register(Box::new(loaded_model_bytes.clone()))?;
		registry.register(Box::new(resident_memory.clone()))?;
		registry.register(Box::new(runner_kills.clone()))?;
		registry.register(Box::new(runner_confinement.clone()))?;
		registry.register(Box::new(device_gauge))?;
		Ok(Self {
			registry,
			requests,
			errors,
			refusals,
			batch_size,
			batch_retries,
			queue_wait,
			inference,
			request_latency,
			loaded_models,
			loaded_model_bytes,
			runner_kills,
			runner_confinement,
			resident_memory,
			device: device.to_string(),
		})
	}

	/// The Prometheus text exposition of every metric.
	pub fn render(&self) -> String {
		if let Some(bytes) = resident_memory_bytes() {
			self.resident_memory.set(bytes);
		}
		let mut out = Vec::new();
		// Encoding into a Vec only fails on invalid metric names, which are fixed above.
		if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
			tracing::error!("cannot encode metrics: {e}");
		}
		String::from_utf8_lossy(&out).into_owned()
	}

	/// The device label, for `health`.
	pub fn device(&self) -> &str {
		&self.device
	}
}

/// The `reason` label of `refusals_total`: the reason's JSON name.
pub fn refusal_label(reason: RefusalReason) -> &'static str {
	match reason {
		RefusalReason::NonFiniteOutput => "non_finite_output",
		RefusalReason::ForwardFailed => "forward_failed",
		RefusalReason::OutOfRange => "out_of_range",
	}
}

/// Resident set size from `/proc/self/statm` (Linux; `None` elsewhere).
fn resident_memory_bytes() -> Option<i64> {
	let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
	let pages: i64 = statm.split_whitespace().nth(1)?.parse().ok()?;
	Some(pages * 4096)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn refusal_labels_are_the_json_names() {
		for reason in RefusalReason::ALL {
			assert_eq!(serde_json::to_value(reason).unwrap(), refusal_label(reason));
		}
	}
}
