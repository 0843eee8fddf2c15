//! `infera gov …`: the token holder's commands (referenda, votes, parameters).

use super::{render::*, Output, Session};
use crate::spec::{format_amount, parse_amount};
use anyhow::{Context, Result};
use clap::Subcommand;
use infera_primitives::market::MarketParameters;
use serde_json::json;
use std::path::PathBuf;

/// Governance commands.
#[derive(Debug, Subcommand)]
pub enum GovCmd {
	/// Opens a referendum on the parameters track to set a marketplace parameter, and places
	/// its decision deposit (100 INF, returned when it ends); prints the referendum's index.
	ProposeParameter {
		/// Parameter: default-redundancy, max-redundancy, commit-period, reveal-period,
		/// wrong-result-slash, timeout-slash, min-provider-stake, unbonding-period,
		/// protocol-fee, max-input-bytes, max-output-bytes or result-retention.
		name: String,
		/// New value: a whole number (providers, blocks, bytes), a percentage (`10%`) or an
		/// amount (`100INF`).
		value: String,
	},
	/// Opens a referendum on the root track to upgrade the runtime to the blob in `wasm`: notes
	/// it as a preimage (1 mINF per byte, held) and places the decision deposit (10 000 INF);
	/// prints the referendum's index. Enacted, it replaces the runtime without a node restart.
	ProposeUpgrade {
		/// The new runtime (`*.compact.compressed.wasm` of a build with a higher spec_version).
		wasm: PathBuf,
	},
	/// Votes on a referendum.
	Vote {
		/// Referendum index.
		index: u32,
		/// `aye` or `nay`.
		#[arg(value_parser = ["aye", "nay"])]
		choice: String,
		/// Balance voted with (base units or `INF`); it is locked while the vote counts.
		#[arg(long, value_parser = parse_amount)]
		amount: u128,
		/// Conviction 0–6: 0 counts 0.1x with no lock, n counts n times with a lock of
		/// 2^(n-1) vote-locking periods.
		#[arg(long, default_value_t = 1)]
		conviction: u8,
	},
	/// Shows a referendum: tally and phase, or its outcome.
	Status {
		/// Referendum index.
		index: u32,
	},
	/// The marketplace parameters in force.
	Parameters,
}

pub(super) async fn run(s: &Session<'_>, cmd: &GovCmd) -> Result<Output> {
	Ok(match cmd {
		GovCmd::ProposeParameter { name, value } => {
			let parameter = crate::governance::parameter_value(name, value)?;
			let proposed = s.chain.propose_parameter_change(&s.signer()?, parameter).await?;
			Output::new(
				format!(
					"referendum {} opened on the parameters track to set {name} to {value}; \
				 decision deposit placed",
					proposed.index
				),
				serde_json::to_value(&proposed)?,
			)
		}
		GovCmd::ProposeUpgrade { wasm } => {
			let code = std::fs::read(wasm)
				.with_context(|| format!("reading the runtime blob {}", wasm.display()))?;
			let size = code.len();
			let proposed = s.chain.propose_runtime_upgrade(&s.signer()?, code).await?;
			Output::new(
				format!(
					"referendum {} opened on the root track to upgrade the runtime to {} \
				 ({size} bytes, noted as a preimage); decision deposit placed",
					proposed.index,
					wasm.display()
				),
				serde_json::to_value(&proposed)?,
			)
		}
		GovCmd::Vote { index, choice, amount, conviction } => {
			let aye = choice == "aye";
			s.chain.vote(&s.signer()?, *index, aye, *amount, *conviction).await?;
			Output::new(
				format!(
					"voted {choice} on referendum {index} with {} at conviction {conviction}",
					format_amount(*amount)
				),
				json!({ "index": index, "aye": aye, "amount": amount, "conviction": conviction }),
			)
		}
		GovCmd::Status { index } => {
			let state = s.chain.referendum(*index).await?;
			Output::new(format!("referendum {index}: {state}"), serde_json::to_value(&state)?)
		}
		GovCmd::Parameters => {
			let params: MarketParameters<u128, u32> =
				s.chain.market("market_parameters", subxt::rpcs::rpc_params![]).await?;
			Output::new(describe_parameters(&params), serde_json::to_value(&params)?)
		}
	})
}
