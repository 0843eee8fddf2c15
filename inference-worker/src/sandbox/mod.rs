//! Model isolation: every loaded model runs in its own child process, a *runner*, behind
//! walls it cannot take down.
//!
//! # Overview
//! The worker (the parent) keeps everything a provider must protect: its attestation key, the
//! artifact cache, the network, the API, batching, canonicalization and signing. A runner is
//! the worker's own executable started again with [`RUNNER_ARG`]. It receives one model's
//! verified artifact over a pipe, confines itself ([`confine`]), loads the model and then
//! answers forward passes, one request and one reply at a time, in order ([`protocol`]). The
//! batching thread keeps the runner busy: while it computes one pass, the next batch already
//! waits in its request pipe ([`crate::batcher::Pipeline`]), so the pipe round trip is not
//! paid between batches. It never sees
//! the key: its environment is emptied, its arguments hold nothing, and the file-system
//! ruleset hides the key file, the cache and `/proc` of other processes.
//!
//! # Design
//! The walls, in the order the runner puts them up:
//! - **Resource limits** (`setrlimit`): an address-space limit (`--model-memory-mb`; an
//!   allocation beyond it fails inside the model, which the worker turns into the same signed
//!   `forward_failed` refusal every provider with the default limit gives), a few open files,
//!   no core dumps. Any Linux.
//! - **Landlock** (Linux ≥ 5.13 with `landlock` in the kernel's `lsm=` list; ABI 3, 6.2, for
//!   truncation): no file may be written, created or removed, and only library directories
//!   and a few harmless system files may be read. On an older kernel the ruleset is enforced
//!   in part or not at all; the worker logs which at each load and warns when it is missing.
//! - **seccomp** (Linux ≥ 3.17 with `CONFIG_SECCOMP_FILTER`, which every distribution kernel
//!   has): no sockets (so no network at all), no new processes or programs, no signals or
//!   `ptrace` to other processes, no raising limits, no mounts, namespaces, modules or BPF.
//!   Threads are allowed (libtorch's thread pools). If the filter cannot be installed, the
//!   runner refuses to load the model.
//! - **Deadlines and restarts** (the parent): a forward pass longer than `--model-timeout-ms`
//!   or a load longer than `--model-load-timeout-secs` kills the runner (`SIGKILL`) and fails
//!   with [`crate::error::WorkerError::ModelTimedOut`]; a runner that dies (a crash, a signal)
//!   fails its requests with [`crate::error::WorkerError::ModelCrashed`]. Either way the next
//!   request starts a new runner, and a pass that was waiting in the old runner's pipe is sent
//!   to the new one (it is not to blame). A pass's deadline counts from its sending or from
//!   when the worker read the reply to the pass before it, whichever is later. Other models run in other runners and are never affected.
//!   A runner lives in its own process group and dies with the worker: between requests its
//!   stdin closes, and during one a watchdog thread sees its parent change within
//!   [`runner::WATCHDOG_PERIOD`]. (`PR_SET_PDEATHSIG` would not do: it fires when the *thread*
//!   that started the runner ends, and runners are started from short-lived blocking threads.)
//!
//! # Terms
//! - *runner*: the child process of one loaded model.
//! - *confinement*: which walls a runner actually stands behind ([`protocol::Confinement`]),
//!   reported at every load and exported as a metric.
//!
//! # Limits
//! - The address-space limit cannot apply on CUDA (the driver reserves far more address
//!   space than it uses); with `--device cuda` the runner has none and GPU memory is bounded
//!   only by the device. A CUDA runner may also open the NVIDIA device files and read the
//!   driver's state under `/proc` and `/sys`; this path is untested here (no GPU on the build
//!   machine).
//! - CPU time is bounded per forward pass by the deadline, not by `RLIMIT_CPU` (which counts
//!   a runner's whole life).
//! - The parent keeps each loaded model's artifact in memory to restart its runner, so a
//!   model costs its artifact's size twice: once in the worker, once as weights in the
//!   runner.

pub mod confine;
pub mod pipe;
pub mod protocol;
pub mod runner;

use crate::{
	batcher::{ForwardError, Pipeline},
	engine::ModelSpec,
	error::{Result, WorkerError},
	metrics::Metrics,
	torch::TorchSettings,
};
use pipe::PipeError;
use protocol::{Confinement, DeviceCode, LandlockStatus, Limits, LoadRequest, Reply, Request};
use std::{
	collections::VecDeque,
	io,
	os::{fd::AsFd, unix::process::CommandExt},
	path::PathBuf,
	process::{Child, ChildStdin, ChildStdout, Command, Stdio},
	sync::Arc,
	time::{Duration, Instant},
};

/// The first argument that makes the worker's executable a runner.
pub const RUNNER_ARG: &str = "__model-runner";

