//! Model registry and execution: which models are known, which are loaded (an LRU bounded by
//! count and artifact bytes), and how an input becomes canonical output bytes — or a refusal.
//!
//! An input the model cannot answer is refused, not failed ([`Answer::Refused`]): its output
//! holds NaN or infinity (checked per request, for every agreement rule, so one request's NaN
//! never touches the others of its batch), or the forward pass fails on it (run alone, see
//! [`crate::batcher`]). Every honest worker refuses such an input the same way, so the refusal
//! is signed and voted on like an output. Failures that are not the input's fault (unknown
//! model, wrong input length, a full queue, a timeout, a worker fault) stay errors.
//!
//! A model is *known* once `load_model` registered its hash, URI, specs and agreement rule;
//! it is *loaded* while its TorchScript module lives on its batching thread. An evicted model
//! stays known and is loaded again (from the disk cache) by the next `infer` that needs it.
//! The loaded-bytes bound counts artifact sizes, a close proxy for the memory of small
//! TorchScript modules (weights dominate); the process's resident memory is exported too.

use crate::{
	batcher::{BatchConfig, BatchOutput, BatchStats, Batcher, Forwarded, OnePass},
	error::{Result, WorkerError},
	metrics::{refusal_label, Metrics},
	sandbox::{Isolation, SandboxedModel},
	store::ModelStore,
	torch::{TorchModel, TorchSettings},
};
use infera_primitives::{
	attestation::RefusalReason,
	canonical::{canonicalize, CanonicalError},
	model::{AgreementRule, DType, TensorSpec},
	Digest,
};
use lru::LruCache;
use serde::{Deserialize, Serialize};
use std::{
	collections::HashMap,
	sync::{Arc, Mutex, MutexGuard},
	time::Duration,
};
use tch::Device;

/// What a model accepts and returns, and how its outputs are compared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSpec {
	/// One input, without the batch dimension.
	pub input: TensorSpec,
	/// One output, without the batch dimension.
	pub output: TensorSpec,
	/// How outputs are canonicalized.
	pub rule: AgreementRule,
}

impl ModelSpec {
	/// Checks the spec and returns (input bytes, output bytes) of one request.
	pub fn byte_lens(&self) -> Result<(usize, usize)> {
		let invalid = |what: &str| {
			WorkerError::InvalidSpec(format!("{what} has a zero or overflowing dimension"))
		};
		let input = self.input.byte_len().ok_or_else(|| invalid("input spec"))?;
		let output = self.output.byte_len().ok_or_else(|| invalid("output spec"))?;
		self.rule.canonical_len(&self.output).map_err(|e| {
			WorkerError::InvalidSpec(format!("agreement rule does not fit the output: {e:?}"))
		})?;
		let input = usize::try_from(input).map_err(|_| invalid("input spec"))?;
		let output = usize::try_from(output).map_err(|_| invalid("output spec"))?;
		Ok((input, output))
	}
}

/// A model as listed by `models`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ModelInfo {
	/// blake2-256 of the artifact, `0x` hex.
	pub hash: String,
	/// Where the artifact is fetched from.
	pub uri: String,
	/// Specs and agreement rule.
	#[serde(flatten)]
	pub spec: ModelSpec,
	/// Whether the module is in memory now.
	pub loaded: bool,
}

/// Settings of the engine.
#[derive(Clone, Debug)]
pub struct EngineConfig {
	/// Where modules run.
	pub device: Device,
	/// Intra-op threads of each forward pass.
	pub threads: u32,
	/// Batching of each model.
	pub batch: BatchConfig,
	/// Most models loaded at once.
	pub max_models: usize,
	/// Most artifact bytes loaded at once.
	pub max_model_bytes: u64,
	/// Deadline of an inference (queue + forward).
	pub request_timeout: Duration,
	/// Test only: perturb every output (elements reversed).
	pub faulty: bool,
	/// Where models run: each in its confined runner process, or in the worker's.
	pub isolation: Isolation,
	/// Test only: load models without vetting their code (to show what the sandbox alone
	/// stops).
	pub skip_vetting: bool,
}

impl EngineConfig {
	/// How each model's module runs.
	pub fn torch_settings(&self) -> TorchSettings {
		TorchSettings { device: self.device, threads: self.threads, faulty: self.faulty }
	}
}

/// What the model answered to one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
	/// Canonical output bytes under the model's agreement rule.
	Output(Vec<u8>),
	/// The model cannot answer this input.
	Refused(RefusalReason),
}

/// The result of one inference.
#[derive(Clone, Debug)]
pub struct Inference {
	/// The canonical output, or the refusal.
	pub answer: Answer,
	/// How it was computed.
	pub batch: BatchStats,
}

