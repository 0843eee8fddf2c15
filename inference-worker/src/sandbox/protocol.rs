//! The messages between the worker and a model's runner process, SCALE-encoded in frames of a
//! little-endian `u32` length followed by that many bytes, over the runner's stdin (requests)
//! and stdout (replies). The runner answers every request with exactly one reply, in order.

use codec::{Decode, Encode};
use infera_primitives::model::{AgreementRule, TensorSpec};
use std::io::{self, Read, Write};

/// Largest frame either side accepts: an artifact of the largest size the worker allows
/// (`--max-model-bytes` is checked before sending) plus the request around it. A peer that
/// announces more is treated as broken.
pub const MAX_FRAME_BYTES: u32 = (1 << 30) + (1 << 20);

/// Where the runner runs the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum DeviceCode {
	/// The CPU.
	Cpu,
	/// CUDA device `n`.
	Cuda(u32),
}

impl From<tch::Device> for DeviceCode {
	/// CUDA devices by number; everything else runs on the CPU.
	fn from(device: tch::Device) -> Self {
		match device {
			tch::Device::Cuda(n) => DeviceCode::Cuda(n as u32),
			tch::Device::Cpu | tch::Device::Mps | tch::Device::Vulkan => DeviceCode::Cpu,
		}
	}
}

impl From<DeviceCode> for tch::Device {
	fn from(device: DeviceCode) -> Self {
		match device {
			DeviceCode::Cpu => tch::Device::Cpu,
			DeviceCode::Cuda(n) => tch::Device::Cuda(n as usize),
		}
	}
}

/// Resource limits the runner sets on itself before it reads anything of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Limits {
	/// Address space (`RLIMIT_AS`), in bytes; 0 for none (CUDA needs a large address space).
	pub address_space: u64,
	/// Open file descriptors (`RLIMIT_NOFILE`).
	pub open_files: u64,
}

/// What the runner needs to load one model.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct LoadRequest {
	/// The verified (and, unless a test disabled it, vetted) TorchScript archive.
	pub artifact: Vec<u8>,
	/// One input, without the batch dimension.
	pub input: TensorSpec,
	/// One output, without the batch dimension.
	pub output: TensorSpec,
	/// The model's agreement rule (checked again by the runner's warm-up pass).
	pub rule: AgreementRule,
	/// Intra-op threads.
	pub threads: u32,
	/// Device.
	pub device: DeviceCode,
	/// Test only: perturb every output.
	pub faulty: bool,
	/// The runner's limits.
	pub limits: Limits,
}

/// A request to the runner.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Request {
	/// Confine yourself, then load this model and check it with one zero input. The first
	/// request, and only then.
	Load(LoadRequest),
	/// Run `batch` inputs, concatenated in `input`.
	Forward {
		/// Number of inputs.
		batch: u32,
		/// Their bytes, one after the other.
		input: Vec<u8>,
	},
}

/// How far the runner's Landlock ruleset is enforced (the kernel decides).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum LandlockStatus {
	/// Every requested file-system restriction is enforced.
	Full,
	/// Some are (an older Landlock ABI).
	Partial,
	/// None: the kernel has no Landlock (before 5.13, or not enabled in `lsm=`).
	Unsupported,
}

/// Which walls the runner actually stands behind, reported once it is confined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Confinement {
	/// The file-system ruleset.
	pub landlock: LandlockStatus,
	/// Whether the system-call filter (no network, no processes, no signals to others) is
	/// installed.
	pub seccomp: bool,
	/// Whether the address-space limit is set.
	pub memory_limited: bool,
}

/// A reply of the runner.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Reply {
	/// The model is loaded behind these walls.
	Ready(Confinement),
	/// The model could not be loaded or does not fit its spec; the runner exits.
	LoadFailed(String),
	/// The raw outputs of a forward pass, concatenated.
	Output(Vec<u8>),
	/// The model failed on the pass's inputs (it raised, or returned the wrong tensor).
	ModelFailed(String),
	/// The runner could not run the pass (tensors could not be built or moved).
	RuntimeFailed(String),
}

/// `message` as one frame: its length, then its encoding.
pub fn frame<M: Encode>(message: &M) -> io::Result<Vec<u8>> {
	let size = message.encoded_size();
	let len = u32::try_from(size)
		.ok()
		.filter(|&len| len <= MAX_FRAME_BYTES)
		.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;
	let mut out = Vec::with_capacity(4 + size);
	out.extend_from_slice(&len.to_le_bytes());
	message.encode_to(&mut out);
	Ok(out)
}

/// The body length a frame header announces, if acceptable.
pub fn body_len(header: [u8; 4]) -> io::Result<usize> {
	let len = u32::from_le_bytes(header);
	if len > MAX_FRAME_BYTES {
		return Err(io::Error::new(io::ErrorKind::InvalidData, format!("frame of {len} bytes")));
	}
	Ok(len as usize)
}

/// Decodes a frame's body.
pub fn decode_body<M: Decode>(body: &[u8]) -> io::Result<M> {
	M::decode(&mut &body[..]).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))
}

/// Writes `message` as one frame.
pub fn write_frame<M: Encode>(out: &mut impl Write, message: &M) -> io::Result<()> {
	out.write_all(&frame(message)?)?;
	out.flush()
}

/// Reads one frame and decodes it; `Ok(None)` at a clean end of the stream.
pub fn read_frame<M: Decode>(input: &mut impl Read) -> io::Result<Option<M>> {
	let mut len = [0u8; 4];
	match input.read_exact(&mut len) {
		Ok(()) => {}
		Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
		Err(e) => return Err(e),
	}
	let mut body = vec![0u8; body_len(len)?];
	input.read_exact(&mut body)?;
	decode_body(&body).map(Some)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn frames_round_trip_and_oversized_ones_are_refused() {
		let mut buffer = Vec::new();
		let request = Request::Forward { batch: 2, input: vec![1, 2, 3] };
		write_frame(&mut buffer, &request).unwrap();
		write_frame(&mut buffer, &Reply::ModelFailed("boom".into())).unwrap();
		let mut reader = buffer.as_slice();
		assert_eq!(read_frame::<Request>(&mut reader).unwrap(), Some(request));
		assert_eq!(
			read_frame::<Reply>(&mut reader).unwrap(),
			Some(Reply::ModelFailed("boom".into()))
		);
		assert_eq!(read_frame::<Reply>(&mut reader).unwrap(), None);

		let huge = (MAX_FRAME_BYTES + 1).to_le_bytes();
		let err = read_frame::<Reply>(&mut huge.as_slice()).unwrap_err();
		assert_eq!(err.kind(), io::ErrorKind::InvalidData);
		// A frame cut short is an error, not a clean end.
		let mut cut = Vec::new();
		write_frame(&mut cut, &Reply::Output(vec![0; 16])).unwrap();
		cut.truncate(10);
		assert!(read_frame::<Reply>(&mut cut.as_slice()).is_err());
	}
}
