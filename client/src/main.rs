//! `infera`: command-line client of the Infera marketplace. Parses the command line, runs it
//! through the library ([`infera_client::cli::execute`]) and prints the result.
//!
//! While a command follows a job (`job submit --wait`, `job wait`) on a terminal, a spinner on
//! stderr shows the time waited and the job's latest phase; each phase change is also printed
//! as a line. Elsewhere (pipes, files, `--json`) only the lines are printed.

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use infera_client::cli::{execute, Cli, Command, JobCmd};
use std::{
	io::{IsTerminal, Write},
	process::ExitCode,
	time::Duration,
};

/// How often the spinner moves.
const SPINNER_TICK: Duration = Duration::from_millis(120);

/// Prints a line to stdout. A closed stdout (`infera job list | head`) is not an error of the
/// command: the rest of the output is dropped quietly.
fn print_line(line: &str) {
	let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// A spinner for commands that follow a job, when both stdout and stderr are terminals.
fn spinner(cli: &Cli) -> Option<ProgressBar> {
	let follows = matches!(
		cli.command,
		Command::Job(JobCmd::Submit { wait: true, .. } | JobCmd::Wait { .. })
	);
	if !follows || cli.json || !std::io::stdout().is_terminal() || !std::io::stderr().is_terminal()
	{
		return None;
	}
	let bar = ProgressBar::new_spinner();
	bar.set_style(
		ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}")
			.unwrap_or_else(|_| ProgressStyle::default_spinner()),
	);
	bar.set_message("submitting");
	bar.enable_steady_tick(SPINNER_TICK);
	Some(bar)
}

#[tokio::main]
async fn main() -> ExitCode {
	let cli = Cli::parse();
	let json = cli.json;
	let bar = spinner(&cli);
	let progress = |line: String| match &bar {
		Some(bar) => {
			bar.println(&line);
			bar.set_message(format!("waiting — {line}"));
		}
		None => print_line(&line),
	};
	let result = execute(&cli, progress).await;
	if let Some(bar) = &bar {
		bar.finish_and_clear();
	}
	match result {
		Ok(out) => {
			if json {
				print_line(&out.json.to_string());
			} else {
				print_line(&out.text);
			}
			ExitCode::SUCCESS
		}
		Err(e) => {
			if json {
				print_line(&serde_json::json!({ "error": format!("{e:#}") }).to_string());
			}
			eprintln!("error: {e:#}");
			ExitCode::FAILURE
		}
	}
}