/// Whether every element of a raw little-endian tensor of `dtype` is finite (integers always
/// are). Checked before any rule, since `Exact` would otherwise pass NaN bits through.
pub fn is_finite(dtype: DType, raw: &[u8]) -> bool {
	/// The exponent bits of an IEEE-754 half: all ones means infinity or NaN.
	const F16_EXPONENT: u16 = 0x7c00;
	match dtype {
		DType::F32 => {
			raw.chunks_exact(4).all(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]).is_finite())
		}
		DType::F16 => raw
			.chunks_exact(2)
			.all(|c| u16::from_le_bytes([c[0], c[1]]) & F16_EXPONENT != F16_EXPONENT),
		DType::I64 | DType::I32 | DType::U8 => true,
	}
}

/// The answer to one request whose raw output under `spec` is `raw`: its canonical bytes, or
/// a refusal: [`RefusalReason::NonFiniteOutput`], or [`RefusalReason::OutOfRange`] for a
/// finite value too large for a quantized `i64` (an input can drive a model there as surely as
/// to NaN). `WrongLength` and `Rule` are errors: they cannot happen for a spec checked at load.
pub fn answer_of(spec: &ModelSpec, raw: &[u8]) -> Result<Answer> {
	if !is_finite(spec.output.dtype, raw) {
		return Ok(Answer::Refused(RefusalReason::NonFiniteOutput));
	}
	match canonicalize(&spec.rule, &spec.output, raw) {
		Ok(canonical) => Ok(Answer::Output(canonical)),
		Err(CanonicalError::NonFinite) => Ok(Answer::Refused(RefusalReason::NonFiniteOutput)),
		Err(e @ (CanonicalError::Rule(_) | CanonicalError::WrongLength { .. })) => {
			Err(WorkerError::Canonical(e))
		}
		Err(CanonicalError::OutOfRange) => Ok(Answer::Refused(RefusalReason::OutOfRange)),
	}
}

/// The device for a `--device` choice; `cuda` without a CUDA device is an error.
pub fn resolve_device(choice: crate::config::DeviceChoice) -> Result<Device, String> {
	use crate::config::DeviceChoice;
	match choice {
		DeviceChoice::Cpu => Ok(Device::Cpu),
		DeviceChoice::Auto => Ok(Device::cuda_if_available()),
		DeviceChoice::Cuda if tch::Cuda::is_available() => Ok(Device::Cuda(0)),
		DeviceChoice::Cuda => Err("--device cuda, but libtorch sees no CUDA device".into()),
	}
}

/// A printable name of a device (`cpu`, `cuda:0`).
pub fn device_name(device: Device) -> String {
	match device {
		Device::Cuda(i) => format!("cuda:{i}"),
		Device::Mps => "mps".into(),
		Device::Vulkan => "vulkan".into(),
		Device::Cpu => "cpu".into(),
	}
}

/// Runs a model's `load` on a blocking thread (it parses the artifact and runs a pass).
async fn load_blocking<M: Send + 'static>(
	load: impl FnOnce() -> Result<M> + Send + 'static,
) -> Result<M> {
	tokio::task::spawn_blocking(load)
		.await
		.map_err(|e| WorkerError::InvalidArtifact(format!("loading panicked: {e}")))?
}

/// A known model.
#[derive(Clone)]
struct Entry {
	uri: String,
	spec: ModelSpec,
	input_len: usize,
	output_len: usize,
}

impl Entry {
	fn info(&self, hash: &Digest, loaded: bool) -> ModelInfo {
		ModelInfo {
			hash: format!("0x{}", hex::encode(hash)),
			uri: self.uri.clone(),
			spec: self.spec.clone(),
			loaded,
		}
	}
}

/// A loaded model: its batching thread and its artifact size.
struct Loaded {
	entry: Entry,
	batcher: Batcher,
	bytes: u64,
}

struct State {
	known: HashMap<Digest, Entry>,
	loaded: LruCache<Digest, Arc<Loaded>>,
	loaded_bytes: u64,
}

/// Registry, loader and executor of models.
pub struct Engine {
	store: ModelStore,
	config: EngineConfig,
	metrics: Arc<Metrics>,
	state: Mutex<State>,
	/// Serializes loads, so concurrent requests for an evicted model load it once.
	load_lock: tokio::sync::Mutex<()>,
}

impl Engine {
	/// An engine with no models.
	pub fn new(store: ModelStore, config: EngineConfig, metrics: Arc<Metrics>) -> Self {
		let state = State { known: HashMap::new(), loaded: LruCache::unbounded(), loaded_bytes: 0 };
		Self { store, config, metrics, state: Mutex::new(state), load_lock: Default::default() }
	}

	/// The engine's settings.
	pub fn config(&self) -> &EngineConfig {
		&self.config
	}

