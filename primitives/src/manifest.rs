//! The export manifest (`manifest.json`) that `scripts/export_models.py` writes beside the
//! models it trains: for each model its artifact file and hash, its tensor specs and agreement
//! rule, and what the held-out set expects of it. The worker preloads models from it (`--preload`),
//! and the worker's and the end-to-end tests read their fixtures from it: one definition of the
//! format for all of them.

use crate::{
	model::{AgreementRule, TensorSpec},
	Digest,
};
use serde::{Deserialize, Serialize};
use std::{collections::BTreeMap, path::Path};

/// A manifest: the exported models by name, and the held-out set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
	/// The models, by name (`digits-cnn`, …).
	pub models: BTreeMap<String, ManifestModel>,
	/// The held-out inputs the models were scored on, if the export has them.
	#[serde(default)]
	pub heldout: Option<Heldout>,
}

/// One exported model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManifestModel {
	/// Its TorchScript artifact, relative to the manifest's folder.
	pub file: String,
	/// blake2-256 of the artifact (`0x` hex in JSON).
	#[serde(with = "crate::serde_hex::bytes")]
	pub hash: Digest,
	/// One input, without the batch dimension.
	pub input: TensorSpec,
	/// One output, without the batch dimension.
	pub output: TensorSpec,
	/// The agreement rule it is registered with.
	pub rule: AgreementRule,
	/// Its top-1 accuracy on the held-out set.
	#[serde(default)]
	pub heldout_accuracy: Option<f64>,
	/// The file of its raw outputs on the held-out set (little-endian, as PyTorch computed
	/// them), relative to the manifest's folder.
	#[serde(default)]
	pub expected_outputs: Option<String>,
}

/// The held-out set of an export.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Heldout {
	/// The file of the inputs, raw little-endian, one tensor after the other (relative to the
	/// manifest's folder).
	pub inputs: String,
	/// The file of their labels, a JSON array (relative to the manifest's folder).
	pub labels: String,
	/// How many inputs.
	pub count: u32,
	/// One input's spec.
	pub input: TensorSpec,
}

/// Why a manifest could not be read.
#[derive(Debug)]
pub enum ManifestError {
	/// The file could not be read.
	Io(std::io::Error),
	/// It is not a manifest.
	Json(serde_json::Error),
	/// It names no such model.
	UnknownModel(String),
}

impl core::fmt::Display for ManifestError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			ManifestError::Io(e) => write!(f, "cannot be read: {e}"),
			ManifestError::Json(e) => write!(f, "not an export manifest: {e}"),
			ManifestError::UnknownModel(name) => write!(f, "no model {name} in the manifest"),
		}
	}
}

impl std::error::Error for ManifestError {}

impl Manifest {
	/// Reads the manifest at `path`.
	pub fn read(path: &Path) -> Result<Manifest, ManifestError> {
		let text = std::fs::read(path).map_err(ManifestError::Io)?;
		serde_json::from_slice(&text).map_err(ManifestError::Json)
	}

	/// The model `name`.
	pub fn model(&self, name: &str) -> Result<&ManifestModel, ManifestError> {
		self.models.get(name).ok_or_else(|| ManifestError::UnknownModel(name.into()))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::model::DType;

	#[test]
	fn reads_what_the_export_script_writes() {
		// The shape of `scripts/export_models.py`'s output, trimmed to one model.
		let json = r#"{
			"dataset": "sklearn digits",
			"seed": 7,
			"heldout": {
				"inputs": "heldout.bin",
				"labels": "heldout_labels.json",
				"count": 360,
				"input": {"dtype": "f32", "shape": [1, 8, 8]}
			},
			"models": {
				"digits-cnn": {
					"file": "digits-cnn.pt",
					"hash": "0x0101010101010101010101010101010101010101010101010101010101010101",
					"input": {"dtype": "f32", "shape": [1, 8, 8]},
					"output": {"dtype": "f32", "shape": [10]},
					"rule": {"top_k": {"k": 1}},
					"heldout_accuracy": 0.975,
					"expected_outputs": "expected_digits-cnn.bin"
				}
			}
		}"#;
		let manifest: Manifest = serde_json::from_str(json).unwrap();
		let cnn = manifest.model("digits-cnn").unwrap();
		assert_eq!(cnn.hash, [1; 32]);
		assert_eq!(cnn.input.dtype, DType::F32);
		assert_eq!(cnn.rule, AgreementRule::TopK { k: 1 });
		assert_eq!(cnn.expected_outputs.as_deref(), Some("expected_digits-cnn.bin"));
		assert!(matches!(manifest.model("nope"), Err(ManifestError::UnknownModel(_))));
		assert_eq!(manifest.heldout.map(|h| h.count), Some(360));
	}
}
