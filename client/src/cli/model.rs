//! `infera model …`: the model author's commands.

use super::{render::*, Output, Session};
use crate::{
	chain::ModelEntry,
	runtime::infera,
	spec::{format_amount, parse_amount, parse_rule, parse_tensor_spec, AgreementRule, TensorSpec},
};
use anyhow::{Context, Result};
use clap::Subcommand;
use serde_json::json;
use std::path::PathBuf;

/// What a model entry and each new version of it declare: artifact, specs, rule, fee.
#[derive(Debug, clap::Args)]
pub struct ModelEntryArgs {
	/// The TorchScript file; its blake2-256 is registered.
	#[arg(long)]
	pub artifact: PathBuf,
	/// Where workers fetch it (`file://`, `http://`, `https://`).
	#[arg(long)]
	pub uri: String,
	/// Input spec, `dtype:d1,d2,...` (e.g. `f32:1,8,8`).
	#[arg(long, value_parser = parse_tensor_spec)]
	pub input: TensorSpec,
	/// Output spec (e.g. `f32:10`).
	#[arg(long, value_parser = parse_tensor_spec)]
	pub output: TensorSpec,
	/// Agreement rule: `top_k:<k>`, `quantized:<decimals>` or `exact`.
	#[arg(long, value_parser = parse_rule)]
	pub rule: AgreementRule,
	/// Fee per inference paid to the author (base units, or `0.01INF`).
	#[arg(long, value_parser = parse_amount, default_value = "0")]
	pub fee: u128,
}

impl ModelEntryArgs {
	/// The entry to register: the artifact file's blake2-256 and the declared rest.
	fn entry(&self) -> Result<ModelEntry> {
		let bytes = std::fs::read(&self.artifact)
			.with_context(|| format!("reading artifact {}", self.artifact.display()))?;
		Ok(ModelEntry {
			artifact_hash: crate::blake2_256(&bytes),
			uri: self.uri.clone(),
			input: self.input.clone(),
			output: self.output.clone(),
			rule: self.rule,
			fee: self.fee,
		})
	}
}

/// Model commands.
#[derive(Debug, Subcommand)]
pub enum ModelCmd {
	/// Registers a model (the signer becomes its author); prints its id.
	Register {
		/// Name, unique per author.
		#[arg(long)]
		name: String,
		/// Artifact, specs, rule and fee.
		#[command(flatten)]
		entry: ModelEntryArgs,
	},
	/// Publishes a new version of the signer's model `predecessor` (same name); prints its id.
	Version {
		/// The version it follows (the lineage's newest).
		predecessor: u32,
		/// Artifact, specs, rule and fee of the new version.
		#[command(flatten)]
		entry: ModelEntryArgs,
	},
	/// Deprecates one of the signer's models: no new jobs, running jobs finish.
	Deprecate {
		/// Model id.
		id: u32,
	},
	/// Sets the fee per inference of one of the signer's models.
	SetFee {
		/// Model id.
		id: u32,
		/// New fee (base units or `INF`).
		#[arg(value_parser = parse_amount)]
		fee: u128,
	},
	/// Lists every model.
	List,
	/// Shows one model.
	Show {
		/// Model id.
		id: u32,
	},
}

pub(super) async fn run(s: &Session<'_>, cmd: &ModelCmd) -> Result<Output> {
	Ok(match cmd {
		ModelCmd::Register { name, entry } => {
			let entry = entry.entry()?;
			let hash = entry.artifact_hash;
			let id = s.chain.register_model(&s.signer()?, name, &entry).await?;
			Output::new(
				format!("registered model {id} ({name}, artifact 0x{})", hex::encode(hash)),
				json!({ "model": id, "artifact_hash": format!("0x{}", hex::encode(hash)) }),
			)
		}
		ModelCmd::List => {
			let models = s.chain.models().await?;
			let text = if models.is_empty() {
				"no models".to_string()
			} else {
				models.iter().map(describe_model).collect::<Vec<_>>().join("\n")
			};
			Output::new(text, serde_json::to_value(&models)?)
		}
		ModelCmd::Version { predecessor, entry } => {
			let id = s.chain.publish_version(&s.signer()?, *predecessor, &entry.entry()?).await?;
			Output::new(
				format!("published model {id}, the version after {predecessor}"),
				json!({ "id": id, "predecessor": predecessor }),
			)
		}
		ModelCmd::Deprecate { id } => {
			s.chain.submit(&infera::tx().model_registry().deprecate(*id), &s.signer()?).await?;
			Output::new(format!("model {id} deprecated"), json!({ "id": id, "deprecated": true }))
		}
		ModelCmd::SetFee { id, fee } => {
			s.chain.submit(&infera::tx().model_registry().set_fee(*id, *fee), &s.signer()?).await?;
			Output::new(
				format!("model {id}: fee {}", format_amount(*fee)),
				json!({ "id": id, "fee": fee }),
			)
		}
		ModelCmd::Show { id } => {
			let m = s.chain.model(*id).await?.with_context(|| format!("no model {id}"))?;
			Output::new(describe_model(&m), serde_json::to_value(&m)?)
		}
	})
}
