//! How the CLI shows chain state to people: models, providers, jobs, parameters, job updates.

pub use crate::chain::{answer_text, status_name};
use crate::{
	chain::{JobShow, JobStatus, JobUpdate, Model, ProviderStatus},
	spec::{format_amount, format_rule, format_tensor_spec},
};
use infera_primitives::market::MarketParameters;
use std::fmt::Write as _;

/// Human-readable form of a model.
pub fn describe_model(m: &Model) -> String {
	let mut s = format!(
		"model {}: {} v{} by {}\n  artifact {}\n  uri {}\n  input {} ({} bytes) -> output {} rule {} ({} canonical bytes)\n  fee {}  deposit {}  open jobs {}{}",
		m.id,
		String::from_utf8_lossy(&m.name),
		m.version,
		m.owner,
		format_args!("0x{}", hex::encode(m.artifact_hash)),
		String::from_utf8_lossy(&m.artifact_uri),
		format_tensor_spec(&m.input),
		m.input_len,
		format_tensor_spec(&m.output),
		format_rule(m.rule),
		m.output_len,
		format_amount(m.fee),
		format_amount(m.deposit),
		m.open_jobs,
		if m.deprecated { "  DEPRECATED" } else { "" },
	);
	let lineage = [("succeeds", m.predecessor), ("succeeded by", m.successor)];
	for (relation, other) in lineage {
		if let Some(other) = other {
			let _ = write!(s, "\n  {relation} model {other}");
		}
	}
	s
}

/// Human-readable form of the parameters in force (as `market_parameters` returns them), by
/// the names `gov propose-parameter` takes.
pub fn describe_parameters(p: &MarketParameters<u128, u32>) -> String {
	// Perbill parts per percent.
	const PARTS_PER_PERCENT: f64 = 10_000_000.0;
	let percent = |parts: u32| format!("{}%", parts as f64 / PARTS_PER_PERCENT);
	let blocks = |v: u32| format!("{v} blocks");
	let rows = [
		("default-redundancy", format!("{} providers", p.default_redundancy)),
		("max-redundancy", format!("{} providers", p.max_redundancy)),
		("commit-period", blocks(p.commit_period)),
		("reveal-period", blocks(p.reveal_period)),
		("wrong-result-slash", percent(p.wrong_result_slash.deconstruct())),
		("timeout-slash", percent(p.timeout_slash.deconstruct())),
		("min-provider-stake", format_amount(p.min_provider_stake)),
		("unbonding-period", blocks(p.unbonding_period)),
		("protocol-fee", percent(p.protocol_fee.deconstruct())),
		("max-input-bytes", format!("{} bytes", p.max_input_bytes)),
		("max-output-bytes", format!("{} bytes", p.max_output_bytes)),
		("result-retention", blocks(p.result_retention)),
		("cancel-grace", blocks(p.cancel_grace)),
		("job-byte-fee", format_amount(p.byte_fee)),
		("audit-rate", percent(p.audit_rate.deconstruct())),
	];
	let mut s = String::from("marketplace parameters:");
	for (name, shown) in rows {
		let _ = write!(s, "\n  {name:<20} {shown}");
	}
	s
}

/// Human-readable form of a provider (or of the stake an account has left unbonding).
pub fn describe_provider(v: &ProviderStatus) -> String {
	let mut s = format!("provider {}", v.account);
	let unlocking = match &v.provider {
		Some(p) => {
			let _ = write!(
				s,
				"\n  {}  worker 0x{}\n  models {:?}  capacity {} (active {})  price {}",
				if p.online { "online" } else { "OFFLINE" },
				hex::encode(p.worker),
				p.models,
				p.capacity,
				p.active_jobs,
				format_amount(p.price)
			);
			if let Some(operator) = &p.operator {
				let _ =
					write!(s, "\n  operator {operator} (answers its jobs; can do nothing else)");
			}
			let _ = write!(s, "\n  bonded {}", format_amount(p.bonded));
			let r = &p.record;
			let _ = write!(
				s,
				"\n  record: {} answered, {} wrong, {} missed, {} slashed",
				r.answered,
				r.wrong,
				r.missed,
				format_amount(r.slashed)
			);
			&p.unlocking
		}
		None => {
			s.push_str("\n  not registered");
			&v.leaving
		}
	};
	for c in unlocking {
		let _ = write!(s, "\n  unbonding {} until block {}", format_amount(c.value), c.unlock_at);
	}
	s
}

