//! A TorchScript module run by libtorch: loading it, checking it against its specs, and one
//! batched forward pass. The engine runs it in a model's runner process ([`crate::sandbox`]),
//! or in the worker's own process when isolation is off.

use crate::{
	batcher::{BatchModel, ForwardError},
	engine::ModelSpec,
	error::{Result, WorkerError},
};
use infera_primitives::model::{DType, TensorSpec};
use tch::{CModule, Device, Kind, Tensor};

/// The libtorch element kind of a dtype.
fn kind(dtype: DType) -> Kind {
	match dtype {
		DType::F32 => Kind::Float,
		DType::F16 => Kind::Half,
		DType::I64 => Kind::Int64,
		DType::I32 => Kind::Int,
		DType::U8 => Kind::Uint8,
	}
}

fn dims(spec: &TensorSpec) -> Vec<i64> {
	spec.shape.iter().map(|&d| i64::from(d)).collect()
}

/// A TorchScript module and the specs it is called with.
pub struct TorchModel {
	module: CModule,
	device: Device,
	threads: u32,
	faulty: bool,
	input_kind: Kind,
	input_dims: Vec<i64>,
	output: TensorSpec,
}

/// How a model runs.
#[derive(Clone, Copy, Debug)]
pub struct TorchSettings {
	/// Where the module runs.
	pub device: Device,
	/// Intra-op threads of each forward pass.
	pub threads: u32,
	/// Test only: perturb every output (elements reversed).
	pub faulty: bool,
}

impl TorchModel {
	/// Loads verified (and vetted: [`crate::vetting`]) artifact bytes and checks, with one
	/// zero input, that the module returns what the output spec says.
	pub fn load(bytes: &[u8], spec: &ModelSpec, settings: TorchSettings) -> Result<Self> {
		tch::set_num_threads(settings.threads as i32);
		let module =
			CModule::load_data_on_device(&mut std::io::Cursor::new(bytes), settings.device)
				.map_err(|e| {
					WorkerError::InvalidArtifact(format!("not a loadable TorchScript module: {e}"))
				})?;
		let mut model = TorchModel {
			module,
			device: settings.device,
			threads: settings.threads,
			faulty: settings.faulty,
			input_kind: kind(spec.input.dtype),
			input_dims: dims(&spec.input),
			output: spec.output.clone(),
		};
		let (input_len, _) = spec.byte_lens()?;
		model.forward(&vec![0u8; input_len], 1).map_err(|e| {
			WorkerError::InvalidArtifact(format!("module does not fit its declared specs: {e}"))
		})?;
		Ok(model)
	}
}

impl BatchModel for TorchModel {
	fn on_thread_start(&mut self) {
		tch::set_num_threads(self.threads as i32);
	}

	fn forward(&mut self, input: &[u8], batch: usize) -> Result<Vec<u8>, ForwardError> {
		let runtime = |e: tch::TchError| ForwardError::Runtime(e.to_string());
		let mut shape = vec![batch as i64];
		shape.extend_from_slice(&self.input_dims);
		let x = Tensor::f_from_data_size(input, &shape, self.input_kind)
			.and_then(|x| x.f_to(self.device))
			.map_err(runtime)?;
		// What the module raises is the model failing on its inputs.
		let y = tch::no_grad(|| self.module.forward_ts(&[x]))
			.map_err(|e| ForwardError::Model(e.to_string()))?;
		let mut expected = vec![batch as i64];
		expected.extend(dims(&self.output));
		if y.size() != expected || y.kind() != kind(self.output.dtype) {
			return Err(ForwardError::Model(format!(
				"output is {:?} {:?}, expected {:?} {expected:?}",
				y.kind(),
				y.size(),
				kind(self.output.dtype)
			)));
		}
		let y = y.f_to(Device::Cpu).and_then(|y| y.f_contiguous()).map_err(runtime)?;
		let numel = y.numel();
		let size = self.output.dtype.size_bytes() as usize;
		let mut raw = vec![0u8; numel * size];
		y.f_copy_data_u8(&mut raw, numel).map_err(runtime)?;
		if self.faulty {
			perturb(&mut raw, batch, size);
		}
		Ok(raw)
	}
}

/// The `--faulty` perturbation: reverses the elements of each output, which changes both the
/// ranking (`TopK`) and the values (`Quantized`, `Exact`) of any non-palindromic output.
fn perturb(raw: &mut [u8], batch: usize, element_size: usize) {
	if batch == 0 || raw.is_empty() {
		return;
	}
	for item in raw.chunks_mut(raw.len() / batch) {
		let mut elements: Vec<Vec<u8>> = item.chunks(element_size).map(<[u8]>::to_vec).collect();
		elements.reverse();
		item.copy_from_slice(&elements.concat());
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn perturb_reverses_elements_of_each_output() {
		let mut raw: Vec<u8> = [1u16, 2, 3, 4, 5, 6].iter().flat_map(|v| v.to_le_bytes()).collect();
		perturb(&mut raw, 2, 2);
		let expected: Vec<u8> =
			[3u16, 2, 1, 6, 5, 4].iter().flat_map(|v| v.to_le_bytes()).collect();
		assert_eq!(raw, expected);
	}
}