/// Open files a runner may hold: its three standard streams, libtorch's few, and headroom.
pub const RUNNER_OPEN_FILES: u64 = 64;

/// How each model's runner is started and bounded.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
	/// The worker's executable (started again with [`RUNNER_ARG`]).
	pub runner: PathBuf,
	/// Address-space limit of a runner in bytes; 0 for none.
	pub memory_limit: u64,
	/// Longest a forward pass may take before the runner is killed.
	pub forward_timeout: Duration,
	/// Longest loading a model (with its check on one zero input) may take.
	pub load_timeout: Duration,
}

impl SandboxConfig {
	/// The request that loads `artifact` under `spec` in a runner.
	pub fn load_request(
		&self,
		artifact: Vec<u8>,
		spec: &ModelSpec,
		settings: TorchSettings,
	) -> LoadRequest {
		let device = DeviceCode::from(settings.device);
		// CUDA reserves a huge address space: no limit there (see the module's limits).
		let address_space = match device {
			DeviceCode::Cpu => self.memory_limit,
			DeviceCode::Cuda(_) => 0,
		};
		LoadRequest {
			artifact,
			input: spec.input.clone(),
			output: spec.output.clone(),
			rule: spec.rule,
			threads: settings.threads,
			device,
			faulty: settings.faulty,
			limits: Limits { address_space, open_files: RUNNER_OPEN_FILES },
		}
	}
}

/// Where the engine runs models.
#[derive(Clone, Debug)]
pub enum Isolation {
	/// Each model in its own confined runner process (the default).
	Process(SandboxConfig),
	/// In the worker's own process, with its key, cache and network: only for measuring the
	/// sandbox's cost and for platforms without it.
	InProcess,
}

/// Why a call to a runner got no reply.
#[derive(Debug)]
enum Fault {
	/// No reply within the deadline; the runner was killed.
	TimedOut(Duration),
	/// The runner died or broke the protocol; how it ended.
	Died(String),
}

/// One running runner: the process and its two pipes, read and written with deadlines
/// ([`pipe`]).
struct Runner {
	process: Child,
	stdin: ChildStdin,
	stdout: ChildStdout,
}

impl Runner {
	/// Starts a runner: an empty environment but for the library path, and its own process
	/// group.
	fn spawn(executable: &PathBuf) -> io::Result<Self> {
		let mut command = Command::new(executable);
		command
			.arg(RUNNER_ARG)
			.env_clear()
			.stdin(Stdio::piped())
			.stdout(Stdio::piped())
			.stderr(Stdio::inherit())
			.process_group(0);
		if let Some(path) = std::env::var_os("LD_LIBRARY_PATH") {
			command.env("LD_LIBRARY_PATH", path);
		}
		let mut process = command.spawn()?;
		let missing = || io::Error::other("runner pipe missing");
		let stdin = process.stdin.take().ok_or_else(missing)?;
		let stdout = process.stdout.take().ok_or_else(missing)?;
		pipe::set_nonblocking(stdin.as_fd())?;
		pipe::set_nonblocking(stdout.as_fd())?;
		pipe::grow(stdin.as_fd());
		pipe::grow(stdout.as_fd());
		Ok(Self { process, stdin, stdout })
	}

	/// Sends an encoded request `frame` and waits at most `timeout` (both ways included) for
	/// its reply.
	fn call_framed(&mut self, frame: &[u8], timeout: Duration) -> Result<Reply, Fault> {
		let deadline = Instant::now() + timeout;
		self.send(frame, deadline, timeout)?;
		self.receive(deadline, timeout)
	}

	/// Writes `frame` before `deadline`; past it the runner is killed (`timeout` is what the
	/// fault reports).
	fn send(&mut self, frame: &[u8], deadline: Instant, timeout: Duration) -> Result<(), Fault> {
		let written = pipe::write_all_by(&mut self.stdin, frame, deadline);
		written.map_err(|e| self.pipe_fault(e, timeout))
	}

	/// Reads the next reply before `deadline`; past it the runner is killed.
	fn receive(&mut self, deadline: Instant, timeout: Duration) -> Result<Reply, Fault> {
		let exchange = |runner: &mut Self| -> Result<Reply, PipeError> {
			let mut header = [0u8; 4];
			pipe::read_exact_by(&mut runner.stdout, &mut header, deadline)?;
			let mut body = vec![0u8; protocol::body_len(header).map_err(PipeError::Broken)?];
			pipe::read_exact_by(&mut runner.stdout, &mut body, deadline)?;
			protocol::decode_body(&body).map_err(PipeError::Broken)
		};
		exchange(self).map_err(|e| self.pipe_fault(e, timeout))
	}

