//! The runner's side: `infera-worker __model-runner`, started by the worker for one model.
//!
//! It reads the [`Request::Load`] from stdin, confines itself ([`super::confine`]), loads the
//! model and checks it on one zero input, replies [`Reply::Ready`] with its confinement, and
//! then answers forward passes until stdin closes. It never starts an async runtime, opens a
//! file or a socket of its own.

use super::{
	confine::confine,
	protocol::{read_frame, write_frame, LoadRequest, Reply, Request},
};
use crate::{
	batcher::{forward_caught, ForwardError},
	engine::ModelSpec,
	torch::{TorchModel, TorchSettings},
};
use std::{
	io::{self, BufReader, BufWriter},
	os::fd::AsFd,
	panic::AssertUnwindSafe,
	process::ExitCode,
};

/// Exit status when the first request is not a load, or the pipe breaks.
const PROTOCOL_ERROR: u8 = 2;

/// Exit status when the worker died.
const ORPHANED: i32 = 3;

/// How often the watchdog checks that the worker is still the runner's parent: a runner
/// orphaned in the middle of a forward pass ends at most this long after the worker.
pub const WATCHDOG_PERIOD: std::time::Duration = std::time::Duration::from_millis(500);

/// Ends the process as soon as its parent (the worker) is gone. Between requests the closing
/// stdin ends the runner anyway; this covers a forward pass that never returns.
fn start_watchdog() -> io::Result<()> {
	// SAFETY: `getppid` has no preconditions.
	let parent = unsafe { libc::getppid() };
	std::thread::Builder::new().name("watchdog".into()).spawn(move || loop {
		std::thread::sleep(WATCHDOG_PERIOD);
		// SAFETY: as above; `_exit` ends the process without running anything of ours.
		if unsafe { libc::getppid() } != parent {
			unsafe { libc::_exit(ORPHANED) };
		}
	})?;
	Ok(())
}

/// Largest allocation the C allocator serves from its heap rather than a fresh mapping, and
/// how much free heap it keeps instead of returning it: a forward pass frees and allocates the
/// same activations again, and returning them makes every pass fault them in again (zeroed by
/// the kernel). The address-space limit still bounds the total.
const MALLOC_MMAP_THRESHOLD: libc::c_int = 32 << 20;
const MALLOC_TRIM_THRESHOLD: libc::c_int = 512 << 20;

/// Tunes glibc's allocator for a process that runs the same forward pass again and again
/// (runners, and the worker itself for `--isolation in-process`).
pub fn keep_freed_memory() {
	// SAFETY: `mallopt` only changes allocator parameters, before any model memory exists.
	unsafe {
		libc::mallopt(libc::M_MMAP_THRESHOLD, MALLOC_MMAP_THRESHOLD);
		libc::mallopt(libc::M_TRIM_THRESHOLD, MALLOC_TRIM_THRESHOLD);
	}
}

/// Runs the runner until the worker closes its stdin.
pub fn main() -> ExitCode {
	match serve() {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("infera-worker model runner: {e}");
			ExitCode::from(PROTOCOL_ERROR)
		}
	}
}

/// The request loop; errors only on a broken pipe or protocol.
fn serve() -> io::Result<()> {
	start_watchdog()?;
	keep_freed_memory();
	// Buffered handles of our own on the standard streams (stdout's own handle flushes at
	// every newline byte, which binary frames are full of).
	let mut input = BufReader::new(std::fs::File::from(io::stdin().as_fd().try_clone_to_owned()?));
	let mut output =
		BufWriter::new(std::fs::File::from(io::stdout().as_fd().try_clone_to_owned()?));
	let Some(Request::Load(load)) = read_frame::<Request>(&mut input)? else {
		return Err(io::Error::other("the first request must be a load"));
	};
	let mut model = match load_confined(load) {
		Ok((model, confinement)) => {
			write_frame(&mut output, &Reply::Ready(confinement))?;
			model
		}
		Err(reason) => return write_frame(&mut output, &Reply::LoadFailed(reason)),
	};
	while let Some(request) = read_frame::<Request>(&mut input)? {
		let reply = match request {
			Request::Forward { batch, input } => forward(&mut model, &input, batch as usize),
			Request::Load(_) => Reply::RuntimeFailed("a model is loaded already".into()),
		};
		write_frame(&mut output, &reply)?;
	}
	Ok(())
}

/// Confines the process, then loads the model; the error is the reason to report.
fn load_confined(load: LoadRequest) -> Result<(TorchModel, super::protocol::Confinement), String> {
	let confinement =
		confine(load.limits, load.device).map_err(|e| format!("cannot confine the runner: {e}"))?;
	let spec = ModelSpec { input: load.input, output: load.output, rule: load.rule };
	let settings =
		TorchSettings { device: load.device.into(), threads: load.threads, faulty: load.faulty };
	let model = std::panic::catch_unwind(AssertUnwindSafe(|| {
		TorchModel::load(&load.artifact, &spec, settings)
	}))
	.map_err(|_| "loading panicked".to_string())?
	.map_err(|e| e.to_string())?;
	Ok((model, confinement))
}

/// One forward pass; panics become runtime failures.
fn forward(model: &mut TorchModel, input: &[u8], batch: usize) -> Reply {
	match forward_caught(model, input, batch) {
		Ok(raw) => Reply::Output(raw),
		Err(ForwardError::Model(reason)) => Reply::ModelFailed(reason),
		Err(
			e @ (ForwardError::Runtime(_) | ForwardError::TimedOut(_) | ForwardError::Crashed(_)),
		) => Reply::RuntimeFailed(e.to_string()),
	}
}
