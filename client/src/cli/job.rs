//! `infera job …`: the user's commands (quote, submit, follow, cancel, list).

use super::{render::*, Output, Session};
use crate::{
	chain::{account_of, parse_account, Job},
	runtime::infera,
	spec::{format_amount, parse_amount},
};
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use infera_primitives::market::Quote;
use serde_json::json;
use std::{fmt::Write as _, path::PathBuf, time::Duration};

/// Job commands.
#[derive(Debug, Subcommand)]
pub enum JobCmd {
	/// Submits a job as the signer.
	Submit {
		/// Model id.
		#[arg(long)]
		model: u32,
		/// The input tensor: a `.npy` array, a `.json` array of numbers, or raw little-endian
		/// bytes; checked against the model's input spec.
		#[arg(long)]
		input: PathBuf,
		/// Most the signer pays (base units or `INF`); default: no limit.
		#[arg(long, value_parser = parse_amount, default_value = "340282366920938463463374607431768211455")]
		max_price: u128,
		/// Number of providers (default: the chain's).
		#[arg(long)]
		redundancy: Option<u32>,
		/// Follow the job until it settles and print its result.
		#[arg(long)]
		wait: bool,
		/// Seconds to wait with `--wait`.
		#[arg(long, default_value_t = 120)]
		timeout: u64,
	},
	/// Shows a job and its result.
	Show {
		/// Job id.
		id: u64,
	},
	/// Lists the jobs of an account (default: the signer), newest first.
	List {
		/// SS58 address, `0x` public key or secret URI.
		account: Option<String>,
		/// Only jobs with ids below this (the last id of the previous page).
		#[arg(long)]
		before: Option<u64>,
		/// Jobs per page (at most 100).
		#[arg(long, default_value_t = 20)]
		limit: u32,
	},
	/// What a job would cost now, with its breakdown.
	Quote {
		/// Model id.
		#[arg(long)]
		model: u32,
		/// Number of providers (default: the chain's).
		#[arg(long)]
		redundancy: Option<u32>,
	},
	/// Asks to cancel one of the signer's jobs that no provider has answered yet: it takes effect
	/// after the governed grace unless an answer lands first; refunds all but the protocol fee.
	Cancel {
		/// Job id.
		id: u64,
	},
	/// Follows a job until it settles.
	Wait {
		/// Job id.
		id: u64,
		/// Seconds to wait.
		#[arg(long, default_value_t = 120)]
		timeout: u64,
	},
}

pub(super) async fn run(
	s: &Session<'_>,
	cmd: &JobCmd,
	progress: &mut dyn FnMut(String),
) -> Result<Output> {
	Ok(match cmd {
		JobCmd::Submit { model, input, max_price, redundancy, wait, timeout } => {
			let key = s.signer()?;
			let spec = s
				.chain
				.model(*model)
				.await?
				.with_context(|| format!("no model has id {model}"))?
				.input;
			let bytes = crate::input::load_input(input, &spec)?;
			// Refuse early, with the numbers, what the chain would refuse for lack of funds.
			let quote: Quote<u128> =
				s.chain.market("market_quote", subxt::rpcs::rpc_params![model, redundancy]).await?;
			let cost = quote.total;
			let balance = s.chain.balance(&account_of(&key)).await?;
			// Frozen funds (vote locks) may back holds, not new ones beyond them.
			let available =
				balance.free.saturating_sub(balance.frozen.saturating_sub(balance.reserved));
			if available < cost.min(*max_price) {
				bail!(
				"insufficient balance: the job costs up to {} (plus the transaction fee), {} has {} available; transfer funds to it first",
				format_amount(cost),
				account_of(&key),
				format_amount(available)
			);
			}
			let sub = s.chain.submit_job(&key, *model, &bytes, *max_price, *redundancy).await?;
			let text = format!(
				"job {} submitted: {} held, providers {}, deadline block {}",
				sub.job_id,
				format_amount(sub.price),
				sub.providers.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "),
				sub.deadline
			);
			if *wait {
				progress_submitted(s.json, &text, &sub, progress);
				let view = s
					.chain
					.follow_job(sub.job_id, Duration::from_secs(*timeout), |u| {
						s.report(u, progress)
					})
					.await?;
				Output::new(describe_job(&view), serde_json::to_value(&view)?)
			} else {
				Output::new(text, serde_json::to_value(&sub)?)
			}
		}
		JobCmd::List { account, before, limit } => {
			let account = match account {
				Some(a) => parse_account(a)?,
				None => account_of(&s.signer()?),
			};
			let jobs: Vec<Job> = s
				.chain
				.market(
					"market_jobsOf",
					subxt::rpcs::rpc_params![account.to_string(), before, limit],
				)
				.await?;
			let mut text = format!("{} job(s) of {account}, newest first:", jobs.len());
			for j in &jobs {
				let _ = write!(
					text,
					"\n  job {}: model {}, {} provider(s), {} — {}",
					j.id,
					j.model,
					j.assignments.len(),
					format_amount(j.price),
					status_name(&j.status)
				);
			}
			Output::new(text, serde_json::to_value(&jobs)?)
		}
		JobCmd::Quote { model, redundancy } => {
			let quote: Quote<u128> =
				s.chain.market("market_quote", subxt::rpcs::rpc_params![model, redundancy]).await?;
			Output::new(
			format!(
				"model {model}, {} provider(s) of {} eligible: total {} = providers {} + author fee {} + protocol fee {} + audit fee {}",
				quote.redundancy,
				quote.eligible_providers,
				format_amount(quote.total),
				format_amount(quote.providers),
				format_amount(quote.author_fee),
				format_amount(quote.protocol_fee),
				format_amount(quote.audit_fee)
			),
			serde_json::to_value(&quote)?,
		)
		}
		JobCmd::Cancel { id } => {
			s.chain.submit(&infera::tx().job_escrow().cancel_job(*id), &s.signer()?).await?;
			let at = s.chain.job(*id).await?.and_then(|j| j.cancel_at);
			let at_text = at.map_or_else(|| "soon".into(), |b| format!("at block {b}"));
			Output::new(
				format!(
					"job {id}: cancellation requested; it takes effect {at_text} unless a \
				 provider answers first (then the job completes and is paid). A cancelled \
				 job refunds all but the protocol fee."
				),
				json!({ "id": id, "cancel_at": at }),
			)
		}
		JobCmd::Show { id } => {
			let view = s.chain.job_show(*id).await?.with_context(|| format!("no job {id}"))?;
			Output::new(describe_job(&view), serde_json::to_value(&view)?)
		}
		JobCmd::Wait { id, timeout } => {
			let view = s
				.chain
				.follow_job(*id, Duration::from_secs(*timeout), |u| s.report(u, progress))
				.await?;
			Output::new(describe_job(&view), serde_json::to_value(&view)?)
		}
	})
}

fn progress_submitted(
	json: bool,
	text: &str,
	sub: &crate::chain::Submitted,
	progress: &mut dyn FnMut(String),
) {
	if json {
		let mut v = serde_json::to_value(sub).unwrap_or_default();
		v["event"] = json!("submitted");
		progress(v.to_string())
	} else {
		progress(text.to_string())
	}
}