	fn state(&self) -> MutexGuard<'_, State> {
		// A panic while holding the lock cannot leave the maps half-updated (single inserts
		// and removals), so a poisoned lock is safe to reuse.
		self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	/// Registers a model and loads it: fetches the artifact (or takes it from the cache),
	/// verifies its hash, loads it and checks its output spec with one zero input. A model
	/// already loaded with the same URI and spec is left as it is.
	pub async fn load_model(
		&self,
		hash: Digest,
		uri: String,
		spec: ModelSpec,
	) -> Result<ModelInfo> {
		let (input_len, output_len) = spec.byte_lens()?;
		let entry = Entry { uri, spec, input_len, output_len };
		{
			let mut state = self.state();
			let same = |e: &Entry| e.uri == entry.uri && e.spec == entry.spec;
			if !state.known.get(&hash).is_some_and(same) {
				self.evict(&mut state, &hash);
			}
		}
		self.activate(hash, entry.clone()).await?;
		self.state().known.insert(hash, entry.clone());
		Ok(entry.info(&hash, true))
	}

	/// Forgets a model and unloads it; requests already queued still complete. Returns
	/// whether it was known. Its artifact stays in the disk cache.
	pub fn unload_model(&self, hash: &Digest) -> bool {
		let mut state = self.state();
		self.evict(&mut state, hash);
		state.known.remove(hash).is_some()
	}

	/// Every known model, loaded or not, in hash order.
	pub fn models(&self) -> Vec<ModelInfo> {
		let state = self.state();
		let mut models: Vec<_> = state
			.known
			.iter()
			.map(|(hash, entry)| entry.info(hash, state.loaded.contains(hash)))
			.collect();
		models.sort_by(|a, b| a.hash.cmp(&b.hash));
		models
	}

	/// Hashes of the loaded models, most recently used first.
	pub fn loaded(&self) -> Vec<String> {
		self.state().loaded.iter().map(|(hash, _)| format!("0x{}", hex::encode(hash))).collect()
	}

	/// Runs `input` through model `hash` (batched with concurrent requests) and returns its
	/// canonical output, or a refusal when the model cannot answer it (see the module docs).
	/// The input must be exactly one tensor of the model's input spec.
	pub async fn infer(&self, hash: &Digest, input: Vec<u8>) -> Result<Inference> {
		let loaded = self.loaded_model(hash).await?;
		let entry = &loaded.entry;
		if input.len() != entry.input_len {
			return Err(WorkerError::InvalidInput(format!(
				"{} bytes given, the model takes exactly {} ({:?} × {:?})",
				input.len(),
				entry.input_len,
				entry.spec.input.dtype,
				entry.spec.input.shape.to_vec(),
			)));
		}
		let BatchOutput { output, stats } =
			loaded.batcher.run(input, self.config.request_timeout).await?;
		let answer = match output {
			Forwarded::Raw(raw) => answer_of(&entry.spec, &raw)?,
			Forwarded::Failed(reason) => {
				tracing::debug!("model 0x{} failed on an input: {reason}", hex::encode(hash));
				Answer::Refused(RefusalReason::ForwardFailed)
			}
		};
		if let Answer::Refused(reason) = answer {
			self.metrics.refusals.with_label_values(&[refusal_label(reason)]).inc();
		}
		Ok(Inference { answer, batch: stats })
	}

	/// The loaded model `hash`, loading a known but evicted one again.
	async fn loaded_model(&self, hash: &Digest) -> Result<Arc<Loaded>> {
		let entry = {
			let mut state = self.state();
			if let Some(loaded) = state.loaded.get(hash) {
				return Ok(loaded.clone());
			}
			state
				.known
				.get(hash)
				.cloned()
				.ok_or_else(|| WorkerError::UnknownModel(hex::encode(hash)))?
		};
		self.activate(*hash, entry).await
	}

	/// Loads `entry` unless it is loaded already, evicting least recently used models.
	async fn activate(&self, hash: Digest, entry: Entry) -> Result<Arc<Loaded>> {
		let _guard = self.load_lock.lock().await;
		if let Some(loaded) = self.state().loaded.get(&hash) {
			return Ok(loaded.clone());
		}
		let bytes = self.store.artifact(&hash, &entry.uri).await?;
		let size = bytes.len() as u64;
		if size > self.config.max_model_bytes {
			return Err(WorkerError::InvalidArtifact(format!(
				"artifact of {size} bytes exceeds --max-model-bytes {}",
				self.config.max_model_bytes
			)));
		}
		// Nothing of the model may run before its code passed the operator allowlist.
		if !self.config.skip_vetting {
			crate::vetting::vet(&bytes)?;
		}
		let label = hex::encode(hash);
		let batcher = self.start(&label, bytes, &entry).await?;
		let loaded = Arc::new(Loaded { entry, batcher, bytes: size });
		let mut state = self.state();
		while state.loaded.len() >= self.config.max_models.max(1)
			|| (!state.loaded.is_empty() && state.loaded_bytes + size > self.config.max_model_bytes)
		{
			let Some((old, _)) = state.loaded.peek_lru().map(|(h, l)| (*h, l.bytes)) else { break };
			tracing::info!("unloading least recently used model 0x{}", hex::encode(old));
			self.evict(&mut state, &old);
		}
		state.loaded_bytes += size;
		state.loaded.put(hash, loaded.clone());
		self.update_gauges(&state);
		tracing::info!("loaded model 0x{label} ({size} bytes)");
		Ok(loaded)
	}