/// Human-readable form of a job.
pub fn describe_job(v: &JobShow) -> String {
	let j = &v.job;
	let mut s = format!(
		"job {}: model {} by {} — {}\n  submitted at block {}, held {}, author fee {}, protocol fee {}",
		j.id,
		j.model,
		j.user,
		status_name(&j.status),
		j.submitted_at,
		format_amount(j.held),
		format_amount(j.author_fee),
		format_amount(j.protocol_fee),
	);
	for a in &j.assignments {
		let _ = write!(
			s,
			"\n  provider {} at {}: {}",
			a.provider,
			format_amount(a.price),
			answer_text(&a.answer)
		);
	}
	for a in &j.arbitrators {
		let _ = write!(s, "\n  arbitrator {}: {}", a.provider, answer_text(&a.answer));
	}
	if j.audited {
		let _ = write!(s, "\n  audited: the second provider is a blind auditor");
	}
	if j.audit_fee > 0 {
		let _ = write!(s, "\n  audit fee {}", format_amount(j.audit_fee));
	}
	match j.status {
		JobStatus::Pending { deadline } | JobStatus::Revealing { deadline } => {
			let _ = write!(s, "\n  deadline block {deadline}");
			if let Some(at) = j.cancel_at {
				let _ = write!(s, "\n  cancellation takes effect at block {at} unless answered");
			}
		}
		JobStatus::Failed { reason, at } => {
			let _ = write!(s, "\n  failed at block {at}: {reason:?} (user refunded)");
		}
		JobStatus::Refused { reason, at } => {
			let _ = write!(s, "\n  refused at block {at}: {reason:?} (the model cannot answer)");
		}
		JobStatus::Completed { .. } | JobStatus::Cancelled { .. } => {}
	}
	if let Some(out) = &v.output_text {
		let _ = write!(s, "\n  output: {out}");
	}
	s
}

/// Human-readable form of a job update.
pub fn describe_update(u: &JobUpdate) -> String {
	match u {
		JobUpdate::Assigned { job_id, providers, block } => {
			let p: Vec<String> = providers.iter().map(|p| p.to_string()).collect();
			format!("job {job_id}: assigned to {} (block {block})", p.join(", "))
		}
		JobUpdate::Answered { job_id, provider, answer, block } => {
			format!("job {job_id}: {provider} {} (block {block})", answer_text(answer))
		}
		JobUpdate::Revealing { job_id, block } => {
			format!("job {job_id}: reveal phase open (block {block})")
		}
		JobUpdate::Settled { job_id, job, paid } => {
			let mut s = format!("job {job_id}: {}", status_name(&job.job.status));
			match job.job.status {
				JobStatus::Failed { reason, at } => {
					let _ = write!(s, " at block {at}: {reason:?}, user refunded");
				}
				JobStatus::Refused { reason, at } => {
					let _ = write!(s, " at block {at}: {reason:?}, the model cannot answer");
				}
				JobStatus::Completed { at, .. } | JobStatus::Cancelled { at } => {
					let _ = write!(s, " at block {at}");
				}
				JobStatus::Pending { .. } | JobStatus::Revealing { .. } => {}
			}
			if let Some(p) = paid {
				let _ = write!(
					s,
					" — paid {} to each of {} provider(s), {} to author {}, {} protocol fee",
					format_amount(p.share),
					p.winners,
					format_amount(job.job.author_fee),
					job.job.author,
					format_amount(job.job.protocol_fee)
				);
			}
			if let Some(out) = &job.output_text {
				let _ = write!(s, "; output {out}");
			}
			s
		}
	}
}