	/// Whether `len` more bytes fit in the request pipe now, so that writing them cannot block
	/// (however long the runner takes to read them). The kernel hands out pipe room in pages,
	/// and a partly read first page and a partly filled last one hide up to two pages from the
	/// unread byte count: they are kept as a margin.
	fn fits(&self, len: usize) -> bool {
		let margin = 2 * pipe::PAGE_BYTES;
		pipe::free_space(self.stdin.as_fd()).is_ok_and(|free| free >= len.saturating_add(margin))
	}

	/// Ends the runner after a failed pipe operation and says why.
	fn pipe_fault(&mut self, error: PipeError, timeout: Duration) -> Fault {
		match error {
			PipeError::TimedOut => {
				self.end();
				Fault::TimedOut(timeout)
			}
			PipeError::Broken(e) => Fault::Died(format!("{e}; {}", self.end())),
		}
	}

	/// Kills the runner (if it still runs) and describes how it ended.
	fn end(&mut self) -> String {
		let _ = self.process.kill();
		match self.process.wait() {
			Ok(status) => format!("runner {status}"),
			Err(e) => format!("runner lost: {e}"),
		}
	}
}

impl Drop for Runner {
	fn drop(&mut self) {
		self.end();
	}
}

/// A forward pass the batching thread started.
enum Pass {
	/// Its encoded request, and when it was written to the current runner (`None`: not yet,
	/// or written to a runner that has since been replaced).
	Framed { frame: Vec<u8>, sent: Option<Instant> },
	/// It could not be sent; `finish` reports why.
	Failed(ForwardError),
}

/// A model in its runner, as the batching thread sees it: a [`Pipeline`] of up to
/// [`crate::batcher::PIPELINE_DEPTH`] passes. The runner answers requests in order, one at a
/// time, so the next pass waits in its request pipe while it computes one.
pub struct SandboxedModel {
	label: String,
	config: SandboxConfig,
	/// The load request, encoded once: every (re)start of the runner sends it as it is.
	load_frame: Vec<u8>,
	runner: Option<Runner>,
	/// Started passes, oldest first; those sent to the runner come first.
	passes: VecDeque<Pass>,
	/// When the worker last read a reply: the deadline of the pass after it counts from then at
	/// the earliest.
	last_reply: Instant,
	metrics: Arc<Metrics>,
}

impl SandboxedModel {
	/// Starts a runner for `load` and waits until it is confined and loaded.
	pub fn start(
		label: &str,
		load: LoadRequest,
		config: SandboxConfig,
		metrics: Arc<Metrics>,
	) -> Result<Self> {
		let load_frame = protocol::frame(&Request::Load(load))
			.map_err(|e| WorkerError::InvalidArtifact(format!("cannot send the model: {e}")))?;
		let mut model = SandboxedModel {
			label: label.to_string(),
			config,
			load_frame,
			runner: None,
			passes: VecDeque::new(),
			last_reply: Instant::now(),
			metrics,
		};
		model.launch()?;
		Ok(model)
	}

	/// Starts a runner and loads the model in it.
	fn launch(&mut self) -> Result<()> {
		let mut runner = Runner::spawn(&self.config.runner).map_err(|e| {
			WorkerError::Unavailable(format!("cannot start the model's runner: {e}"))
		})?;
		let confinement = match runner.call_framed(&self.load_frame, self.config.load_timeout) {
			Ok(Reply::Ready(confinement)) => confinement,
			Ok(Reply::LoadFailed(reason)) => return Err(WorkerError::InvalidArtifact(reason)),
			Ok(Reply::Output(_) | Reply::ModelFailed(_) | Reply::RuntimeFailed(_)) => {
				return Err(WorkerError::ModelCrashed(
					"the runner answered a load out of turn".into(),
				))
			}
			Err(fault) => return Err(self.fault(fault).into()),
		};
		self.report(confinement);
		self.runner = Some(runner);
		Ok(())
	}

	/// Counts a fault in the metrics and turns it into the pass's error.
	fn fault(&self, fault: Fault) -> ForwardError {
		match fault {
			Fault::TimedOut(after) => {
				self.metrics.runner_kills.with_label_values(&["timeout"]).inc();
				tracing::warn!("model {}: killed its runner after {after:?}", self.label);
				ForwardError::TimedOut(after.as_millis())
			}
			Fault::Died(how) => {
				self.metrics.runner_kills.with_label_values(&["crash"]).inc();
				tracing::warn!("model {}: its runner died: {how}", self.label);
				ForwardError::Crashed(how)
			}
		}
	}