	/// Loads `bytes` where the configured isolation says and starts the model's batching
	/// thread.
	async fn start(&self, label: &str, bytes: Vec<u8>, entry: &Entry) -> Result<Batcher> {
		let (spec, settings, metrics) =
			(entry.spec.clone(), self.config.torch_settings(), self.metrics.clone());
		let (output_len, batch) = (entry.output_len, self.config.batch);
		let started = match &self.config.isolation {
			Isolation::InProcess => {
				let model =
					load_blocking(move || TorchModel::load(&bytes, &spec, settings)).await?;
				Batcher::spawn(label, OnePass::new(model), output_len, batch, metrics)
			}
			Isolation::Process(sandbox) => {
				let (sandbox, name, runner_metrics) =
					(sandbox.clone(), label.to_string(), metrics.clone());
				let model = load_blocking(move || {
					let request = sandbox.load_request(bytes, &spec, settings);
					SandboxedModel::start(&name, request, sandbox, runner_metrics)
				})
				.await?;
				Batcher::spawn(label, model, output_len, batch, metrics)
			}
		};
		started.map_err(|e| WorkerError::Unavailable(format!("cannot start model thread: {e}")))
	}

	/// Drops the loaded module of `hash`, if any (its thread ends once its queue is drained).
	fn evict(&self, state: &mut State, hash: &Digest) {
		if let Some(old) = state.loaded.pop(hash) {
			state.loaded_bytes -= old.bytes;
			self.update_gauges(state);
		}
	}

	fn update_gauges(&self, state: &State) {
		self.metrics.loaded_models.set(state.loaded.len() as i64);
		self.metrics.loaded_model_bytes.set(state.loaded_bytes as i64);
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn spec(dtype: DType, rule: AgreementRule) -> ModelSpec {
		let tensor =
			|shape: &[u32]| TensorSpec { dtype, shape: shape.to_vec().try_into().unwrap() };
		ModelSpec { input: tensor(&[2]), output: tensor(&[2]), rule }
	}

	fn f32_bytes(values: &[f32]) -> Vec<u8> {
		values.iter().flat_map(|v| v.to_le_bytes()).collect()
	}

	#[test]
	fn non_finite_outputs_are_refused_under_every_rule() {
		let nan = RefusalReason::NonFiniteOutput;
		for rule in [
			AgreementRule::Exact,
			AgreementRule::Quantized { decimals: 2 },
			AgreementRule::TopK { k: 1 },
		] {
			let spec = spec(DType::F32, rule);
			for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
				let answer = answer_of(&spec, &f32_bytes(&[1.0, bad])).unwrap();
				assert_eq!(answer, Answer::Refused(nan), "{rule:?} {bad}");
			}
			assert!(matches!(answer_of(&spec, &f32_bytes(&[1.0, 2.0])), Ok(Answer::Output(_))));
		}
		let half = spec(DType::F16, AgreementRule::Exact);
		let (one, inf, nan_bits) = (0x3c00u16, 0x7c00u16, 0xfe00u16);
		let bytes = |a: u16, b: u16| [a.to_le_bytes(), b.to_le_bytes()].concat();
		assert_eq!(answer_of(&half, &bytes(one, inf)).unwrap(), Answer::Refused(nan));
		assert_eq!(answer_of(&half, &bytes(nan_bits, one)).unwrap(), Answer::Refused(nan));
		assert_eq!(answer_of(&half, &bytes(one, one)).unwrap(), Answer::Output(bytes(one, one)));
		assert!(is_finite(DType::I32, &[0xff; 8]));
	}

	#[test]
	fn quantized_overflow_is_an_out_of_range_refusal() {
		let spec = spec(DType::F32, AgreementRule::Quantized { decimals: 3 });
		let answer = answer_of(&spec, &f32_bytes(&[1e30, 0.0])).unwrap();
		assert_eq!(answer, Answer::Refused(RefusalReason::OutOfRange));
		assert!(matches!(answer_of(&spec, &f32_bytes(&[1e3, 0.0])).unwrap(), Answer::Output(_)));
	}
}