	/// Logs and exports the walls the runner stands behind.
	fn report(&self, confinement: Confinement) {
		let landlock = match confinement.landlock {
			LandlockStatus::Full => "full",
			LandlockStatus::Partial => "partial",
			LandlockStatus::Unsupported => "unsupported",
		};
		self.metrics.runner_confinement.with_label_values(&["landlock", landlock]).set(1);
		if confinement.landlock == LandlockStatus::Unsupported {
			tracing::warn!(
				"model {}: the kernel has no Landlock; its runner can read the provider's files \
				 (seccomp still denies the network and processes)",
				self.label
			);
		}
		tracing::debug!("model {} confined: {confinement:?}", self.label);
	}
}

impl SandboxedModel {
	/// Drops the runner (killing it) after a fault: the passes it held go to the next runner.
	fn lose_runner(&mut self) {
		self.runner = None;
		for pass in &mut self.passes {
			if let Pass::Framed { sent, .. } = pass {
				*sent = None;
			}
		}
	}

	/// Writes `frame`, a pass no runner holds yet (the runner it was sent to was replaced), to
	/// the runner, starting one if there is none; returns when it was sent.
	fn send_now(&mut self, frame: &[u8]) -> Result<Instant, ForwardError> {
		if self.runner.is_none() {
			self.launch().map_err(|e| ForwardError::Crashed(format!("restarting: {e}")))?;
		}
		let Some(runner) = self.runner.as_mut() else {
			return Err(ForwardError::Crashed("no runner".into()));
		};
		let (now, timeout) = (Instant::now(), self.config.forward_timeout);
		match runner.send(frame, now + timeout, timeout) {
			Ok(()) => Ok(now),
			Err(fault) => {
				self.lose_runner();
				Err(self.fault(fault))
			}
		}
	}
}

impl Pipeline for SandboxedModel {
	fn pipelined(&self) -> bool {
		true
	}

	/// A pass ahead is taken only onto a running runner that holds every earlier pass, and only
	/// if its frame fits in the request pipe at once: the batching thread then never blocks
	/// writing while the runner blocks writing a reply nobody reads yet.
	fn start(&mut self, input: &[u8], batch: usize, ahead: bool) -> bool {
		let request = Request::Forward { batch: batch as u32, input: input.to_vec() };
		let frame = match protocol::frame(&request) {
			Ok(frame) => frame,
			Err(_) if ahead => return false,
			Err(e) => {
				let failed = ForwardError::Runtime(format!("cannot send the batch: {e}"));
				self.passes.push_back(Pass::Failed(failed));
				return true;
			}
		};
		let all_sent = self.passes.iter().all(|p| matches!(p, Pass::Framed { sent: Some(_), .. }));
		let now = Instant::now();
		let timeout = self.config.forward_timeout;
		let sent = match self.runner.as_mut() {
			Some(runner) if all_sent && (!ahead || runner.fits(frame.len())) => {
				match runner.send(&frame, now + timeout, timeout) {
					Ok(()) => Some(now),
					// Behind a pass in flight, the runner's end is that pass's to report
					// (its reply never comes).
					Err(_) if ahead => return false,
					// Nothing in flight: the runner ended between passes (counted, logged).
					// A new one takes this pass (`finish` starts it).
					Err(fault) => {
						self.lose_runner();
						self.fault(fault);
						None
					}
				}
			}
			Some(_) | None => None,
		};
		if ahead && sent.is_none() {
			return false;
		}
		self.passes.push_back(Pass::Framed { frame, sent });
		true
	}

	fn finish(&mut self) -> Result<Vec<u8>, ForwardError> {
		let (frame, sent) = match self.passes.pop_front() {
			None => return Err(ForwardError::Runtime("no pass started".into())),
			Some(Pass::Failed(e)) => return Err(e),
			Some(Pass::Framed { frame, sent }) => (frame, sent),
		};
		let sent = match sent {
			Some(at) => at,
			None => self.send_now(&frame)?,
		};
		let timeout = self.config.forward_timeout;
		// Its deadline counts from its sending or from when the reply to the pass before it was
		// read, whichever is later.
		let deadline = sent.max(self.last_reply) + timeout;
		let reply = match self.runner.as_mut() {
			Some(runner) => runner.receive(deadline, timeout),
			None => Err(Fault::Died("no runner".into())),
		};
		self.last_reply = Instant::now();
		match reply {
			Ok(Reply::Output(raw)) => Ok(raw),
			Ok(Reply::ModelFailed(reason)) => Err(ForwardError::Model(reason)),
			Ok(Reply::RuntimeFailed(reason)) => Err(ForwardError::Runtime(reason)),
			Ok(Reply::Ready(_) | Reply::LoadFailed(_)) => {
				self.lose_runner();
				Err(ForwardError::Crashed("the runner answered a forward pass out of turn".into()))
			}
			Err(fault) => {
				self.lose_runner();
				Err(self.fault(fault))
			}
		}
	}
}
